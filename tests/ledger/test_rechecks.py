"""回头看: re-checks are scheduled for completed measures only, recorded once; a 反弹 reopens the measure with its reason
in the public history and moves the figures; followers of the measure hear of either result."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, FollowEvent, MeasureUpdate, Recheck
from portal.services.ledger import rechecks
from portal.services.ledger.figures import campaign_figures
from portal.services.ledger.importer import import_ledger
from portal.services.ledger.rechecks import RecheckError
from tests import ledger_files
from tests.ledger_files import measure

TODAY = date(2026, 12, 5)
DUE = TODAY + timedelta(days=30)


@pytest.fixture
def ledger(session, tmp_path):
    """Measures 1-1 and 2-1 completed, 1-2 in progress."""
    campaign = ledger_files.campaign(session)
    import_ledger(session, campaign, ledger_files.write_csv(tmp_path / "v1.csv", ledger_files.ROWS), actor="导入")
    session.commit()
    return campaign


def schedule(session, campaign, **chosen):
    return rechecks.schedule(session, campaign, DUE, actor="整改办", today=TODAY, **chosen)


def test_only_completed_measures_without_an_open_recheck_are_scheduled(session, ledger):
    assert [r.measure.code for r in schedule(session, ledger, codes=["1-1", "1-2"])] == ["1-1"]
    assert schedule(session, ledger, codes=["1-1"]) == []
    assert [r.measure.code for r in schedule(session, ledger, deadline_label="3个月内整改到位")] == ["2-1"]
    assert [(r.measure.code, r.due_on) for r in rechecks.open_rechecks(session, ledger)] == [("1-1", DUE),
                                                                                             ("2-1", DUE)]
    assert rechecks.open_rechecks(session, ledger, until=DUE - timedelta(days=1)) == []
    assert [e.details["measure"] for e in session.scalars(
        select(AuditEvent).where(AuditEvent.action == "recheck.schedule"))] == ["1-1", "2-1"]


@pytest.mark.parametrize(("chosen", "message"), [
    ({}, "请指定措施编号，或指定整改时限类别（二者选一）。"),
    ({"codes": ["1-1"], "deadline_label": "3个月内整改到位"}, "请指定措施编号，或指定整改时限类别（二者选一）。"),
    ({"codes": ["1-1", "9-9"]}, "没有编号为9-9的措施。"),
    ({"deadline_label": "长期坚持"}, "整改时限为“长期坚持”的问题没有措施。"),
])
def test_a_schedule_naming_nothing_or_something_unknown_is_refused(session, ledger, chosen, message):
    with pytest.raises(RecheckError) as refused:
        schedule(session, ledger, **chosen)
    assert str(refused.value) == message


def test_a_date_in_the_past_is_refused_and_today_is_accepted(session, ledger):
    with pytest.raises(RecheckError, match="已过"):
        rechecks.schedule(session, ledger, TODAY - timedelta(days=1), actor="整改办", codes=["1-1"], today=TODAY)
    assert len(rechecks.schedule(session, ledger, TODAY, actor="整改办", codes=["1-1"], today=TODAY)) == 1


def test_held_changes_nothing_but_the_record_and_tells_followers(session, ledger):
    (recheck,) = schedule(session, ledger, codes=["1-1"])
    before = campaign_figures(session, ledger)
    rechecks.record(session, recheck, "held", "制度执行良好，抽查10次会议记录均符合规定。", actor="整改办")
    assert (recheck.result, recheck.recorded_by) == ("held", "整改办")
    assert measure(session, "1-1").status == "done"
    assert campaign_figures(session, ledger) == before
    (event,) = session.scalars(select(FollowEvent).where(FollowEvent.kind == "recheck"))
    assert event.details == {"code": "1-1", "result": "held", "note": "制度执行良好，抽查10次会议记录均符合规定。"}


def test_a_relapse_reopens_the_measure_with_its_reason_in_the_history_and_moves_the_figures(session, ledger):
    (recheck,) = schedule(session, ledger, codes=["1-1"])
    before = campaign_figures(session, ledger)
    rechecks.record(session, recheck, "relapsed", "议题审核又被跳过两次。", actor="整改办")
    session.commit()
    reopened = measure(session, "1-1")
    assert (reopened.status, reopened.completed_on) == ("in_progress", None)
    history = session.scalars(select(MeasureUpdate).where(MeasureUpdate.measure_id == reopened.id,
                                                          MeasureUpdate.note.is_not(None))).all()
    assert [(u.field, u.old_value, u.new_value, u.note) for u in history] == [
        ("status", "done", "in_progress", "回头看发现反弹：议题审核又被跳过两次。"),
        ("completed_on", "2020-12-01", None, "回头看发现反弹：议题审核又被跳过两次。")]
    after = campaign_figures(session, ledger)
    assert (after["done"], after["in_progress"]) == (before["done"] - 1, before["in_progress"] + 1)
    assert after["rectified_problems"] == before["rectified_problems"]
    (event,) = session.scalars(select(FollowEvent).where(FollowEvent.kind == "recheck"))
    assert event.details["result"] == "relapsed" and event.measure_id == reopened.id


@pytest.mark.parametrize(("result", "note", "message"), [
    ("fine", "说明", "回头看结果只能是“巩固”或“反弹”。"),
    ("held", "   ", "请填写回头看情况说明。"),
    ("held", "长" * 2001, "情况说明过长（2001个字，最多2000个）。"),
])
def test_a_result_without_a_known_verdict_or_a_note_is_refused_and_nothing_changes(session, ledger, result, note,
                                                                                   message):
    (recheck,) = schedule(session, ledger, codes=["1-1"])
    with pytest.raises(RecheckError) as refused:
        rechecks.record(session, recheck, result, note, actor="整改办")
    assert str(refused.value) == message
    assert recheck.result is None and measure(session, "1-1").status == "done"


def test_a_result_is_recorded_once(session, ledger):
    (recheck,) = schedule(session, ledger, codes=["1-1"])
    rechecks.record(session, recheck, "held", "巩固。", actor="整改办")
    with pytest.raises(RecheckError, match="已经记录过"):
        rechecks.record(session, recheck, "relapsed", "反弹。", actor="整改办")
    assert schedule(session, ledger, codes=["1-1"])[0].measure.code == "1-1"


def test_the_commands_schedule_list_and_record(runner, session, ledger):
    due = (date.today() + timedelta(days=10)).isoformat()
    scheduled = runner.invoke(args=["ledger", "recheck", "schedule", "--campaign", "test-2020", "--due", due,
                                    "--measure", "1-1", "--measure", "1-2"])
    assert scheduled.exit_code == 0, scheduled.output
    assert f"已安排1项回头看，日期 {due}：1-1" in scheduled.output
    recheck_id = session.scalar(select(Recheck.id))
    listed = runner.invoke(args=["ledger", "recheck", "list", "--campaign", "test-2020"])
    assert f"#{recheck_id}  措施1-1  {due}" in listed.output
    recorded = runner.invoke(args=["ledger", "recheck", "record", str(recheck_id), "--result", "反弹",
                                   "--note", "又出现了。"])
    assert recorded.exit_code == 0, recorded.output
    assert f"已记录回头看 #{recheck_id}（措施1-1）：反弹，措施已恢复为“正在整改”。" in recorded.output
    session.expire_all()
    assert measure(session, "1-1").status == "in_progress"
    bad = runner.invoke(args=["ledger", "recheck", "schedule", "--campaign", "test-2020", "--due", "2021-13-01",
                              "--measure", "1-1"])
    assert bad.exit_code != 0 and "不是日期" in bad.output
    again = runner.invoke(args=["ledger", "recheck", "record", str(recheck_id), "--result", "巩固", "--note", "好"])
    assert again.exit_code == 1 and "已经记录过" in again.output
