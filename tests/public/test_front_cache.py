"""The front layer (portal.front_cache): a shareable cached page is served again without Flask, byte for byte what
Flask sent, until its data, the date or the visitor's situation (a cookie, a conditional request) says otherwise."""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import timedelta

import pytest
from flask import g, request_started
from sqlalchemy import text

from portal.front_cache import READS_KEY
from portal.logging_setup import HANDLER_NAME
from portal.services.common import public_version

PAGE = "/campaigns/t/problems/2"


@pytest.fixture
def flask_requests(app):
    """The paths Flask itself handled (the front layer answers before Flask's request_started)."""
    seen: list[str] = []

    def note(_app, **_extra) -> None:
        from flask import request
        seen.append(request.path)

    request_started.connect(note, app)
    yield seen
    request_started.disconnect(note, app)


def without_request_id(headers) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers if name != "X-Request-ID"]


def test_a_repeat_gets_the_same_bytes_and_headers_without_flask_but_its_own_request_id(app, session, small_campaign,
                                                                                       flask_requests):
    session.commit()
    first = app.test_client().get(PAGE)
    second = app.test_client().get(PAGE)
    assert flask_requests == [PAGE]
    assert first.status_code == second.status_code == 200
    assert second.get_data() == first.get_data() and "问题2" in second.get_data(as_text=True)
    assert without_request_id(second.headers) == without_request_id(first.headers)
    assert second.headers["Cache-Control"].startswith("public") and second.headers["Content-Security-Policy"]
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]


def test_head_is_served_from_the_kept_page_without_a_body(app, session, small_campaign, flask_requests):
    session.commit()
    get = app.test_client().get(PAGE)
    head = app.test_client().head(PAGE)
    assert flask_requests == [PAGE]
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]


def test_a_change_to_the_data_the_page_shows_goes_to_flask_and_the_new_page_is_kept(app, session, small_campaign,
                                                                                     flask_requests):
    session.commit()
    app.test_client().get(PAGE)
    session.execute(text("UPDATE problem SET description = '问题2新的表述' WHERE number = 2"))
    public_version.mark_changed(session, public_version.LEDGER)
    session.commit()
    changed = app.test_client().get(PAGE)
    again = app.test_client().get(PAGE)
    assert "问题2新的表述" in changed.get_data(as_text=True) and again.get_data() == changed.get_data()
    assert flask_requests == [PAGE, PAGE]


def test_a_new_day_goes_to_flask(app, session, small_campaign, flask_requests, monkeypatch):
    session.commit()
    app.test_client().get(PAGE)
    reads = app.extensions[READS_KEY]
    tomorrow = reads.today() + timedelta(days=1)
    monkeypatch.setitem(app.extensions, READS_KEY, replace(reads, today=lambda: tomorrow))
    app.test_client().get(PAGE)
    assert flask_requests == [PAGE, PAGE]


@pytest.mark.parametrize("cookies", [{"session": "abc"}, {"lang": "en", "session": "abc"}])
def test_a_visitor_with_a_cookie_but_the_language_s_goes_to_flask(app, session, small_campaign, flask_requests,
                                                                   cookies):
    session.commit()
    app.test_client().get(PAGE)
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    assert client.get(PAGE).headers["Cache-Control"] == "private, no-store"
    assert flask_requests == [PAGE, PAGE]


@pytest.mark.parametrize("headers", [
    {"If-None-Match": '"x"'},
    {"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"},
    {"Range": "bytes=0-10"},
])
def test_a_conditional_request_goes_to_flask(app, session, small_campaign, flask_requests, headers):
    session.commit()
    app.test_client().get(PAGE)
    app.test_client().get(PAGE, headers=headers)
    assert flask_requests == [PAGE, PAGE]


def test_each_language_input_has_its_own_page(app, session, small_campaign, flask_requests):
    """(The test's requests share one application context: Flask-Babel's choice of language is forgotten between
    them, as a real request's own context would.)"""
    @app.before_request
    def _forget_language() -> None:
        g.pop("_flask_babel", None)

    session.commit()
    chinese = app.test_client().get(PAGE)
    english = app.test_client().get(PAGE, headers={"Accept-Language": "en"})
    by_cookie = app.test_client()
    by_cookie.set_cookie("lang", "en")
    english_by_cookie = by_cookie.get(PAGE)
    assert english.get_data() != chinese.get_data() and 'lang="en"' in english.get_data(as_text=True)
    assert english_by_cookie.get_data() == english.get_data()
    assert app.test_client().get(PAGE, headers={"Accept-Language": "en"}).get_data() == english.get_data()
    assert by_cookie.get(PAGE).get_data() == english.get_data()
    assert app.test_client().get(PAGE).get_data() == chinese.get_data()
    assert flask_requests == [PAGE] * 3


def test_pages_that_are_not_shared_are_never_kept(app, session, small_campaign, flask_requests):
    session.commit()
    for _ in range(2):
        lookup = app.test_client().get("/lookup")
        app.test_client().get("/campaigns/t/problems/99")
    assert "no-store" in lookup.headers["Cache-Control"]
    assert flask_requests == ["/lookup", "/campaigns/t/problems/99"] * 2


def test_the_request_line_is_logged_for_a_page_the_front_layer_served(app, session, small_campaign, flask_requests,
                                                                      capsys):
    session.commit()
    app.test_client().get(PAGE)
    capsys.readouterr()
    served = app.test_client().get(PAGE)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    [line] = [entry for entry in lines if entry["logger"] == "portal.request"]
    assert (line["method"], line["path"], line["status"], line["message"]) == ("GET", PAGE, 200, f"GET {PAGE} 200")
    assert line["request_id"] == served.headers["X-Request-ID"] and flask_requests == [PAGE]


