"""整改监督平台 — the rectification supervision portal."""
from __future__ import annotations

import os

from flask import Flask

from .routing import LazyRulesFlask


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the application: config, extensions, CLI and, deferred until a request needs them, the blueprints and
    error pages.

    The instance folder (local config, SQLite database, uploads) is instance_path, else PORTAL_INSTANCE_PATH, else
    instance/ beside the package: two portals can run from one checkout.
    """
    app = LazyRulesFlask(__name__, instance_path=instance_path or os.environ.get("PORTAL_INSTANCE_PATH") or None,
                         instance_relative_config=True, template_folder="../templates", static_folder="../static")
    from . import auth, config, db, front_cache, i18n, input_guard, labels, limits, logging_setup, security, sessions
    from .commands import register as register_commands

    config.load(app, test_config)
    logging_setup.init_app(app)
    input_guard.init_app(app)
    db.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    security.init_app(app)
    front_cache.init_app(app)
    sessions.init_app(app)
    limits.init_app(app)
    auth.init_app(app)
    app.defer_views(register_views)
    register_commands(app)
    return app


def register_views(app: Flask) -> None:
    """The error pages, the pages, the open data API and /healthz, with the service modules they import: registered
    at the first request or reading of the URL map, or before a serving process's first request, so that a `flask`
    command, which needs none of them, does not import them (portal.routing)."""
    from . import errors, health
    from .api import bp as api_bp
    from .public import bp as public_bp
    from .staff import bp as staff_bp

    errors.init_app(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(health.bp)
