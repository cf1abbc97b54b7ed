"""The shortcuts in the hooks every request runs (portal.sessions, portal.limits.post_limit, portal.routing) give
Flask's own answers."""
from __future__ import annotations

import re

import pytest
from flask import Flask

from portal import create_app

CSRF_VALUE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def limited_app(db_url: str, tmp_path, **config) -> Flask:
    return create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                       "RATELIMIT_STORAGE_URI": "memory://", **config}, instance_path=str(tmp_path / "limited"))


def test_showing_the_lookup_form_is_never_counted_but_posting_it_is(db_url, tmp_path):
    app = limited_app(db_url, tmp_path, LOOKUP_RATE_LIMIT="2 per minute", FORM_RATE_LIMIT="1 per minute")
    client = app.test_client()
    assert {client.get("/lookup").status_code for _ in range(5)} == {200}
    assert {client.get("/feedback").status_code for _ in range(5)} == {200}
    token = CSRF_VALUE.search(client.get("/lookup").get_data(as_text=True)).group(1)
    data = {"case_number": "GH-2020-000001", "code": "ABCDEFGH", "csrf_token": token}
    assert [client.post("/lookup", data=data).status_code for _ in range(3)] == [404, 404, 429]
    assert client.get("/lookup").status_code == 200
    app.extensions["portal.db"].kw["bind"].dispose()


def test_a_page_without_a_session_sets_no_cookie_and_a_form_page_sets_a_signed_one(client):
    contact = client.get("/contact")
    assert "Set-Cookie" not in contact.headers
    form = client.get("/lookup")
    assert form.headers["Set-Cookie"].startswith("session=") and "Cookie" in form.headers["Vary"]


def test_the_session_cookie_is_signed_with_the_current_secret_key(client, app):
    """The serializer is made once per key: a key changed at run time signs and checks with the new key."""
    token = CSRF_VALUE.search(client.get("/lookup").get_data(as_text=True)).group(1)
    data = {"case_number": "GH-2020-000001", "code": "ABCDEFGH", "csrf_token": token}
    assert client.post("/lookup", data=data).status_code == 404
    app.secret_key = app.config["SECRET_KEY"] = "another-secret"
    assert client.post("/lookup", data=data).status_code == 400  # the old cookie no longer opens: no CSRF session
    token = CSRF_VALUE.search(client.get("/lookup").get_data(as_text=True)).group(1)
    assert client.post("/lookup", data={**data, "csrf_token": token}).status_code == 404


def test_plain_hooks_are_called_as_they_are_and_coroutines_go_to_flask(app):
    def hook() -> None:
        return None

    class Hooks:
        def method(self) -> None:
            return None

    async def coroutine() -> None:
        return None

    bound = Hooks().method
    assert app.ensure_sync(hook) is hook and app.ensure_sync(bound) is bound
    try:
        wrapped = app.ensure_sync(coroutine)
    except RuntimeError as missing:  # Flask's own answer without asgiref installed
        assert "async" in str(missing).lower()
    else:
        assert wrapped is not coroutine


@pytest.mark.parametrize("body", ["content=a%01b", "a%7Fb=x"])
def test_a_posted_form_with_a_control_character_is_still_refused(client, body):
    response = client.post("/lookup", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
