"""The state machine: every state × every transition; legal ones succeed and are audited, the rest are refused."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Reply
from portal.models.feedback import APPROVED, STATES
from portal.services.common import authz
from portal.services.feedback import workflow
from portal.services.common.clocks import ClockSettings
from portal.services.accounts.users import department_named
from portal.services.feedback.workflow import TRANSITIONS, WorkflowError

CLOCKS = ClockSettings()

#: how to reach each state from 待分办, as (action, fields) steps
PATHS = {
    "received": [],
    "accepted": [("accept", {})],
    "handling": [("accept", {}), ("assign", {"department": "DEPT"})],
    "replied": [("accept", {}), ("assign", {"department": "DEPT"}), ("reply", {"reply": "REPLY"})],
    "review": [("accept", {}), ("assign", {"department": "DEPT"}), ("reply", {"reply": "REPLY"}),
               ("review", {"reason": "群众申请复查"})],
    "closed": [("accept", {}), ("assign", {"department": "DEPT"}), ("reply", {"reply": "REPLY"}), ("close", {})],
    "not_accepted": [("reject", {"reason": "不属于受理范围"})],
    "transferred": [("transfer", {"transferred_to": "兰州市总工会"})],
    "duplicate": [("merge", {"original": "ORIGINAL"})],
    "spam": [("spam", {})],
}
FIELDS = {"reject": {"reason": "不属于受理范围"}, "transfer": {"transferred_to": "兰州市总工会"},
          "merge": {"original": "ORIGINAL"}, "assign": {"department": "DEPT"},
          "extend": {"days": 20, "approver": "张主任", "reason": "需要调查"}, "reply": {"reply": "REPLY"},
          "review": {"reason": "申请复查"}, "send_back": {"reason": "不属于本部门职责"}}


@pytest.fixture
def actors(make_user):
    return {"triager": make_user("triager"), "research": make_user("research"),
            "handler": make_user("handler", department="办公室")}


def _actor(actors, action):
    return {"reply": actors["research"], "send_back": actors["handler"]}.get(action, actors["triager"])


def approved_reply(session, item, research, text="已处理。") -> Reply:
    """A reply the research office has approved, ready to go out (the replies service's job, made by hand here)."""
    reply = Reply(item_id=item.id, text=text, channel="web", status=APPROVED, author_id=research.id,
                  approver_id=research.id, department_id=item.department_id, approved_at=datetime.now(UTC))
    session.add(reply)
    session.flush()
    return reply


def _run(session, item, action, fields, actors, dept, original):
    def resolve(value):
        if value == "REPLY":
            return approved_reply(session, item, actors["research"])
        return dept.id if value == "DEPT" else original.case_number if value == "ORIGINAL" else value
    workflow.apply(session, item, action, _actor(actors, action), CLOCKS, **{k: resolve(v) for k, v in fields.items()})


def test_paths_reach_every_state():
    assert set(PATHS) == set(STATES)


@pytest.mark.slow
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_transition_from_state(session, new_item, actors, state, action):
    dept = department_named(session, "办公室")
    original, _ = new_item()
    item, _ = new_item()
    for step, fields in PATHS[state]:
        _run(session, item, step, fields, actors, dept, original)
    assert item.state == state
    transition = TRANSITIONS[action]
    if state in transition.sources:
        _run(session, item, action, FIELDS.get(action, {}), actors, dept, original)
        assert item.state == (transition.target or state)
        event = session.scalars(select(AuditEvent).where(AuditEvent.item_id == item.id)
                                .order_by(AuditEvent.id.desc())).first()
        assert event.action == f"item.{action}"
        assert event.details["from"] == state and event.details["to"] == item.state
    elif not authz.can_view(_actor(actors, action), item):  # a handler cannot reach an item outside their department
        with pytest.raises(authz.PermissionDenied):
            _run(session, item, action, FIELDS.get(action, {}), actors, dept, original)
        assert item.state == state
    else:
        with pytest.raises(WorkflowError, match="不能执行"):
            _run(session, item, action, FIELDS.get(action, {}), actors, dept, original)
        assert item.state == state


@pytest.mark.parametrize("action, missing", [("reject", "理由"), ("transfer", "转往单位"), ("merge", "原件编号")])
def test_required_fields_are_enforced(session, new_item, actors, action, missing):
    item, _ = new_item()
    with pytest.raises(WorkflowError, match=missing):
        workflow.apply(session, item, action, actors["triager"], CLOCKS)
    assert item.state == "received"


def test_accept_sets_the_sixty_day_handling_clock(session, new_item, actors):
    item, _ = new_item()
    accepted = datetime(2021, 3, 31, 2, 0, tzinfo=UTC)
    workflow.apply(session, item, "accept", actors["triager"], CLOCKS, now=accepted)
    assert item.handle_due == date(2021, 5, 30)
    assert item.due_date == item.handle_due
    assert item.accepted_at == accepted


@pytest.mark.parametrize(("action", "fields"), [("reject", {"reason": " 不属于受理范围 "}), ("spam", {}),
                                                ("transfer", {"transferred_to": " 兰州市总工会 "})])
def test_closing_without_taking_up_records_when_and_stops_the_clock(session, new_item, actors, action, fields):
    item, _ = new_item()
    closed = datetime(2021, 4, 2, 8, 0, tzinfo=UTC)
    assert item.due_date is not None
    workflow.apply(session, item, action, actors["triager"], CLOCKS, now=closed, **fields)
    assert item.closed_at == closed and item.due_date is None
    assert (item.decision_reason, item.transferred_to) == (
        fields.get("reason", "").strip() or None, fields.get("transferred_to", "").strip() or None)


def test_only_one_extension_of_at_most_thirty_days(session, new_item, actors):
    dept = department_named(session, "办公室")
    item, _ = new_item()
    workflow.apply(session, item, "accept", actors["triager"], CLOCKS)
    workflow.apply(session, item, "assign", actors["triager"], CLOCKS, department=dept.id)
    due = item.handle_due
    assert "extend" in [t.action for t in workflow.allowed_transitions(actors["triager"], item)]
    with pytest.raises(WorkflowError, match="1到30"):
        workflow.apply(session, item, "extend", actors["triager"], CLOCKS, days=31, approver="张主任", reason="调查")
    workflow.apply(session, item, "extend", actors["triager"], CLOCKS, days=30, approver="张主任", reason="调查")
    assert item.handle_due == due + timedelta(days=30)
    assert (item.extension_approver, item.extension_reason) == ("张主任", "调查")
    assert "extend" not in [t.action for t in workflow.allowed_transitions(actors["triager"], item)]
    with pytest.raises(WorkflowError, match="只能延期一次"):
        workflow.apply(session, item, "extend", actors["triager"], CLOCKS, days=5, approver="张主任", reason="再延")


def test_review_only_within_thirty_days_of_the_reply(session, new_item, actors):
    dept = department_named(session, "办公室")
    item, _ = new_item()
    replied = datetime(2021, 3, 1, 4, tzinfo=UTC)
    workflow.apply(session, item, "accept", actors["triager"], CLOCKS)
    workflow.apply(session, item, "assign", actors["triager"], CLOCKS, department=dept.id)
    workflow.apply(session, item, "reply", actors["research"], CLOCKS, now=replied,
                   reply=approved_reply(session, item, actors["research"]))
    with pytest.raises(WorkflowError, match="复查申请期限"):
        workflow.apply(session, item, "review", actors["triager"], CLOCKS, now=replied + timedelta(days=32),
                       reason="不满意")
    asked = replied + timedelta(days=30)
    workflow.apply(session, item, "review", actors["triager"], CLOCKS, now=asked, reason="不满意")
    assert item.state == "review" and item.needs_attention and item.due_date == CLOCKS.accept_due(asked)
    closed = asked + timedelta(days=3)
    workflow.apply(session, item, "assign", actors["triager"], CLOCKS, now=closed, department=dept.id)
    assert item.handle_due == item.due_date == CLOCKS.handle_due(closed)
    workflow.apply(session, item, "reply", actors["research"], CLOCKS, now=closed,
                   reply=approved_reply(session, item, actors["research"]))
    assert not item.needs_attention and item.due_date is None
    workflow.apply(session, item, "close", actors["triager"], CLOCKS, now=closed)
    assert item.state == "closed" and item.closed_at == closed


def test_duplicate_names_the_original_on_both_items(session, new_item, actors):
    original, _ = new_item()
    item, _ = new_item()
    merged = datetime(2021, 3, 5, 2, tzinfo=UTC)
    workflow.apply(session, item, "merge", actors["triager"], CLOCKS, now=merged, original=original.case_number.lower())
    assert item.duplicate_of_id == original.id
    assert (item.state, item.closed_at, item.due_date) == ("duplicate", merged, None)
    events = session.scalars(select(AuditEvent).where(AuditEvent.item_id == original.id)).all()
    assert any(e.action == "item.duplicate_received" and e.details["duplicate"] == item.case_number for e in events)


def test_an_unknown_original_is_named_in_the_refusal_cut_to_forty_characters(session, new_item, actors):
    item, _ = new_item()
    typed = "GH-2026-" + "9" * 60
    with pytest.raises(WorkflowError) as refused:
        workflow.apply(session, item, "merge", actors["triager"], CLOCKS, original=typed)
    assert str(refused.value) == f"找不到原件“{typed[:40]}”。" and refused.value.field == "original"


def test_item_cannot_duplicate_itself_or_a_duplicate(session, new_item, actors):
    original, _ = new_item()
    dup, _ = new_item()
    workflow.apply(session, dup, "merge", actors["triager"], CLOCKS, original=original.case_number)
    item, _ = new_item()
    with pytest.raises(WorkflowError, match="自身"):
        workflow.apply(session, item, "merge", actors["triager"], CLOCKS, original=item.case_number)
    with pytest.raises(WorkflowError, match="本身是重复件"):
        workflow.apply(session, item, "merge", actors["triager"], CLOCKS, original=dup.case_number)


def test_merging_an_original_takes_its_duplicates_along(session, new_item, actors):
    first, _ = new_item()
    second, _ = new_item()
    final, _ = new_item()
    workflow.apply(session, first, "merge", actors["triager"], CLOCKS, original=second.case_number)
    workflow.apply(session, second, "merge", actors["triager"], CLOCKS, original=final.case_number)
    assert first.duplicate_of_id == final.id and second.duplicate_of_id == final.id
    moved = session.scalars(select(AuditEvent).where(AuditEvent.item_id == first.id,
                                                     AuditEvent.action == "item.duplicate_moved")).one()
    assert moved.details == {"original": final.case_number, "previous": second.case_number}
    received = session.scalars(select(AuditEvent).where(AuditEvent.item_id == final.id,
                                                        AuditEvent.action == "item.duplicate_received")).all()
    assert sorted(e.details["duplicate"] for e in received) == sorted([first.case_number, second.case_number])


@pytest.mark.parametrize("closing, fields", [("spam", {}), ("reject", {"reason": "不属于受理范围"}),
                                            ("transfer", {"transferred_to": "兰州市总工会"})])
def test_item_cannot_be_merged_into_one_never_taken_up(session, new_item, actors, closing, fields):
    closed, _ = new_item()
    workflow.apply(session, closed, closing, actors["triager"], CLOCKS, **fields)
    item, _ = new_item()
    with pytest.raises(WorkflowError, match="不能作为原件") as refused:
        workflow.apply(session, item, "merge", actors["triager"], CLOCKS, original=closed.case_number)
    assert refused.value.field == "original" and item.state == "received" and item.duplicate_of_id is None


def test_reply_marks_the_approved_reply_sent(session, new_item, actors):
    dept = department_named(session, "组织部")
    item, _ = new_item()
    workflow.apply(session, item, "accept", actors["triager"], CLOCKS)
    workflow.apply(session, item, "assign", actors["triager"], CLOCKS, department=dept.id)
    reply = approved_reply(session, item, actors["research"], "经核查，已整改。")
    sent = datetime(2021, 3, 31, 2, 0, tzinfo=UTC)
    workflow.apply(session, item, "reply", actors["research"], CLOCKS, now=sent, reply=reply)
    assert (reply.status, reply.sent_at, item.replied_at, item.due_date) == ("sent", sent, sent, None)
    assert not item.needs_attention
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "item.reply")).one()
    assert event.details == {"from": "handling", "to": "replied", "channel": "web", "reply": reply.id}


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "sent"])
def test_reply_needs_a_reply_the_research_office_approved(session, new_item, actors, status):
    dept = department_named(session, "组织部")
    item, _ = new_item()
    workflow.apply(session, item, "accept", actors["triager"], CLOCKS)
    workflow.apply(session, item, "assign", actors["triager"], CLOCKS, department=dept.id)
    reply = approved_reply(session, item, actors["research"])
    reply.status = status
    with pytest.raises(WorkflowError, match="审核同意"):
        workflow.apply(session, item, "reply", actors["research"], CLOCKS, reply=reply)
    with pytest.raises(WorkflowError, match="经审核同意的答复"):
        workflow.apply(session, item, "reply", actors["research"], CLOCKS, answer="直接写的答复")
    assert item.state == "handling"