def test_the_direct_request_line_is_the_line_logging_would_write(app, session, small_campaign, capsys):
    """With the portal's handler alone on the root logger (as in production; the test runner adds its own), the
    line is written directly: the same JSON, key for key, as the LogRecord path writes."""
    session.commit()
    root = logging.getLogger()
    capsys.readouterr()
    app.test_client().get("/privacy")
    through_logging = capsys.readouterr().err
    others = [handler for handler in root.handlers if handler.name != HANDLER_NAME]
    for handler in others:
        root.removeHandler(handler)
    try:
        app.test_client().get("/privacy")
        direct = capsys.readouterr().err
    finally:
        for handler in others:
            root.addHandler(handler)

    def request_line(err: str) -> dict:
        [line] = [json.loads(x) for x in err.splitlines() if x.startswith("{") and '"portal.request"' in x]
        return line

    slow, fast = request_line(through_logging), request_line(direct)
    assert list(fast) == list(slow)
    varying = ("time", "request_id", "duration_ms")
    assert {k: v for k, v in fast.items() if k not in varying} == {k: v for k, v in slow.items() if k not in varying}
    assert fast["time"].endswith("+00:00") and len(fast["request_id"]) == 16


def hidden(html: str, name: str) -> str:
    marker = f'name="{name}" type="hidden" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def per_visitor(headers) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers if name not in ("X-Request-ID", "Set-Cookie", "Content-Length")]


def test_the_lookup_form_from_the_front_layer_has_its_own_token_and_session_and_they_work(app, session, small_campaign,
                                                                                         flask_requests):
    session.commit()
    app.test_client().get("/lookup")  # rendered: its session also says the anonymous visitor is not "fresh"
    first, second = app.test_client(), app.test_client()
    flask_page, front_page = first.get("/lookup"), second.get("/lookup")  # from Flask's cache, then from the front
    assert flask_requests == ["/lookup"] * 2
    tokens = [hidden(page.get_data(as_text=True), "csrf_token") for page in (flask_page, front_page)]
    assert tokens[0] != tokens[1]
    assert front_page.get_data(as_text=True).replace(tokens[1], "") == flask_page.get_data(as_text=True).replace(
        tokens[0], "")
    assert per_visitor(front_page.headers) == per_visitor(flask_page.headers)
    assert front_page.headers["Cache-Control"] == "no-store" and "Cookie" in front_page.headers["Vary"]
    cookies = [page.headers["Set-Cookie"] for page in (flask_page, front_page)]
    assert cookies[0] != cookies[1]
    assert cookies[1].split(";", 1)[1] == cookies[0].split(";", 1)[1]  # the same attributes: HttpOnly, SameSite…
    data = {"case_number": "GH-2026-000001", "code": "ABCD-EFGH"}
    assert second.post("/lookup", data={**data, "csrf_token": tokens[1]}).status_code == 404  # checked, not found
    assert second.post("/lookup", data={**data, "csrf_token": tokens[0]}).status_code == 400  # another's token


def test_the_opinion_form_from_the_front_layer_files_an_opinion_once(app, session, small_campaign, flask_requests):
    session.commit()
    app.test_client().get("/feedback")
    app.test_client().get("/feedback")
    client = app.test_client()
    page = client.get("/feedback").get_data(as_text=True)
    assert flask_requests == ["/feedback"] * 2
    form = {"csrf_token": hidden(page, "csrf_token"), "submission": hidden(page, "submission"), "kind": "suggestion",
            "content": "建议公开整改进度的更多细节。", "consent": "y"}
    first, again = client.post("/feedback", data=form), client.post("/feedback", data=form)
    assert first.status_code == again.status_code == 303 and first.headers["Location"] == again.headers["Location"]


def test_head_of_a_form_page_goes_to_flask(app, session, small_campaign, flask_requests):
    session.commit()
    app.test_client().get("/lookup")
    app.test_client().get("/lookup")
    assert app.test_client().head("/lookup").status_code == 200
    assert flask_requests == ["/lookup"] * 3


def test_a_form_page_whose_cookie_the_front_layer_would_make_differently_is_not_kept(app, session, small_campaign,
                                                                                    flask_requests, monkeypatch):
    from portal import front_fills

    monkeypatch.setattr(front_fills, "_cookie_header", lambda _app, value: f"session={value}; Path=/")
    session.commit()
    for _ in range(4):
        assert app.test_client().get("/lookup").status_code == 200
    assert flask_requests == ["/lookup"] * 4


def test_a_failing_log_stream_never_fails_the_request(app, session, small_campaign, capsys, monkeypatch):
    """The direct write's stream fails: the request is answered, and logging reports the failure its own way."""
    from portal.logging_setup import StderrHandler

    def broken(_handler, _line: str) -> None:
        raise OSError("disk full")

    session.commit()
    root = logging.getLogger()
    others = [handler for handler in root.handlers if handler.name != HANDLER_NAME]
    for handler in others:
        root.removeHandler(handler)
    monkeypatch.setattr(StderrHandler, "stream_line", broken)
    try:
        capsys.readouterr()
        assert app.test_client().get("/privacy").status_code == 200
        err = capsys.readouterr().err
    finally:
        for handler in others:
            root.addHandler(handler)
    assert "无法格式化的日志调用" in err
