"""Staff sessions with Flask-Login: loading the user behind a session, and the current staff member."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask
from flask_login import LoginManager, current_user
from werkzeug.exceptions import Unauthorized

from . import db

if TYPE_CHECKING:
    from .models import FeedbackItem, User

login_manager = LoginManager()
login_manager.login_view = "staff.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.jinja_env.globals["can"] = _can


def _can(action: str, item: FeedbackItem | None = None) -> bool:
    """can(action, item) in templates. The services (and the models) load at the first page that asks, not with
    every `flask` command."""
    from .services.common import authz

    return authz.can(signed_in(), action, item)


@login_manager.user_loader
def _load(session_id: str) -> User | None:
    from .services.accounts import users

    return users.load_user(db.session(), session_id)


def signed_in() -> User | None:
    """The logged-in staff user, or None for the public."""
    return current_user if current_user.is_authenticated else None


def current_staff() -> User:
    """The logged-in staff user, in a staff view (the staff blueprint lets no one in without logging in)."""
    user = signed_in()
    if user is None:
        raise Unauthorized()
    return user
