"""Staff login over HTTP: throttling and lockout, a new session at login, logout that ends copied sessions too, and
no password reset anyone but an administrator can start."""
from __future__ import annotations

import re

import pytest

from tests.conftest import CSRF_FIELD, csrf_token, login_attempt
from tests.security.test_csrf import routes

PASSWORD = "correct horse 1"
LOCKED = "登录失败次数过多，请15分钟后再试。"
#: words of a route that resets or recovers a password
RESET_WORDS = re.compile(r"forgot|reset|recover|lost|password", re.I)
#: password routes that are not a reset: changing one's own, which needs the old password
OWN_PASSWORD = frozenset({"staff.password"})
#: password routes that an invitation or reset link opens without a login: without a valid token, no form
BY_LINK = frozenset({"staff.set_password"})


def signed_in(client) -> bool:
    return client.get("/staff/queue").status_code == 200


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def with_cookie(app, value: str):
    """Another browser that holds a copy of a session cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


@pytest.fixture(autouse=True)
def _generous_rate_limit(app):
    """The lockout, not the per-minute rate limit, is under test (except where a test lowers it)."""
    app.config["LOGIN_RATE_LIMIT"] = "10000 per minute"


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client, session, make_user):
    user = make_user("triager")
    session.commit()
    for i in range(5):
        assert "邮箱或密码不正确。" in login_attempt(client, user.email, "wrong password", ip=f"10.1.0.{i}").get_data(
            as_text=True)
    for ip in ("10.1.0.99", "10.1.1.1"):
        page = login_attempt(client, user.email, PASSWORD, ip=ip)
        assert page.status_code == 200 and LOCKED in page.get_data(as_text=True)
    assert not signed_in(client)


def test_five_failures_from_one_address_lock_that_address_for_every_account(client, session, make_user):
    user = make_user("research")
    session.commit()
    for i in range(5):
        login_attempt(client, f"nobody{i}@example.org", "wrong password", ip="10.2.0.1")
    assert LOCKED in login_attempt(client, user.email, PASSWORD, ip="10.2.0.1").get_data(as_text=True)
    assert not signed_in(client)
    assert login_attempt(client, user.email, PASSWORD, ip="10.2.0.2").status_code == 302
    assert signed_in(client)


def test_login_posts_beyond_the_rate_limit_get_429(app, client, session, make_user):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    user = make_user("clerk")
    session.commit()
    codes = [login_attempt(client, user.email, "wrong password", ip="10.3.0.1").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    assert login_attempt(client, user.email, PASSWORD, ip="10.3.0.1").status_code == 429
    assert not signed_in(client)


def test_login_starts_a_new_session_and_the_old_cookie_stays_anonymous(app, client, session, make_user):
    user = make_user("triager")
    session.commit()
    csrf_token(client)
    before = session_cookie(client)
    assert before, "the login page should set a session cookie (for its CSRF token)"
    assert login_attempt(client, user.email, PASSWORD).status_code == 302
    after = session_cookie(client)
    assert after and after != before
    assert signed_in(client)
    assert not signed_in(with_cookie(app, before)), "a cookie planted before login became a logged-in session"


def test_logout_ends_the_session_and_every_copy_of_its_cookie(app, client, session, make_user):
    user = make_user("supervisor")
    session.commit()
    login_attempt(client, user.email, PASSWORD)
    copied = with_cookie(app, session_cookie(client))
    assert signed_in(copied)
    response = client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/password")})
    assert response.status_code == 302
    assert not signed_in(client)
    assert not signed_in(copied), "a cookie copied before logout still works"


def test_session_cookie_is_httponly_lax_and_secure_when_configured(app, client, session, make_user):
    app.config["SESSION_COOKIE_SECURE"] = True
    user = make_user("clerk")
    session.commit()
    page = client.get("/staff/login", base_url="https://localhost").get_data(as_text=True)
    response = client.post("/staff/login", base_url="https://localhost",
                           headers={"Referer": "https://localhost/staff/login"},
                           data={"email": user.email, "password": PASSWORD,
                                 "csrf_token": CSRF_FIELD.search(page).group(1)})
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_no_password_reset_is_offered_to_the_public(client):
    page = client.get("/staff/login").get_data(as_text=True)
    links = re.findall(r'href="([^"]*)"', page)
    assert [link for link in links if RESET_WORDS.search(link)] == []
    assert "联系系统管理员" in page


@pytest.mark.slow
@pytest.mark.parametrize("role", ["anonymous", "clerk", "triager", "handler", "research", "supervisor"])
def test_every_password_route_is_for_admins_or_for_ones_own_password(app, client, session, make_user, role):
    target = make_user("clerk", email="target@example.org")
    if role != "anonymous":
        user = make_user(role, department="办公室" if role == "handler" else None)
        session.commit()
        login_attempt(client, user.email, PASSWORD)
    session.commit()
    found = [r for r in routes(app, frozenset({"GET", "POST"})) if RESET_WORDS.search(f"{r.rule} {r.endpoint}")]
    assert found, "no password route found at all: the test no longer looks at the right thing"
    for rule in found:
        values = {name: target.id for name in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        response = client.get(url) if "GET" in rule.methods else client.post(url, data={
            "csrf_token": csrf_token(client)})
        if rule.endpoint in BY_LINK:
            assert response.status_code == 200 and 'name="new_password"' not in response.get_data(as_text=True), url
            assert "链接无效、已使用或已过期" in response.get_data(as_text=True), url
        elif role == "anonymous":
            assert response.status_code == 302 and response.location.startswith("/staff/login"), url
        elif rule.endpoint not in OWN_PASSWORD:
            assert response.status_code in (403, 404), f"{role} reached {url}"


def test_changing_ones_own_password_needs_the_old_one(client, session, make_user):
    user = make_user("triager")
    session.commit()
    login_attempt(client, user.email, PASSWORD)
    token = csrf_token(client, "/staff/password")
    response = client.post("/staff/password", data={"old_password": "guessed wrong", "new_password": "taken over 123",
                                                    "new_password_repeat": "taken over 123", "csrf_token": token})
    assert response.status_code == 200 and "原密码不正确" in response.get_data(as_text=True)
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/password")})
    assert login_attempt(client, user.email, "taken over 123").status_code == 200
    assert login_attempt(client, user.email, PASSWORD).status_code == 302


def _idle_for(client, minutes: float) -> None:
    """Pretend the last staff request was minutes ago."""
    import time

    from portal.staff import LAST_SEEN
    with client.session_transaction() as cookie:
        cookie[LAST_SEEN] = int(time.time() - minutes * 60)


def test_a_staff_session_idle_longer_than_the_limit_is_logged_out(client, make_user, login):
    login(make_user("triager"))
    assert client.get("/staff/queue").status_code == 200
    _idle_for(client, 31)
    response = client.get("/staff/queue")
    assert response.status_code == 302 and response.location.endswith("/staff/login")
    assert "超过30分钟没有操作" in client.get(response.location).get_data(as_text=True)
    assert client.get("/staff/queue").status_code == 302, "still logged in after the idle logout"


def test_a_staff_session_in_use_stays_and_the_limit_is_configurable(app, client, make_user, login):
    login(make_user("triager"))
    _idle_for(client, 29)
    assert client.get("/staff/queue").status_code == 200
    app.config["STAFF_IDLE_MINUTES"] = 5
    _idle_for(client, 6)
    assert client.get("/staff/queue").status_code == 302
