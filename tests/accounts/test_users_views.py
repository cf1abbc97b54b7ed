"""Staff accounts over HTTP: login, lockout, session fixation, logout, password change, user administration."""
from __future__ import annotations

import re

import pytest
from flask import g, url_for
from sqlalchemy import select

from tests.conftest import csrf_token, login_attempt
from portal.models import AuditEvent, User
from portal.services.common.authz import PermissionDenied
from portal.services.accounts.users import (authenticate, create_user, deactivate_user, department_named,
                                            reset_password, update_user, user_for_admin, users_page)

PASSWORD = "correct horse 1"
GENERIC = "邮箱或密码不正确。"


@pytest.fixture(autouse=True)
def _fresh_request_globals(app):
    """The session fixture's app context (and so g) outlives requests: forget what Flask-Login (the user) and
    Flask-WTF (the CSRF token) cache in g, so that each request sees only its own client's cookie."""
    def forget() -> None:
        for name in ("_login_user", "csrf_token"):
            g.pop(name, None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget)


@pytest.fixture
def urls(app):
    """Paths of the endpoints the account pages redirect to."""
    with app.test_request_context():
        return {"home": url_for("staff.index"), "login": url_for("staff.login"), "users": url_for("staff.users")}


def logged_in(client) -> bool:
    return client.get("/staff/password").status_code == 200


