"""The audit log: append-only, readable by admins and supervisors only, filtered and paged."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.models import AuditEvent
from portal.services.common import audit, audit_query, audit_text
from portal.services.common.audit_query import AuditFilter
from portal.services.common.authz import PermissionDenied

TZ = "Asia/Shanghai"


def event_at(session, actor, action, at, item=None, **details) -> AuditEvent:
    event = audit.record(session, actor, action, "feedback_item", item.id if item else None,
                         item_id=item.id if item else None, **details)
    event.at = at
    session.flush()
    return event


@pytest.fixture
def history(session, make_user, new_item):
    """Two triagers' actions on two items across three office-local days."""
    alice, bob = make_user("triager"), make_user("triager")
    first, _ = new_item()
    second, _ = new_item()
    event_at(session, alice, "item.accept", datetime(2021, 3, 31, 1, tzinfo=UTC), first, to="accepted")
    event_at(session, bob, "item.reject", datetime(2021, 3, 31, 16, 30, tzinfo=UTC), second, reason="不属于受理范围")
    event_at(session, alice, "item.assign", datetime(2021, 4, 2, 3, tzinfo=UTC), first, department="办公室")
    return alice, bob, first, second


def actions(page: audit_query.AuditPage) -> list[str]:
    return [row.event.action for row in page.rows]


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm(session, make_user):
    event = audit.record(session, make_user("admin"), "user.login", "staff_user", 1)
    session.commit()
    event.action = "user.logout"
    with pytest.raises(ValueError, match="append-only"):
        session.flush()
    session.rollback()
    session.delete(session.get(AuditEvent, event.id))
    with pytest.raises(ValueError, match="append-only"):
        session.flush()


def test_no_route_writes_to_the_audit_log(app):
    audit_rules = [rule for rule in app.url_map.iter_rules() if "audit" in rule.rule or "audit" in rule.endpoint]
    assert sorted(rule.endpoint for rule in audit_rules) == ["staff.audit_export", "staff.audit_log"]
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in audit_rules)


def test_filters_by_action_actor_case_and_local_dates(session, make_user, history):
    alice, bob, first, second = history
    reader = make_user("supervisor")

    def search(**wanted):
        return actions(audit_query.search(session, reader, AuditFilter(**wanted), TZ))

    assert search(action="item.reject") == ["item.reject"]
    assert search(actor_id=alice.id) == ["item.assign", "item.accept"]
    assert search(case_number=first.case_number.lower()) == ["item.create", "item.assign", "item.accept"]
    # 2021-03-31 16:30 UTC is already 1 April in Lanzhou
    assert search(date_from=date(2021, 4, 1), date_to=date(2021, 4, 1)) == ["item.reject"]
    assert search(date_to=date(2021, 3, 31)) == ["item.accept"]
    assert search(case_number="GH-2099-000001") == []


def test_pages_are_newest_first_and_clamped(session, make_user):
    admin = make_user("admin")
    for minute in range(7):
        event_at(session, admin, "item.note", datetime(2021, 4, 1, 8, minute, tzinfo=UTC), n=minute)
    wanted = AuditFilter(action="item.note")
    first = audit_query.search(session, admin, wanted, TZ, page=1, per_page=3)
    last = audit_query.search(session, admin, wanted, TZ, page=99, per_page=3)
    assert (first.total, first.pages, last.page) == (7, 3, 3)
    assert [r.details for r in first.rows] == [[("n", "6")], [("n", "5")], [("n", "4")]]
    assert [r.details for r in last.rows] == [[("n", "0")]]


