"""Engine and one session per application context, built from config when the app is created."""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from . import version_mirror
from .services.common import public_version


def init_app(app: Flask) -> None:
    """The engine and sessions; with PUBLIC_VERSION_REDIS_URL, sessions also copy the public data versions their
    commits move to Redis (portal.version_mirror)."""
    public_version.watch()
    engine = make_engine(app.config["DATABASE_URL"])
    mirror = version_mirror.from_config(app.config)
    app.extensions["portal.db"] = sessionmaker(engine, expire_on_commit=False,
                                               info={public_version.MIRROR: mirror} if mirror else None)
    if mirror is not None:
        app.extensions[version_mirror.KEY] = mirror
    app.teardown_appcontext(_close_session)


def make_engine(url: str, **options) -> Engine:
    """An engine for url; SQLite gets WAL mode, foreign keys and a busy timeout. SQL parameters (personal data) are
    kept out of error messages and logs. Options go to create_engine (a pool class, say)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, **options)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def engine() -> Engine:
    return current_app.extensions["portal.db"].kw["bind"]


def session() -> Session:
    """The session of the current application context (one per request or CLI command)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["portal.db"]()
    return g.db_session


def _close_session(_exc) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
