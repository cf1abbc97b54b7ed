"""Passwords the administrator never chooses: an emailed one-time invitation or reset link (72 hours, stored hashed),
or a generated password shown once that must be changed at first login."""
from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import select

from portal.models import AccountToken, AuditEvent, OutboxMessage, User
from portal.services.accounts import credentials
from portal.services.accounts.users import department_named
from tests.conftest import csrf_token, login_attempt

LINK = re.compile(r"https?://[^\s]+(/staff/set-password\?token=([A-Za-z0-9_-]+))")
NEW_PASSWORD = "my own long password"


@pytest.fixture(autouse=True)
def _fresh_request_globals(app):
    """Each request sees only its own client's cookie (see tests/accounts/test_users_views.py)."""
    def forget() -> None:
        for name in ("_login_user", "csrf_token"):
            g.pop(name, None)
    app.before_request_funcs.setdefault(None, []).insert(0, forget)


def actions(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def emailed_link(session, email: str) -> tuple[str, str]:
    """(path with token, token) from the newest account email queued for email."""
    session.expire_all()
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == email,
                                                          OutboxMessage.kind == "account")
                              .order_by(OutboxMessage.id.desc())).first()
    match = LINK.search(message.body_text)
    assert match, message.body_text
    return match.group(1), match.group(2)


def set_password(client, path: str, password: str = NEW_PASSWORD, repeat: str | None = None):
    token = path.split("token=")[1]
    return client.post("/staff/set-password", data={"token": token, "new_password": password,
                                                    "new_password_repeat": repeat or password,
                                                    "csrf_token": csrf_token(client)})


def invite(post_form, email: str = "new@example.org", role: str = "handler", department: str = ""):
    return post_form("/staff/users/new", {"email": email, "name": "新同事", "role": role, "department": department,
                                          "method": "link"}, page="/staff/users/new")


def test_an_invited_user_sets_their_own_password_once_and_logs_in(app, client, session, make_user, login,
                                                                   post_form, capfd):
    office = department_named(session, "办公室")
    login(make_user("admin"))
    assert invite(post_form, department=str(office.id)).status_code == 302
    path, token = emailed_link(session, "new@example.org")
    user = session.scalar(select(User).where(User.email == "new@example.org"))
    assert login_attempt(app.test_client(), user.email, "").status_code == 200  # no usable password yet
    stored = session.scalars(select(AccountToken)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and stored.purpose == "invitation"
    assert timedelta(hours=71) < stored.expires_at - stored.created_at <= timedelta(hours=72)
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "account"))
    assert message.subject == "整改监督平台账号邀请" and "72小时" in message.body_text

    invitee = app.test_client()
    form = invitee.get(path).get_data(as_text=True)
    assert "new@example.org" in form and 'name="new_password"' in form
    response = set_password(invitee, path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")
    assert login_attempt(invitee, user.email, NEW_PASSWORD).status_code == 302
    assert invitee.get("/staff/queue").status_code == 200

    again = app.test_client()
    used = again.get(path).get_data(as_text=True)
    assert "链接无效、已使用或已过期" in used and 'name="new_password"' not in used
    assert "链接无效、已使用或已过期" in set_password(again, path, "another long password").get_data(as_text=True)
    assert list(session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == user.id,
                                                                AuditEvent.action.not_like("user.login%"))
                                .order_by(AuditEvent.id))) == ["user.create", "user.invite", "user.password_set"]
    assert token not in capfd.readouterr().err
    for event in session.scalars(select(AuditEvent)):
        assert token not in str(event.details)


def test_a_link_expires_after_72_hours_and_a_newer_link_voids_the_older(session, make_user, app):
    admin = make_user("admin")
    settings = credentials.LinkSettings.from_config(app.config)
    start = datetime.now(UTC)
    with app.test_request_context():
        user, first = credentials.create_account(session, admin, email="a@example.org", name="甲", role="clerk",
                                                 department=None, method="link", settings=settings, now=start)
    first_token = LINK.search(first.message.body_text).group(2)
    assert credentials.valid_link(session, first_token, start + timedelta(hours=71)) is not None
    assert credentials.valid_link(session, first_token, start + timedelta(hours=72, seconds=1)) is None
    with pytest.raises(credentials.UserError, match="已过期"):
        credentials.set_password(session, first_token, NEW_PASSWORD, start + timedelta(hours=73))
    with app.test_request_context():
        second = credentials.reset(session, admin, user, "link", settings, now=start + timedelta(hours=1))
    assert credentials.valid_link(session, first_token, start + timedelta(hours=2)) is None
    second_token = LINK.search(second.message.body_text).group(2)
    assert credentials.valid_link(session, second_token, start + timedelta(hours=2)).purpose == "reset"


