"""Fixtures: every database test runs once on SQLite and once on PostgreSQL.

PostgreSQL comes from PORTAL_TEST_DATABASE_URL (scripts/test starts a private cluster and sets it).
Run only the SQLite half with `pytest -m "not postgres"`.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from portal import create_app, db
from portal.models import Base

BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="pg", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def pg_url(worker_id: str) -> str:
    """A PostgreSQL database of this test worker's own, created empty with the current schema."""
    base = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not base:
        pytest.fail("PORTAL_TEST_DATABASE_URL is not set: run the tests with scripts/test, "
                    "or deselect PostgreSQL with -m 'not postgres'")
    name = f"portal_test_{worker_id}"
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = base.rsplit("/", 1)[0] + "/" + name
    engine = db.make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        engine = db.make_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        return url
    url = request.getfixturevalue("pg_url")
    engine = db.make_engine(url)
    with engine.begin() as conn:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def app(db_url, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret"},
                     instance_path=str(instance))
    yield app
    app.extensions["portal.db"].kw["bind"].dispose()


@pytest.fixture
def session(app):
    """The app's database session, inside an application context."""
    with app.app_context():
        yield db.session()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
