"""Rate limits (Flask-Limiter): in memory on one host, Redis via RATELIMIT_STORAGE_URI on several."""
from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app: Flask) -> None:
    limiter.init_app(app)


def form_limit() -> str:
    return current_app.config["FORM_RATE_LIMIT"]


def lookup_limit() -> str:
    return current_app.config["LOOKUP_RATE_LIMIT"]


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]
