"""Cached public pages across app instances: a change committed through one create_app() (a worker, a host) is shown
by another sharing the database at its next request, for every kind of change the public pages show."""
from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from portal import create_app, db
from portal.models import Measure
from portal.services.common import public_version
from portal.services.common.clocks import ClockSettings
from portal.services.ledger.importer import import_ledger
from portal.services.reports.importer import import_report
from tests.ledger_files import ROWS, campaign, write_csv
from tests.public.test_answers import answered, publish  # noqa: F401 (the fixture)

CLOCKS = ClockSettings()


@pytest.fixture
def other(db_url, tmp_path):
    """A second portal on the same database: another worker or host, with its own page cache."""
    instance = tmp_path / "other-instance"
    instance.mkdir()
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                      "PUBLIC_VERSION_SECONDS": 0, "RATELIMIT_STORAGE_URI": "memory://"}, instance_path=str(instance))
    yield app.test_client()
    app.extensions["portal.db"].kw["bind"].dispose()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_a_change_without_a_version_bump_stays_unseen_so_pages_are_really_cached(session, small_campaign, other):
    session.commit()
    assert "措施2-2原文" not in page(other, "/campaigns/t/measures/2-2")
    session.execute(text("UPDATE measure SET text = '措施2-2原文' WHERE code = '2-2'"))
    session.commit()
    assert "措施2-2原文" not in page(other, "/campaigns/t/measures/2-2")
    public_version.mark_changed(session, public_version.LEDGER)
    session.commit()
    assert "措施2-2原文" in page(other, "/campaigns/t/measures/2-2")


def test_a_ledger_import_in_one_instance_shows_in_the_other(session, other, tmp_path):
    fresh = campaign(session)
    session.commit()
    before = page(other, "/campaigns/test-2020/")
    assert "议事制度不健全" not in page(other, "/api/v1/campaigns/test-2020/problems")
    import_ledger(session, fresh, write_csv(tmp_path / "ledger.csv", ROWS), actor="test")
    session.commit()
    assert page(other, "/campaigns/test-2020/") != before
    assert "议事制度不健全" in page(other, "/api/v1/campaigns/test-2020/problems")
    assert "议事制度不健全" in page(other, "/api/v1/campaigns/test-2020/problems.csv")


def test_a_measure_edit_shows_on_its_page_and_in_open_data(session, small_campaign, other):
    session.commit()
    assert "已印发会议纪要" not in page(other, "/campaigns/t/measures/1-1")
    page(other, "/api/v1/campaigns/t/measures.csv")
    measure = session.query(Measure).filter_by(code="1-1").one()
    measure.progress_note = "已印发会议纪要"
    session.commit()
    assert "已印发会议纪要" in page(other, "/campaigns/t/measures/1-1")
    assert "已印发会议纪要" in page(other, "/api/v1/campaigns/t/measures.csv")


def test_a_report_in_one_instance_shows_in_the_other(session, small_campaign, other):
    session.commit()
    assert "第一次进展通报" not in page(other, "/campaigns/t/reports/")
    import_report(session, small_campaign, "截至2021年3月31日，整改措施已完成。", as_of=date(2021, 3, 31),
                  title="第一次进展通报")
    session.commit()
    assert "第一次进展通报" in page(other, "/campaigns/t/reports/")
    assert "第一次进展通报" in page(other, "/campaigns/t/")


def test_an_opinion_moves_the_public_counters_in_the_other(session, small_campaign, new_item, other):
    session.commit()
    assert "收到意见 0 件" in page(other, "/campaigns/t/problems/2")
    new_item(campaign_id=small_campaign.id, targets=["2-1"])
    session.commit()
    assert "收到意见 1 件" in page(other, "/campaigns/t/problems/2")
    assert "收到意见 1 件" in page(other, "/campaigns/t/")


def test_a_published_answer_shows_on_answers_in_the_other(session, staff, answered, other):  # noqa: F811
    item, reply = answered(datetime(2021, 3, 1, 2, tzinfo=UTC), datetime(2021, 3, 31, 2, tzinfo=UTC))
    session.commit()
    for url in ("/answers", "/answers?problem=2", "/campaigns/t/problems/2"):
        assert "食堂账目已于" not in page(other, url)
    publish(session, staff, reply)
    for url in ("/answers", "/answers?problem=2", "/campaigns/t/problems/2"):
        assert "食堂账目已于" in page(other, url)


def test_a_campaign_edit_shows_on_contact_and_the_forms(session, small_campaign, other):
    session.commit()
    for url in ("/contact", "/feedback", "/lookup", "/privacy"):
        assert "新的任务名称" not in page(other, url)
    small_campaign.title = "新的任务名称"
    session.commit()
    for url in ("/contact", "/feedback", "/lookup", "/privacy"):
        assert "新的任务名称" in page(other, url)


def test_a_recheck_result_shows_in_the_measures_feed_in_the_other(session, small_campaign, other):
    from portal.services.ledger import rechecks
    (recheck,) = rechecks.schedule(session, small_campaign, date.today(), actor="整改办", codes=["1-1"])
    session.commit()
    assert "巩固" not in page(other, "/campaigns/t/measures/1-1/feed.atom")
    rechecks.record(session, recheck, "held", "抽查会议记录均符合规定。", actor="整改办")
    session.commit()
    assert "抽查会议记录均符合规定" in page(other, "/campaigns/t/measures/1-1/feed.atom")


def test_a_rolled_back_change_moves_no_version(session, small_campaign):
    session.commit()
    with db.engine().connect() as connection:
        before = public_version.read(connection)
    small_campaign.title = "改了又撤回"
    session.flush()
    session.rollback()
    session.commit()
    with db.engine().connect() as connection:
        assert public_version.read(connection).numbers == before.numbers


def test_one_commit_moves_each_changed_scope_once(session, small_campaign, new_item):
    session.commit()
    with db.engine().connect() as connection:
        before = public_version.read(connection)
    small_campaign.title = "新标题"
    session.flush()
    new_item(campaign_id=small_campaign.id)
    session.commit()
    with db.engine().connect() as connection:
        after = public_version.read(connection)
    assert [b - a for a, b in zip(before.numbers, after.numbers)] == [1, 1]
    assert after.changed_at is not None


def test_with_a_version_memo_a_change_shows_within_public_version_seconds(session, small_campaign, db_url, tmp_path):
    """PUBLIC_VERSION_SECONDS > 0: a worker reuses the versions it read for that long, never longer."""
    instance = tmp_path / "memo-instance"
    instance.mkdir()
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                      "PUBLIC_VERSION_SECONDS": 0.5, "RATELIMIT_STORAGE_URI": "memory://"},
                     instance_path=str(instance))
    client = app.test_client()
    session.commit()
    assert "新的任务名称" not in page(client, "/contact")
    small_campaign.title = "新的任务名称"
    session.commit()
    time.sleep(0.6)
    assert "新的任务名称" in page(client, "/contact")
    app.extensions["portal.db"].kw["bind"].dispose()
