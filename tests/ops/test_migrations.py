"""`flask db upgrade` on an empty database gives exactly the schema of the models."""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from portal import create_app, db
from portal.models import Base
from portal.models.base import created_on
from tests.conftest import fresh_pg_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path, worker_id):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with fresh_pg_database(f"portal_migrate_{worker_id}_{os.getpid()}") as url:
        yield url


def _app(url, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"}, instance_path=str(instance))


def _schema_diff(url):
    engine = db.make_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_object": lambda item, name, kind, reflected, compare_to: created_on(item, conn.dialect.name)})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    return diff


def test_upgrade_on_empty_database_matches_models(empty_url, tmp_path):
    app = _app(empty_url, tmp_path)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert _schema_diff(empty_url) == []
    app.extensions["portal.db"].kw["bind"].dispose()


def test_downgrade_to_base_and_upgrade_again(empty_url, tmp_path):
    app = _app(empty_url, tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    engine = db.make_engine(empty_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert _schema_diff(empty_url) == []
    app.extensions["portal.db"].kw["bind"].dispose()