def test_reply_of_another_item_is_refused(session, new_item, actors):
    dept = department_named(session, "组织部")
    item, _ = new_item()
    other, _ = new_item()
    for target in (item, other):
        workflow.apply(session, target, "accept", actors["triager"], CLOCKS)
        workflow.apply(session, target, "assign", actors["triager"], CLOCKS, department=dept.id)
    with pytest.raises(WorkflowError, match="本件"):
        workflow.apply(session, item, "reply", actors["research"], CLOCKS,
                       reply=approved_reply(session, other, actors["research"]))


def test_bulk_assign_accepts_waiting_items_and_skips_closed_ones(session, new_item, actors):
    dept = department_named(session, "办公室")
    waiting, _ = new_item()
    spam, _ = new_item()
    workflow.apply(session, spam, "spam", actors["triager"], CLOCKS)
    done, skipped = workflow.bulk_assign(session, [waiting, spam], dept.id, actors["triager"], CLOCKS)
    assert done == [waiting] and waiting.state == "handling" and waiting.department_id == dept.id
    assert [s[0] for s in skipped] == [spam] and spam.state == "spam"


def test_bulk_assign_to_an_unknown_department_is_refused(session, new_item, actors):
    waiting, _ = new_item()
    with pytest.raises(WorkflowError, match="承办部门不存在"):
        workflow.bulk_assign(session, [waiting], 987654, actors["triager"], CLOCKS)
    assert waiting.state == "received"


