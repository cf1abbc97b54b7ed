"""HTTP caching over every GET route outside /staff in app.url_map: each anonymous response says one of the allowed
Cache-Control kinds; a response shared caches may keep sets no cookie and holds no form token; a repeat with
If-None-Match gets 304 wherever an ETag was sent. New routes are covered without editing this file."""
from __future__ import annotations

import pytest
from flask import g

from tests.security.test_csrf import routes, url_of, url_values

#: what a response may say: shared for a short while, or private and never stored, or revalidated every time
SHARED = frozenset({"public, max-age=60", "public, max-age=300"})
PRIVATE = frozenset({"no-store", "private, no-store", "no-cache"})
#: GET pages holding a form token, a query code, a case or a personal link: never shared
NEVER_SHARED = frozenset({"public.feedback", "public.lookup", "public.case", "public.case_file",
                          "public.feedback_done", "public.rate", "public.set_language", "health.healthz",
                          "public.follow", "public.follow_sent", "public.follow_confirm", "public.follow_unsubscribe",
                          "public.follow_manage"})


def anonymous_gets(app, world) -> list[tuple[str, str]]:
    return [(rule.endpoint, url_of(rule, url_values(rule, world)))
            for rule in routes(app, frozenset({"GET"})) if not rule.rule.startswith("/staff")]


def test_every_anonymous_get_says_how_it_may_be_cached_and_answers_304_to_its_etag(app, session, world):
    session.commit()
    seen_shared = set()
    for endpoint, url in anonymous_gets(app, world):
        response = app.test_client().get(url)
        if response.status_code != 200:
            continue
        control = response.headers.get("Cache-Control", "")
        assert control in SHARED | PRIVATE, f"{url}: Cache-Control {control!r}"
        if control in SHARED:
            seen_shared.add(endpoint)
            assert endpoint not in NEVER_SHARED, f"{url} is shared"
            assert "Set-Cookie" not in response.headers, f"{url} is shared and sets a cookie"
            assert "csrf_token" not in response.get_data(as_text=True), f"{url} is shared and holds a form token"
        etag = response.headers.get("ETag")
        if etag:
            again = app.test_client().get(url, headers={"If-None-Match": etag})
            assert again.status_code == 304, f"{url}: {again.status_code} to its own ETag"
            assert again.get_data() == b""
    public_pages = {endpoint for endpoint, _url in anonymous_gets(app, world)} - NEVER_SHARED - {"static"}
    assert public_pages - seen_shared == set(), "these public pages are not cacheable"


def test_a_shared_page_answers_304_to_if_modified_since_and_names_its_validators(app, client, session, world):
    session.commit()
    first = client.get(f"/campaigns/{world.campaign_slug}/problems/1")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert set(first.headers["Vary"].replace(" ", "").split(",")) >= {"Accept-Language", "Cookie"}
    again = app.test_client().get(f"/campaigns/{world.campaign_slug}/problems/1",
                                  headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 304


def test_the_etag_differs_by_language(app, session, world):
    """(The test's requests share one application context: Flask-Babel's choice of language is forgotten between them,
    as a real request's own context would.)"""
    @app.before_request
    def _forget_language() -> None:
        g.pop("_flask_babel", None)

    session.commit()
    chinese = app.test_client().get("/contact")
    english = app.test_client().get("/contact", headers={"Accept-Language": "en"})
    assert chinese.headers["ETag"] != english.headers["ETag"]
    assert app.test_client().get("/contact", headers={"Accept-Language": "en", "If-None-Match": chinese.headers["ETag"]}
                                 ).status_code == 200


@pytest.mark.parametrize("url", ["/", "/contact", "/answers"])
def test_a_visitor_with_a_session_gets_a_private_page(app, session, world, url):
    session.commit()
    client = app.test_client()
    client.set_cookie("session", "anything")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_opinion_form_gets_fresh_tokens_from_its_cached_page_and_both_work(app, session, world):
    session.commit()
    first, second = app.test_client(), app.test_client()
    pages = [client.get("/feedback").get_data(as_text=True) for client in (first, second)]
    tokens = [_value(html, "csrf_token") for html in pages]
    submissions = [_value(html, "submission") for html in pages]
    assert tokens[0] != tokens[1] and submissions[0] != submissions[1]
    assert pages[0].replace(tokens[0], "").replace(submissions[0], "") == \
        pages[1].replace(tokens[1], "").replace(submissions[1], "")
    again = first.get("/feedback").get_data(as_text=True)  # now with the session cookie its CSRF token lives in
    tokens.append(_value(again, "csrf_token"))
    submissions.append(_value(again, "submission"))
    assert submissions[2] not in submissions[:2]
    for client, token, submission in zip((first, second, first), tokens, submissions):
        response = client.post("/feedback", data={"csrf_token": token, "submission": submission,
                                                  "kind": "suggestion", "content": "建议公开整改进度的更多细节。",
                                                  "consent": "y"})
        assert response.status_code == 303


def _value(html: str, name: str) -> str:
    marker = f'name="{name}" type="hidden" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


@pytest.mark.parametrize("url", ["/campaigns/t/problems/999", "/api/v1/campaigns/nope/measures", "/answers?page=99"])
def test_a_missing_page_is_never_shared(app, session, world, url):
    session.commit()
    response = app.test_client().get(url)
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "private, no-store"