def test_a_short_or_mismatched_password_is_refused_and_the_link_still_works(app, session, make_user, login,
                                                                           post_form):
    login(make_user("admin"))
    invite(post_form, role="clerk")
    path, token = emailed_link(session, "new@example.org")
    invitee = app.test_client()
    page = set_password(invitee, path, "short").get_data(as_text=True)
    assert "密码至少需要10个字符。" in page
    page = set_password(invitee, path, NEW_PASSWORD, "something else entirely").get_data(as_text=True)
    assert "两次输入的新密码不一致。" in page
    assert credentials.valid_link(session, token) is not None


def test_a_generated_password_is_shown_once_and_must_be_changed_first(app, client, session, make_user, login,
                                                                      post_form, capfd):
    login(make_user("admin"))
    page = post_form("/staff/users/new", {"email": "gen@example.org", "name": "临时", "role": "triager",
                                          "department": "", "method": "generated"},
                     page="/staff/users/new").get_data(as_text=True)
    password = re.search(r'<p class="generated-password"><code>([^<]+)</code>', page).group(1)
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)
    assert password not in client.get("/staff/users").get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(OutboxMessage)) is None  # nothing mailed
    user = session.scalar(select(User).where(User.email == "gen@example.org"))
    assert user.must_change_password and password not in user.password_hash

    newcomer = app.test_client()
    assert login_attempt(newcomer, user.email, password).status_code == 302
    for url in ("/staff/", "/staff/queue", f"/staff/items/GH-2021-000001"):
        response = newcomer.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/staff/password", url
    form = newcomer.get("/staff/password").get_data(as_text=True)
    assert "临时密码" in form
    same = newcomer.post("/staff/password", data={"old_password": password, "new_password": password,
                                                   "new_password_repeat": password,
                                                   "csrf_token": csrf_token(newcomer, "/staff/password")})
    assert "新密码不能与原密码相同。" in same.get_data(as_text=True)
    changed = newcomer.post("/staff/password", data={"old_password": password, "new_password": NEW_PASSWORD,
                                                      "new_password_repeat": NEW_PASSWORD,
                                                      "csrf_token": csrf_token(newcomer, "/staff/password")})
    assert changed.status_code == 302
    assert newcomer.get("/staff/queue").status_code == 200
    session.expire_all()
    assert not session.get(User, user.id).must_change_password
    assert "user.password_generated" in actions(session)
    assert password not in capfd.readouterr().err


def test_a_reset_link_keeps_the_old_password_until_it_is_used(app, client, session, make_user, login, post_form):
    target = make_user("clerk")
    login(make_user("admin"))
    url = f"/staff/users/{target.id}/password"
    response = post_form(url, {"method": "link", "confirm": "y"}, page=url)
    assert response.status_code == 302
    path, _ = emailed_link(session, target.email)
    assert "重置密码" in session.scalar(select(OutboxMessage.subject).where(OutboxMessage.kind == "account"))
    assert login_attempt(app.test_client(), target.email, "correct horse 1").status_code == 302
    assert set_password(app.test_client(), path).status_code == 302
    assert login_attempt(app.test_client(), target.email, "correct horse 1").status_code == 200
    assert login_attempt(app.test_client(), target.email, NEW_PASSWORD).status_code == 302
    assert {"user.reset_link", "user.password_set"} <= set(actions(session))


def test_a_method_must_be_chosen_and_links_of_a_deactivated_account_stop_working(app, session, make_user, login,
                                                                                post_form):
    target = make_user("clerk")
    login(make_user("admin"))
    url = f"/staff/users/{target.id}/password"
    page = post_form(url, {"confirm": "y"}, page=url).get_data(as_text=True)
    assert "请选择发送设置密码链接或生成临时密码。" in page
    post_form(url, {"method": "link", "confirm": "y"}, page=url)
    path, token = emailed_link(session, target.email)
    deactivate = f"/staff/users/{target.id}/deactivate"
    assert post_form(deactivate, {"confirm": "y"}, page=deactivate).status_code == 302
    assert credentials.valid_link(session, token) is None
    assert "链接无效、已使用或已过期" in app.test_client().get(path).get_data(as_text=True)