def actions(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_login_redirects_to_the_home_page_and_records_the_login(client, session, make_user, urls):
    user = make_user("clerk")
    session.commit()
    response = login_attempt(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == urls["home"]
    assert logged_in(client)
    session.expire_all()
    assert session.get(User, user.id).last_login_at is not None
    assert "user.login" in actions(session)


@pytest.mark.parametrize("target, expected", [
    ("/staff/password", "/staff/password"),
    ("https://evil.example/staff/", None),
    ("//evil.example/", None),
    ("/\\evil.example", None),
])
def test_login_returns_to_a_local_next_page_only(client, session, make_user, urls, target, expected):
    user = make_user("clerk")
    session.commit()
    response = client.post("/staff/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == (expected or urls["home"])


def test_a_page_behind_login_sends_to_login_and_back(client, session, make_user):
    user = make_user("clerk")
    session.commit()
    response = client.get("/staff/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login?next=")
    form_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'action="/staff/login?next=/staff/password"' in form_page
    response = login_attempt(client, user.email, PASSWORD, query="?next=/staff/password")
    assert response.headers["Location"] == "/staff/password"


def test_unknown_email_and_wrong_password_get_the_same_message(client, session, make_user):
    user = make_user("clerk")
    session.commit()
    unknown = login_attempt(client, "nobody@example.org", PASSWORD).get_data(as_text=True)
    wrong = login_attempt(client, user.email, "not the password").get_data(as_text=True)
    for page in (unknown, wrong):
        assert GENERIC in page
        assert "不存在" not in page and "not the password" not in page
    assert 'value="nobody@example.org"' in unknown
    assert not logged_in(client)
    assert actions(session).count("user.login_failed") == 2


def test_five_failures_lock_the_account_even_for_the_right_password(client, session, make_user):
    user = make_user("triager")
    session.commit()
    for i in range(5):
        assert GENERIC in login_attempt(client, user.email, "wrong", ip=f"10.0.0.{i}").get_data(as_text=True)
    page = login_attempt(client, user.email, PASSWORD, ip="10.0.1.1").get_data(as_text=True)
    assert "登录失败次数过多，请15分钟后再试。" in page
    assert not logged_in(client)
    assert "user.login_throttled" in actions(session)


def test_five_failures_from_one_address_lock_that_address(client, session, make_user):
    user = make_user("triager")
    session.commit()
    for i in range(5):
        login_attempt(client, f"nobody{i}@example.org", "wrong", ip="10.9.9.9")
    page = login_attempt(client, user.email, PASSWORD, ip="10.9.9.9").get_data(as_text=True)
    assert "15分钟" in page
    assert not logged_in(client)
    response = login_attempt(client, user.email, PASSWORD, ip="10.9.9.8")
    assert response.status_code == 302, response.get_data(as_text=True)


def test_failed_logins_record_the_address_in_the_audit_log(client, session, make_user):
    user = make_user("clerk")
    session.commit()
    login_attempt(client, user.email, "wrong", ip="10.2.3.4")
    session.expire_all()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.login_failed"))
    assert event.actor_id == user.id and event.details == {"ip": "10.2.3.4"}


def test_login_posts_are_rate_limited(app, client, session, make_user):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    user = make_user("clerk")
    session.commit()
    assert login_attempt(client, user.email, "wrong").status_code == 200
    assert login_attempt(client, user.email, "wrong").status_code == 200
    assert login_attempt(client, user.email, PASSWORD).status_code == 429
    assert client.get("/staff/login").status_code == 200


def test_inactive_users_cannot_log_in(client, session, make_user):
    user = make_user("research")
    deactivate_user(session, user)
    session.commit()
    assert GENERIC in login_attempt(client, user.email, PASSWORD).get_data(as_text=True)
    assert not logged_in(client)


def test_login_starts_a_new_session(app, client, session, make_user, login):
    user = make_user("clerk")
    client.get("/staff/login")
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    old_cookie = client.get_cookie("session").value
    login(user)
    assert client.get_cookie("session").value != old_cookie
    with client.session_transaction() as after:
        assert "planted" not in after
    stranger = app.test_client()
    stranger.set_cookie("session", old_cookie)
    assert not logged_in(stranger)


def test_logout_is_a_post_that_ends_access(client, session, make_user, login, urls):
    user = make_user("clerk")
    login(user)
    assert client.get("/staff/logout").status_code == 405
    response = client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/password")})
    assert response.status_code == 302 and response.headers["Location"] == urls["login"]
    response = client.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"].startswith(urls["login"])
    assert "user.logout" in actions(session)


def test_staff_index_is_the_role_home_page(client, session, make_user, login, urls):
    login(make_user("supervisor"))
    response = client.get("/staff/")
    assert response.status_code == 200 and "<h1>工作台</h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/staff/login", "/staff/logout", "/staff/password", "/staff/users/new"])
def test_posts_without_a_csrf_token_are_refused(client, session, make_user, login, url):
    login(make_user("admin"))
    response = client.post(url, data={"email": "x@example.org", "password": PASSWORD, "old_password": PASSWORD,
                                      "new_password": "a new long password", "role": "clerk", "name": "x"})
    assert response.status_code == 400
    assert logged_in(client)


def test_password_change_keeps_this_browser_and_ends_the_others(app, client, session, make_user, login, post_form):
    user = make_user("clerk")
    other = app.test_client()
    login_attempt(other, user.email, PASSWORD)
    assert logged_in(other)
    login(user)
    response = post_form("/staff/password", {"old_password": PASSWORD, "new_password": "a new long password",
                                             "new_password_repeat": "a new long password"}, page="/staff/password")
    assert response.status_code == 302
    assert logged_in(client)
    assert not logged_in(other)
    assert GENERIC in login_attempt(other, user.email, PASSWORD).get_data(as_text=True)
    assert login_attempt(other, user.email, "a new long password").status_code == 302
    assert "user.password_change" in actions(session)


@pytest.mark.parametrize("fields, message", [
    ({"old_password": "wrong", "new_password": "a new long password", "new_password_repeat": "a new long password"},
     "原密码不正确。"),
    ({"old_password": PASSWORD, "new_password": "short", "new_password_repeat": "short"}, "密码至少需要10个字符。"),
    ({"old_password": PASSWORD, "new_password": "a new long password", "new_password_repeat": "something else"},
     "两次输入的新密码不一致。"),
])
def test_password_change_errors_are_shown_next_to_the_field(client, session, make_user, login, post_form,
                                                            fields, message):
    login(make_user("clerk"))
    page = post_form("/staff/password", fields, page="/staff/password").get_data(as_text=True)
    assert 'class="field-error"' in page and message in page
    assert logged_in(client)


@pytest.mark.parametrize("role, status", [("admin", 200), ("clerk", 403), ("triager", 403), ("handler", 403),
                                          ("research", 403), ("supervisor", 403)])
def test_only_admins_manage_users(client, session, make_user, login, post_form, role, status):
    user = make_user(role, department="办公室" if role == "handler" else None)
    login(user)
    assert client.get("/staff/users").status_code == status
    assert client.get("/staff/users/new").status_code == status
    assert client.get(f"/staff/users/{user.id}").status_code == status
    if status == 403:
        response = post_form("/staff/users/new", {"email": "new@example.org", "name": "新人", "role": "admin",
                                                  "password": PASSWORD, "password_repeat": PASSWORD},
                             page="/staff/password")
        assert response.status_code == 403
        assert post_form(f"/staff/users/{user.id}/password", {"new_password": "a new long password",
                                                               "new_password_repeat": "a new long password",
                                                               "confirm": "y"},
                         page="/staff/password").status_code == 403
        session.expire_all()
        assert session.scalar(select(User).where(User.email == "new@example.org")) is None


@pytest.mark.parametrize("role", ["clerk", "triager", "handler", "research", "supervisor"])
def test_the_services_refuse_non_admins_as_well(session, make_user, role):
    actor = make_user(role, department="办公室" if role == "handler" else None)
    target = make_user("clerk")
    calls = [
        lambda: create_user(session, "new@example.org", "新人", "admin", PASSWORD, actor=actor),
        lambda: update_user(session, target, actor, role="admin", department=None, name="x"),
        lambda: reset_password(session, target, "a new long password", actor=actor),
        lambda: users_page(session, actor, 1, 10),
        lambda: user_for_admin(session, actor, target.id),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert target.role == "clerk"


def test_admin_creates_a_handler_of_a_listed_department(client, session, make_user, login, post_form, urls):
    login(make_user("admin"))
    office = department_named(session, "组织部")
    response = post_form("/staff/users/new", {"email": "Li@Example.org", "name": "李四", "role": "handler",
                                              "department": str(office.id), "method": "link"},
                         page="/staff/users/new")
    assert response.status_code == 302 and response.headers["Location"] == urls["users"]
    session.expire_all()
    created = session.scalar(select(User).where(User.email == "li@example.org"))
    assert created.role == "handler" and created.department.name == "组织部"
    listing = client.get("/staff/users").get_data(as_text=True)
    assert "li@example.org" in listing and "承办部门" in listing and "组织部" in listing and "从未登录" in listing
    assert "user.create" in actions(session) and "user.invite" in actions(session)


def test_creating_a_handler_without_department_keeps_what_was_typed(client, session, make_user, login, post_form):
    login(make_user("admin"))
    page = post_form("/staff/users/new", {"email": "wang@example.org", "name": "王五", "role": "handler",
                                          "method": "link"}, page="/staff/users/new").get_data(as_text=True)
    assert "承办部门人员必须指定所属部门。" in page and 'id="department-error"' in page
    assert 'value="wang@example.org"' in page and 'value="王五"' in page
    assert '<option selected value="handler">' in page
    session.expire_all()
    assert session.scalar(select(User).where(User.email == "wang@example.org")) is None


def test_every_form_error_is_shown_at_once(client, session, make_user, login, post_form):
    login(make_user("admin"))
    page = post_form("/staff/users/new", {"email": "zhao@example.org", "name": "", "role": ""},
                     page="/staff/users/new").get_data(as_text=True)
    for message in ("请填写姓名。", "请选择角色。", "请选择发送设置密码链接或生成临时密码。"):
        assert message in page
    assert 'aria-describedby="role-hint role-error"' in page


def test_duplicate_email_is_refused_next_to_the_email(client, session, make_user, login, post_form):
    admin = make_user("admin")
    login(admin)
    page = post_form("/staff/users/new", {"email": admin.email, "name": "重复", "role": "clerk",
                                          "method": "generated"}, page="/staff/users/new").get_data(as_text=True)
    assert "已存在" in page and 'id="email-error"' in page


def test_admin_edits_name_and_role_and_a_new_role_ends_sessions(app, client, session, make_user, login, post_form):
    target = make_user("clerk")
    target_client = app.test_client()
    login_attempt(target_client, target.email, PASSWORD)
    login(make_user("admin"))
    form_page = client.get(f"/staff/users/{target.id}").get_data(as_text=True)
    assert 'name="active"' not in form_page  # deactivation has its own confirmation page
    response = post_form(f"/staff/users/{target.id}", {"name": "改名", "role": "triager", "department": ""},
                         page=f"/staff/users/{target.id}")
    assert response.status_code == 302
    session.expire_all()
    edited = session.get(User, target.id)
    assert (edited.name, edited.role, edited.active) == ("改名", "triager", True)
    assert not logged_in(target_client)
    assert "user.update" in actions(session)


def test_admin_cannot_deactivate_themselves(client, session, make_user, login, post_form):
    admin = make_user("admin")
    login(admin)
    url = f"/staff/users/{admin.id}/deactivate"
    page = post_form(url, {"confirm": "y"}, page=url).get_data(as_text=True)
    assert "不能停用自己的账号" in page
    session.expire_all()
    assert session.get(User, admin.id).active
    assert logged_in(client)


def test_unknown_account_is_404(client, session, make_user, login):
    login(make_user("admin"))
    assert client.get("/staff/users/9999").status_code == 404


def test_admin_password_reset_needs_confirmation_and_ends_sessions(app, client, session, make_user, login,
                                                                  post_form):
    target = make_user("clerk")
    for i in range(5):
        login_attempt(app.test_client(), target.email, "wrong", ip=f"10.3.0.{i}")
    target_client = app.test_client()
    login(make_user("admin"))
    url = f"/staff/users/{target.id}/password"
    page = post_form(url, {"method": "generated"}, page=url).get_data(as_text=True)
    assert "请勾选确认。" in page
    page = post_form(url, {"method": "generated", "confirm": "y"}, page=url).get_data(as_text=True)
    password = re.search(r'<p class="generated-password"><code>([^<]+)</code>', page).group(1)
    assert login_attempt(target_client, target.email, password, ip="10.3.1.1").status_code == 302
    assert "user.password_generated" in actions(session)


def test_admin_resets_their_own_password_on_the_password_page(client, session, make_user, login, post_form):
    admin = make_user("admin")
    login(admin)
    url = f"/staff/users/{admin.id}/password"
    page = post_form(url, {"method": "generated", "confirm": "y"}, page=url).get_data(as_text=True)
    assert "请在“修改密码”页面修改自己的密码。" in page
    session.expire_all()
    assert authenticate(session, admin.email, PASSWORD, "10.4.0.1") is not None


def test_user_list_is_paginated(client, session, make_user, login, monkeypatch):
    from portal.staff import users as users_views
    monkeypatch.setattr(users_views, "PAGE_SIZE", 2)
    login(make_user("admin"))
    for _ in range(3):
        make_user("clerk")
    session.commit()
    first = client.get("/staff/users").get_data(as_text=True)
    assert "共4个账号" in first and "第1页，共2页" in first and 'rel="next"' in first
    second = client.get("/staff/users?page=2").get_data(as_text=True)
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "这一页没有账号。" in client.get("/staff/users?page=9").get_data(as_text=True)


def test_login_page_has_security_headers_and_no_inline_code(client):
    response = client.get("/staff/login")
    headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "<script" not in html and "style=" not in html
    assert 'autocomplete="current-password"' in html and 'name="email"' in html


def test_session_cookies_are_httponly_and_lax_and_remember_me_matches(app, client, session, make_user, login):
    login(make_user("clerk"))
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert client.get_cookie("remember_token") is None
    for flag in ("SECURE", "HTTPONLY", "SAMESITE"):
        assert app.config[f"REMEMBER_COOKIE_{flag}"] == app.config[f"SESSION_COOKIE_{flag}"]