def test_events_read_as_words_with_names_and_before_after(app, session, make_user, new_item):
    from portal.services.accounts.users import department_named
    from portal.services.common.audit_text import Change
    admin, clerk = make_user("admin"), make_user("clerk")
    clerk.name = "张三"
    office, party = department_named(session, "办公室"), department_named(session, "组织部")
    item, _ = new_item()
    events = [
        audit.record(session, admin, "item.reply", "feedback_item", item.id, item_id=item.id,
                     **{"from": "handling", "to": "replied", "channel": "email"}),
        audit.record(session, admin, "user.deactivate", "staff_user", clerk.id, changes={"active": [True, False]}),
        audit.record(session, admin, "user.update", "staff_user", clerk.id,
                     changes={"role": ["clerk", "handler"], "department_id": [None, office.id]}),
        audit.record(session, admin, "department.rename", "department", party.id, changes={"name": ["组织部", "组织人事部"]}),
        audit.record(session, admin, "item.reveal_contact", "feedback_item", item.id, item_id=item.id,
                     fields=["phone", "email"]),
        audit.record(session, admin, "user.login", "staff_user", 987654),
    ]
    session.flush()
    with app.test_request_context():
        rows = audit_text.readable(session, [(event, item.case_number if event.item_id else None) for event in events])
        reply, deactivate, update, rename, reveal, login = rows
        assert (reply.action, reply.object, reply.transition) == ("答复", f"件 {item.case_number}", ("办理中", "已答复"))
        assert reply.details == [("渠道", "电子邮件")] and reply.summary == "办理中 → 已答复；渠道：电子邮件"
        assert (deactivate.action, deactivate.object) == ("停用账号", "账号 张三")
        assert deactivate.changes == [Change("启用", "是", "否")]
        assert update.changes == [Change("角色", "登记员", "承办部门"), Change("所属部门", "（空）", "办公室")]
        assert (rename.object, rename.changes) == (f"部门 {party.name}", [Change("部门名称", "组织部", "组织人事部")])
        assert reveal.details == [("查看的项目", "电话、电子邮箱")]
        assert (login.action, login.object) == ("登录", "账号 #987654")
    with app.test_request_context(), force_locale("en"):
        assert audit_text.readable(session, [(events[1], None)])[0].changes == [Change("Active", "Yes", "No")]


@pytest.mark.parametrize("role", ["clerk", "triager", "handler", "research"])
def test_other_roles_may_not_read_the_audit_log(client, session, make_user, login_as, role):
    user = login_as(make_user(role, department="办公室" if role == "handler" else None))
    assert client.get("/staff/audit").status_code == 403
    with pytest.raises(PermissionDenied):
        audit_query.search(session, user, AuditFilter(), TZ)


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_admins_and_supervisors_read_and_filter_the_audit_log(client, session, make_user, login_as, history, role):
    alice, bob, first, second = history
    login_as(make_user(role))
    html = client.get("/staff/audit").get_data(as_text=True)
    assert '<option value="item.assign">交办</option>' in html and '<option value="item.reject">不予受理</option>' in html
    assert 'title="item.assign">交办<' in html and 'title="item.reject">不予受理<' in html and "不属于受理范围" in html

    html = client.get("/staff/audit", query_string={"actor": bob.id}).get_data(as_text=True)
    assert 'title="item.reject"' in html and 'title="item.assign"' not in html

    html = client.get("/staff/audit", query_string={"case_number": first.case_number}).get_data(as_text=True)
    assert 'title="item.assign"' in html and 'title="item.reject"' not in html
    assert f">件 {first.case_number}</a>" in html

    html = client.get("/staff/audit", query_string={"date_from": "2021-04-02", "action": "item.reject"}).get_data(
        as_text=True)
    assert "没有符合条件的记录" in html and "清除筛选" in html


def test_bad_dates_are_shown_next_to_their_fields(client, make_user, login_as, history):
    login_as(make_user("admin"))
    html = client.get("/staff/audit", query_string={"date_from": "2021-04-02", "date_to": "2021-04-01"}).get_data(
        as_text=True)
    assert re.search(r'id="date_to-error">.*结束日期不能早于起始日期', html)
    assert 'value="2021-04-02"' in html


@pytest.mark.parametrize("field, typed", [("date_from", "0001-01-01"), ("date_to", "9999-12-31"),
                                          ("date_from", "1999-12-31")])