def test_bulk_assign_undoes_the_acceptance_of_an_item_it_could_not_assign(session, new_item, actors):
    dept = department_named(session, "办公室")
    dept.active = False
    waiting, _ = new_item()
    done, skipped = workflow.bulk_assign(session, [waiting], dept.id, actors["triager"], CLOCKS)
    assert done == [] and [s[0] for s in skipped] == [waiting] and "已停用" in skipped[0][1]
    session.expire(waiting)
    assert waiting.state == "received" and waiting.accepted_at is None


def test_departments_lists_every_department_inactive_ones_too(session):
    office, party = department_named(session, "办公室"), department_named(session, "组织部")
    party.active = False
    session.flush()
    names = [d.name for d in workflow.departments(session)]
    assert {office.name, party.name} <= set(names) and len(names) == len(set(names))


def test_an_unknown_action_is_refused_by_name(session, new_item, actors):
    item, _ = new_item()
    with pytest.raises(WorkflowError, match="未知的操作“publish”"):
        workflow.apply(session, item, "publish", actors["triager"], CLOCKS)
    assert item.state == "received"


@pytest.mark.parametrize("role", ["clerk", "handler", "supervisor"])
def test_a_role_without_the_right_is_refused_and_nothing_changes(session, new_item, make_user, role):
    from portal.services.common.authz import PermissionDenied
    item, _ = new_item()
    with pytest.raises(PermissionDenied):
        workflow.apply(session, item, "accept", make_user(role, department="办公室" if role == "handler" else None), CLOCKS)
    assert item.state == "received" and item.accepted_at is None
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "item.accept")).first() is None


