"""我要提意见's target picker endpoints: a search that finds what people mean, suggestions for the opinion's text
in a CSRF-checked POST, both harmless whatever is typed; and the links that lead citizens to the form."""
from __future__ import annotations

import json

import pytest

from portal.services.ops.demo import load_demo
from tests.conftest import csrf_token

pytestmark = pytest.mark.slow

OPINION = "劳模补助资金什么时候发放？厂里的老劳模还没领到"
HOSTILE = ["x" * 10_000, "<script>alert(1)</script>", "'; DROP TABLE measure; --", "%", "　\t\n",
           "劳模补助" * 3000]


@pytest.fixture
def demo(session):
    campaign = load_demo(session)
    session.commit()
    return campaign


def search(client, q: str, campaign: str | None = None, **headers):
    args = {"q": q, **({"campaign": campaign} if campaign else {})}
    return client.get("/feedback/targets", query_string=args, headers=headers)


def suggestions(client, content: str, token: str | None, campaign: str = ""):
    headers = {"X-CSRFToken": token} if token else {}
    return client.post("/feedback/suggestions", data={"campaign": campaign, "content": content}, headers=headers)


def results(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    return response.get_json()["results"]


def test_search_finds_what_people_mean_with_full_texts_codes_and_categories(client, demo):
    found = results(search(client, "劳模补助", demo.slug))
    assert found[0]["kind"] == "measure" and found[0]["value"] == "35-3"
    assert found[0]["text"] == "及时发放省财政劳模专项补助资金"
    assert {"kind": "problem", "value": "35"} in [{"kind": f["kind"], "value": f["value"]} for f in found]
    assert all(f["category"] for f in found)
    long_texts = [f["text"] for f in found if len(f["text"]) > 40]
    assert long_texts, "texts are whole, not cut at 40 characters as in the select"
    assert len(found) <= 10


@pytest.mark.parametrize("query, first", [("35-3", ("measure", "35-3")), ("措施35-3", ("measure", "35-3")),
                                          ("问题35", ("problem", "35")), ("勞模補助", ("measure", "35-3"))])
def test_search_takes_a_typed_code_or_traditional_characters(client, demo, query, first):
    found = results(search(client, query, demo.slug))
    assert (found[0]["kind"], found[0]["value"]) == first


def test_search_without_a_campaign_uses_the_default_one(client, demo):
    assert results(search(client, "劳模补助"))[0]["value"] == "35-3"
    assert results(search(client, "劳模补助", "no-such-campaign"))[0]["value"] == "35-3"


def test_search_with_nothing_to_search_in_or_for_finds_nothing(client, session):
    assert results(search(client, "劳模补助")) == []


def test_an_empty_search_finds_nothing(client, demo):
    assert results(search(client, "", demo.slug)) == []
    assert results(search(client, "   ", demo.slug)) == []
    assert results(client.get("/feedback/targets")) == []


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_searches_answer_json_and_echo_nothing(client, demo, query):
    response = search(client, query, demo.slug)
    found = results(response)
    body = response.get_data(as_text=True)
    assert "<script" not in body and "DROP TABLE" not in body
    assert len(found) <= 10
    json.loads(body)


def test_a_nul_is_refused_at_the_door_not_a_server_error(client, demo):
    """portal.input_guard answers 400 to any control character before the view runs; the script then shows nothing."""
    assert search(client, "劳模\x00补助", demo.slug).status_code == 400
    assert suggestions(client, OPINION + "\x00", csrf_token(client, "/feedback"), demo.slug).status_code == 400


def test_search_answers_are_cacheable_and_revalidated(client, demo):
    first = search(client, "劳模补助", demo.slug)
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    etag = first.headers["ETag"]
    again = search(client, "劳模补助", demo.slug, **{"If-None-Match": etag})
    assert again.status_code == 304


def test_search_is_rate_limited_with_a_json_answer(app, client, demo):
    app.config["PICKER_RATE_LIMIT"] = "2 per minute"
    assert search(client, "劳模", demo.slug).status_code == 200
    assert search(client, "补助", demo.slug).status_code == 200
    refused = search(client, "公车", demo.slug)
    assert refused.status_code == 429 and refused.get_json() == {"error": "too_many_requests"}


def test_suggestions_for_the_opinions_text_pick_the_measure(client, demo):
    token = csrf_token(client, "/feedback")
    response = suggestions(client, OPINION, token, demo.slug)
    found = results(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert 1 <= len(found) <= 3 and found[0] == {
        "kind": "measure", "value": "35-3", "text": "及时发放省财政劳模专项补助资金", "category": found[0]["category"]}


@pytest.mark.parametrize("content", ["劳模补助", "我们公司拖欠了三个月工资，老板跑路了，怎么办", ""])
def test_no_suggestion_for_a_short_or_off_topic_opinion(client, demo, content):
    assert results(suggestions(client, content, csrf_token(client, "/feedback"), demo.slug)) == []


@pytest.mark.parametrize("content", HOSTILE)
def test_hostile_opinions_answer_json(client, demo, content):
    response = suggestions(client, content, csrf_token(client, "/feedback"), demo.slug)
    results(response)
    assert "<script" not in response.get_data(as_text=True)


def test_suggestions_need_the_csrf_token_and_a_post(client, demo):
    assert suggestions(client, OPINION, None, demo.slug).status_code == 400
    assert suggestions(client, OPINION, "forged", demo.slug).status_code == 400
    assert client.get("/feedback/suggestions", query_string={"content": OPINION}).status_code == 405


def test_the_form_keeps_its_select_and_loads_the_picker(client, demo):
    html = client.get("/feedback", query_string={"campaign": demo.slug, "measure": "35-3"}).get_data(as_text=True)
    select = html.split('<select', 1)[1].split("</select>", 1)[0]
    assert 'name="target"' in select and 'data-search-url="/feedback/targets"' in select
    assert 'data-suggest-url="/feedback/suggestions"' in select and 'data-min-text="10"' in select
    assert '<option selected value="35-3">' in select
    assert "/static/js/target_picker.js" in html and "/static/js/attachments.js" in html


def test_problem_and_measure_pages_lead_to_the_form_from_the_top(client, demo):
    for path, query in ((f"/campaigns/{demo.slug}/problems/35", "problem=35"),
                        (f"/campaigns/{demo.slug}/measures/35-3", "measure=35-3")):
        html = client.get(path).get_data(as_text=True)
        link = f'<a class="button" href="/feedback?campaign={demo.slug}&amp;{query}">对此提意见</a>'
        assert html.count("对此提意见") == 1 and link in html
        assert html.index(link) < html.index('class="problem-description"')


@pytest.mark.parametrize("path", ["/", "/contact"])
def test_home_and_contact_link_to_the_form(client, demo, path):
    html = client.get(path).get_data(as_text=True)
    main = html.split('<main', 1)[1]
    assert f'<a class="button" href="/feedback?campaign={demo.slug}">我要提意见</a>' in main
