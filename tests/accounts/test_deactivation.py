"""Deactivation and reactivation behind a confirmation page that lists the work left open; the user list's search,
role filter and pages."""
from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select

from portal.models import AuditEvent, User
from portal.services.accounts import deactivation
from portal.services.accounts.users import department_named
from portal.services.common.authz import PermissionDenied
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import workflow
from portal.services.replies import drafting
from tests.conftest import login_attempt

CLOCKS = ClockSettings()


@pytest.fixture(autouse=True)
def _fresh_request_globals(app):
    def forget() -> None:
        for name in ("_login_user", "csrf_token"):
            g.pop(name, None)
    app.before_request_funcs.setdefault(None, []).insert(0, forget)


def changes(session, action: str) -> list[dict]:
    session.expire_all()
    return [e.details for e in session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def test_the_confirmation_lists_drafts_and_the_last_handlers_open_items(app, client, session, make_user, login,
                                                                        post_form, new_item):
    department_named(session, "组织部")
    handler = make_user("handler", department="组织部")
    triager = make_user("triager")
    drafted, _ = new_item()
    waiting, _ = new_item()
    for item in (drafted, waiting):
        workflow.apply(session, item, "accept", triager, CLOCKS)
        workflow.apply(session, item, "assign", triager, CLOCKS, department=handler.department_id)
    drafting.start_draft(session, handler, drafted, "拟答复。", CLOCKS)
    handler_client = app.test_client()
    session.commit()
    assert login_attempt(handler_client, handler.email, "correct horse 1").status_code == 302
    login(make_user("admin"))
    url = f"/staff/users/{handler.id}/deactivate"
    page = client.get(url).get_data(as_text=True)
    assert "起草的答复尚未提交或被退回修改（1件）" in page and drafted.case_number in page
    assert "最后一名在岗承办人" in page and "尚未办结的件（2件）" in page and waiting.case_number in page
    refused = post_form(url, {}, page=url).get_data(as_text=True)
    assert "请勾选确认。" in refused
    session.expire_all()
    assert session.get(User, handler.id).active
    assert post_form(url, {"confirm": "y"}, page=url).status_code == 302
    session.expire_all()
    assert not session.get(User, handler.id).active
    assert handler_client.get("/staff/queue").status_code == 302  # the session ended
    assert changes(session, "user.deactivate") == [{"changes": {"active": [True, False]}}]
    listing = client.get("/staff/users").get_data(as_text=True)
    assert "已停用" in listing and f"/staff/users/{handler.id}/reactivate" in listing

    back = f"/staff/users/{handler.id}/reactivate"
    assert "可以用原密码再次登录" in client.get(back).get_data(as_text=True)
    assert post_form(back, {"confirm": "y"}, page=back).status_code == 302
    session.expire_all()
    assert session.get(User, handler.id).active
    assert changes(session, "user.reactivate") == [{"changes": {"active": [False, True]}}]
    assert login_attempt(app.test_client(), handler.email, "correct horse 1").status_code == 302


def test_another_active_handler_means_nothing_is_left_unattended(session, make_user):
    department_named(session, "办公室")
    leaving, staying = make_user("handler", department="办公室"), make_user("handler", department="办公室")
    admin = make_user("admin")
    work = deactivation.open_work(session, admin, leaving)
    assert (work.drafts, work.last_handler, work.department_items) == ([], False, [])
    deactivation.deactivate(session, admin, staying)
    assert deactivation.open_work(session, admin, leaving).last_handler


def test_only_admins_deactivate_and_not_themselves(session, make_user):
    admin, clerk = make_user("admin"), make_user("clerk")
    for call in (lambda: deactivation.deactivate(session, clerk, admin),
                 lambda: deactivation.reactivate(session, clerk, admin),
                 lambda: deactivation.open_work(session, clerk, admin)):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(deactivation.UserError, match="不能停用自己的账号"):
        deactivation.deactivate(session, admin, admin)
    with pytest.raises(deactivation.UserError, match="已经启用"):
        deactivation.reactivate(session, admin, clerk)


def test_the_user_list_searches_name_and_email_filters_by_role_and_keeps_both_on_every_page(
        client, session, make_user, login, monkeypatch):
    from portal.staff import users as users_views
    monkeypatch.setattr(users_views, "PAGE_SIZE", 2)
    login(make_user("admin"))
    for i in range(3):
        make_user("clerk", email=f"zhang{i}@example.org")
    make_user("triager", email="zhang-triage@example.org")
    department_named(session, "办公室")
    make_user("handler", department="办公室", email="li@example.org")
    session.commit()
    found = client.get("/staff/users?q=ZHANG&role=clerk").get_data(as_text=True)
    assert "共3个账号" in found and "第1页，共2页" in found
    assert 'href="/staff/users?page=2&amp;q=ZHANG&amp;role=clerk"' in found
    assert "zhang-triage@example.org" not in found and "li@example.org" not in found
    second = client.get("/staff/users?page=2&q=ZHANG&role=clerk").get_data(as_text=True)
    assert "zhang2@example.org" in second and 'rel="prev"' in second
    by_name = client.get("/staff/users?q=handler%E7%94%A8%E6%88%B7").get_data(as_text=True)  # “handler用户”
    assert "li@example.org" in by_name and "共1个账号" in by_name
    assert "没有符合条件的账号。" in client.get("/staff/users?q=nobody_").get_data(as_text=True)
    assert "共6个账号" in client.get("/staff/users?role=bogus").get_data(as_text=True)