def test_the_missing_field_is_named_and_blank_text_counts_as_missing(session, new_item, actors):
    item, _ = new_item()
    with pytest.raises(WorkflowError, match="“不予受理”需要填写：理由") as refused:
        workflow.apply(session, item, "reject", actors["triager"], CLOCKS, reason="   ")
    assert refused.value.field == "reason"
    assert item.state == "received"


def test_merging_into_an_unknown_case_names_it(session, new_item, actors):
    item, _ = new_item()
    with pytest.raises(WorkflowError, match="找不到原件“GH-2099-999999”") as refused:
        workflow.apply(session, item, "merge", actors["triager"], CLOCKS, original="GH-2099-999999")
    assert refused.value.field == "original" and item.state == "received" and item.duplicate_of_id is None


def test_assigning_to_an_unknown_or_inactive_department_is_refused(session, new_item, actors):
    dept = department_named(session, "办公室")
    item, _ = new_item()
    workflow.apply(session, item, "accept", actors["triager"], CLOCKS)
    with pytest.raises(WorkflowError, match="承办部门不存在") as refused:
        workflow.apply(session, item, "assign", actors["triager"], CLOCKS, department=987654)
    assert refused.value.field == "department"
    dept.active = False
    with pytest.raises(WorkflowError, match="承办部门“办公室”已停用"):
        workflow.apply(session, item, "assign", actors["triager"], CLOCKS, department=dept.id)
    assert item.state == "accepted" and item.department_id is None


def test_reassigning_keeps_the_handling_clock_outside_review(session, new_item, actors):
    office, party = department_named(session, "办公室"), department_named(session, "组织部")
    item, _ = new_item()
    accepted = datetime(2021, 3, 1, 2, tzinfo=UTC)
    workflow.apply(session, item, "accept", actors["triager"], CLOCKS, now=accepted)
    workflow.apply(session, item, "assign", actors["triager"], CLOCKS, now=accepted, department=office.id)
    workflow.apply(session, item, "assign", actors["triager"], CLOCKS, now=accepted + timedelta(days=20),
                   department=party.id)
    assert item.handle_due == item.due_date == CLOCKS.handle_due(accepted)
    assert item.department_id == party.id


def test_extension_days_must_be_a_whole_number(session, new_item, actors):
    dept = department_named(session, "办公室")
    item, _ = new_item()
    workflow.apply(session, item, "accept", actors["triager"], CLOCKS)
    workflow.apply(session, item, "assign", actors["triager"], CLOCKS, department=dept.id)
    due = item.handle_due
    with pytest.raises(WorkflowError, match="1到30之间的整数") as refused:
        workflow.apply(session, item, "extend", actors["triager"], CLOCKS, days="十天", approver="张主任", reason="调查")
    assert refused.value.field == "days"
    assert item.handle_due == due and item.extension_days is None