def test_dates_outside_the_record_are_refused_at_their_field(client, make_user, login_as, history, field, typed):
    login_as(make_user("supervisor"))
    response = client.get("/staff/audit", query_string={field: typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and re.search(rf'id="{field}-error">.*请检查年份', html)


def test_the_page_is_paginated_keeping_the_filters(client, session, make_user, login_as):
    admin = login_as(make_user("admin"))
    for minute in range(audit_query.PAGE_SIZE + 1):
        event_at(session, admin, "item.note", datetime(2021, 4, 1, 8, minute % 60, minute // 60, tzinfo=UTC))
    session.commit()
    html = client.get("/staff/audit", query_string={"action": "item.note"}).get_data(as_text=True)
    assert html.count('title="item.note"') == audit_query.PAGE_SIZE and "第1页，共2页" in html
    next_page = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "action=item.note" in next_page and "page=2" in next_page
    html = client.get(next_page).get_data(as_text=True)
    assert html.count('title="item.note"') == 1 and 'rel="prev"' in html


#: audit.record(session, actor, "x.y", …) or replies' _record(session, actor, "x.y", …), across lines
RECORDED = re.compile(r"\b(?:audit\.record|_record)\(\s*session,\s*[\w.]+,\s*(?:\"([a-z_]+\.[a-z_]+)\"|(\S+?),)")


def test_every_audited_action_has_a_chinese_label_and_an_english_translation(app):
    from pathlib import Path

    from portal.labels import ACTIONS
    from portal.services.feedback.workflow import TRANSITIONS

    source = Path(__file__).resolve().parents[2] / "portal"
    literal, computed = set(), {}
    for path in source.rglob("*.py"):
        for action, expression in RECORDED.findall(path.read_text(encoding="utf-8")):
            if action:
                literal.add(action)
            else:
                computed[path.name] = expression
    assert computed == {"workflow.py": 'f"item.{action}"', "drafting.py": "action"}, "a new computed action name"
    used = literal | {f"item.{action}" for action in TRANSITIONS}
    assert {"reply.publish", "item.followup", "privacy.purge", "system.restore"} <= used
    assert sorted(used - set(ACTIONS)) == []
    with app.test_request_context(headers={"Accept-Language": "en"}):
        untranslated = [action for action in used if str(ACTIONS[action]) == ACTIONS[action]._args[0]]
    assert untranslated == []


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_the_filtered_log_downloads_as_csv_in_words_and_the_download_is_audited(
        client, session, make_user, login_as, history, role):
    import csv
    import io
    alice, bob, first, second = history
    event_at(session, alice, "item.note", datetime(2021, 4, 3, 3, tzinfo=UTC), first, length="=HYPERLINK(1)")
    audit.record(session, None, "item.followup", "feedback_item", first.id, item_id=first.id,
                 actor_label="=HYPERLINK(2)").at = datetime(2021, 4, 4, 3, tzinfo=UTC)
    session.commit()
    reader = login_as(make_user(role))
    response = client.get("/staff/audit.csv", query_string={"case_number": first.case_number})
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == ["时间", "操作人", "操作", "对象", "受理编号", "变更与详情"]
    assert [row[2] for row in rows[1:]] == ["登记", "收到补充邮件", "内部备注", "交办", "受理"]
    assert rows[2][1] == "'=HYPERLINK(2)"
    assert rows[3][0] == "2021-04-03 11:00:00" and rows[3][3] == f"件 {first.case_number}"
    assert rows[3][5] == "字数：=HYPERLINK(1)" and rows[4][5] == "承办部门：办公室"
    assert all(row[4] == first.case_number for row in rows[1:])
    exported = session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.export")).one()
    assert exported.actor_id == reader.id and exported.details == {"filters": {"case_number": first.case_number}}


@pytest.mark.parametrize("role", ["clerk", "triager", "handler", "research"])
def test_other_roles_may_not_download_the_audit_log(client, session, make_user, login_as, role):
    login_as(make_user(role, department="办公室" if role == "handler" else None))
    assert client.get("/staff/audit.csv").status_code == 403
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.export")).first() is None


#: the object type of audit.record(session, actor, "x.y", "object_type", …), across lines
OBJECT_TYPE = re.compile(r"\baudit\.record\(\s*session,\s*[\w.]+,\s*(?:\"[a-z_]+\.[a-z_]+\"|[\w.\"{}]+),\s*\"([a-z_]+)\"")


def test_every_audited_object_type_is_named_in_words(app):
    from pathlib import Path

    from portal.labels import OBJECT_TYPES
    source = Path(__file__).resolve().parents[2] / "portal"
    used = {kind for path in source.rglob("*.py") for kind in OBJECT_TYPE.findall(path.read_text(encoding="utf-8"))}
    assert {"feedback_item", "staff_user", "reply", "answer_rating"} <= used
    assert sorted(used - set(OBJECT_TYPES)) == []
    with app.test_request_context(), force_locale("en"):
        assert [kind for kind in used if str(OBJECT_TYPES[kind]) == OBJECT_TYPES[kind]._args[0]] == []
