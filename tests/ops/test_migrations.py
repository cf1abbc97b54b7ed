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


def test_upgrade_backfills_the_search_words_of_existing_items_in_batches(empty_url, tmp_path):
    from datetime import UTC, date, datetime

    from sqlalchemy import insert, select

    from portal.models import FeedbackItem
    from portal.services.common.clocks import ClockSettings
    from portal.services.feedback.queue import QueueFilters, queue_page
    from portal.services.accounts.users import create_user

    app = _app(empty_url, tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "a14c0e5d2b71"]).exit_code == 0
    engine = db.make_engine(empty_url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(insert(FeedbackItem.__table__), [
            dict(case_number=f"GH-2026-{i:06d}", query_code_hash="0" * 64, channel="web", kind="suggestion",
                 subject="劳动模范的补贴" if i == 1001 else None, state="received", received_at=now,
                 accept_due=date(2026, 12, 31), wants_reply=False, consent_publish=False, needs_attention=False,
                 content="劳模专项补助什么时候发放？" if i == 1 else "催问一下。" if i == 1001 else "食堂饭菜质量有待提高。")
            for i in range(1, 1002)])
    engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = db.session()
        words = dict(session.execute(select(FeedbackItem.case_number, FeedbackItem.search_words)).all())
        assert len(words) == 1001 and all(words.values())
        assert {"劳模", "专项", "补助", "发放"} <= set(words["GH-2026-000001"])
        triager = create_user(session, "t@example.org", "分办", "triager", "correct horse 1")
        page = queue_page(session, triager, QueueFilters(q="劳模 补助"), 1, 50, ClockSettings())
        assert [row.item.case_number for row in page.rows] == ["GH-2026-000001", "GH-2026-001001"]
        session.rollback()
    app.extensions["portal.db"].kw["bind"].dispose()
