"""全站搜索: /search finds problems, measures, report paragraphs and published answers by segmented words (Chinese,
English read as the ledger's words), grouped and marked, and never anything a public page does not show."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask_babel import refresh

from portal.models import Measure, ProgressReport
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import workflow
from portal.services.feedback.intake import Contact
from portal.services.ops.demo import load_demo
from portal.services.public_search.index import marked, search
from portal.services.public_search.query import MAX_QUERY, QueryError, read_query
from portal.services.replies import drafting, publication

CLOCKS = ClockSettings()
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


def codes(results, kind: str) -> list[str]:
    group = next(group for group in results.groups if group.kind == kind)
    return [str(hit.document.ref[0]) for hit in group.hits]


@pytest.fixture
def texts(session, small_campaign):
    """Campaign "t" with measures about 劳模补助 and 公务用车, and a report of two sections."""
    measures = {m.code: m for m in session.query(Measure).filter_by(campaign_id=small_campaign.id)}
    measures["1-1"].text = "及时发放劳模专项补助资金"
    measures["1-2"].text = "规范公务用车管理<script>alert(1)</script>"
    measures["2-1"].text = "困难劳模帮扶"
    session.add(ProgressReport(campaign_id=small_campaign.id, title="整改进展通报", as_of=date(2021, 3, 31),
                               body="一、总体情况\n劳模补助资金已发放。\n二、下一步\n继续规范公务用车。"))
    small_campaign.touch()
    session.commit()
    return small_campaign


@pytest.mark.slow
def test_laomo_buzhu_finds_measures_35_3_and_34_1_in_the_demo_data_in_chinese_and_english(session, client):
    campaign = load_demo(session)
    session.commit()
    for query in ("劳模补助", "劳动模范 补贴", "model worker subsidy"):
        results = search(session, campaign, read_query(query), CLOCKS.local_date)
        assert {"35-3", "34-1"} <= set(codes(results, "measure")), query
        assert "35" in codes(results, "problem")
    html = client.get("/search?q=劳模补助").get_data(as_text=True)
    assert 'href="/campaigns/gansu-2020/measures/35-3"' in html and "<mark>劳模</mark>专项<mark>补助</mark>" in html
    refresh()  # the test's app context outlives each request: forget the Chinese chosen for the first
    english = client.get("/search?q=model+worker+subsidy", headers=ENGLISH).get_data(as_text=True)
    assert 'href="/campaigns/gansu-2020/measures/35-3"' in english
    nothing = search(session, campaign, read_query("wage arrears"), CLOCKS.local_date)
    assert nothing.total == 0 and "劳模" in nothing.suggestions
    none_page = client.get("/search?q=wage+arrears", headers=ENGLISH).get_data(as_text=True)
    assert "No results for" in none_page and 'href="/search?q=%E5%8A%B3%E6%A8%A1' in none_page


def test_results_are_grouped_by_kind_with_counts_and_link_to_their_pages(client, texts):
    html = client.get("/search?q=劳模补助").get_data(as_text=True)
    assert "共找到2条与“劳模补助”相关的结果" in html
    assert 'href="/campaigns/t/measures/1-1"' in html and 'href="/campaigns/t/measures/2-1"' not in html
    assert re.search(r'href="/campaigns/t/reports/\d+#p2"', html)
    assert "<mark>劳模补助</mark>资金已发放。" in html
    assert html.index('id="group-measure"') < html.index('id="group-report"')


def test_matched_words_are_marked_and_everything_else_escaped(client, texts):
    html = client.get("/search?q=公车").get_data(as_text=True)
    assert "规范<mark>公务用车</mark>管理&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    hostile = client.get("/search?q=%3Cb%3E%E5%8A%B3%E6%A8%A1%3C%2Fb%3E").get_data(as_text=True)
    assert "&lt;b&gt;劳模&lt;/b&gt;" in hostile and "<b>劳模" not in hostile


def test_a_group_has_more_results_on_pages_of_its_own(app, client, session, texts, monkeypatch):
    from portal.services.public_search import index
    monkeypatch.setattr(index, "PER_GROUP", 1)
    monkeypatch.setattr(index, "PER_PAGE", 1)
    first = client.get("/search?q=劳模").get_data(as_text=True)
    assert "查看全部2条整改措施结果" in first and 'href="/search?q=%E5%8A%B3%E6%A8%A1&amp;type=measure"' in first
    page_two = client.get("/search?q=劳模&type=measure&page=2").get_data(as_text=True)
    assert "第2页，共2页" in page_two and "返回全部类别的结果" in page_two
    assert client.get("/search?q=劳模&type=measure&page=3").status_code == 404
    assert client.get("/search?q=劳模&type=nonsense").status_code == 200


@pytest.mark.parametrize(("query", "status", "message"), [
    ("x" * (MAX_QUERY + 1), 400, "搜索词太长"), ("x" * 100_000, 400, "搜索词太长"), ("", 200, "搜索问题、整改措施"),
    ("的", 200, "没有找到与“的”相关的内容"), ("！！！", 200, "没有找到"),
    ("\u202e劳模\u200b", 200, "<mark>劳模</mark>"),
])
def test_empty_hostile_and_huge_queries_answer_clearly(client, texts, query, status, message):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == status and message in response.get_data(as_text=True)


def test_control_characters_are_refused_by_the_service_too():
    with pytest.raises(QueryError):
        read_query("劳模\x00补助")
    with pytest.raises(QueryError):
        read_query("劳模\x1b补助")
    assert read_query("  劳模　补助\t") == "劳模 补助"


def test_the_header_search_box_is_on_every_public_page_and_labelled(client, texts):
    for path in ("/", "/campaigns/t/problems/1", "/answers", "/contact", "/feedback"):
        html = client.get(path).get_data(as_text=True)
        assert '<form class="site-search" method="get" action="/search" role="search"' in html, path
        assert '<label class="visually-hidden" for="site-search-q">' in html


@pytest.fixture
def sent_answer(app, session, staff, new_item):
    """Factory: an opinion with content about campaign, answered with answer and sent (not published)."""
    def make(campaign, content: str, answer: str):
        item, _ = new_item(contact=Contact(name="张三丰", email="zs@example.org"), consent_publish=True,
                           campaign_id=campaign.id, content=content)
        workflow.apply(session, item, "accept", staff.triager, CLOCKS)
        workflow.apply(session, item, "assign", staff.triager, CLOCKS, department=staff.office.id)
        reply = drafting.start_draft(session, staff.handler, item, answer, CLOCKS)
        drafting.submit(session, staff.handler, reply)
        drafting.approve(session, staff.research, reply, drafting.ReplySettings.from_config(app.config),
                         confirmed=True, now=datetime(2021, 3, 31, 2, tzinfo=UTC))
        session.commit()
        return reply
    return make


def test_english_words_find_an_english_answer_and_nothing_else(client, session, staff, texts, sent_answer):
    reply = sent_answer(texts, "Please publish the canteen accounts of the union.",
                        "The canteen accounts were published on the notice board in March.")
    publication.propose(session, staff.research, reply)
    publication.publish(session, staff.research, reply, confirmed=True, spans_checked=False)
    session.commit()
    html = client.get("/search?q=Canteen+accounts").get_data(as_text=True)
    assert f'href="/answers?answer={reply.id}"' in html and "<mark>canteen</mark>" in html.lower()
    assert "没有找到与“bus tickets”相关的内容" in client.get("/search?q=bus+tickets").get_data(as_text=True)


def test_only_published_answers_are_found_with_their_redacted_question(client, session, staff, texts, sent_answer):
    reply = sent_answer(texts, "张三丰反映：食堂账目长期不公开，请核查。", "经核查，食堂账目已公开。")
    assert "没有找到与“食堂账目”相关的内容" in client.get("/search?q=食堂账目").get_data(as_text=True)
    publication.propose(session, staff.research, reply)
    publication.publish(session, staff.research, reply, confirmed=True, spans_checked=False)
    session.commit()
    html = client.get("/search?q=食堂账目").get_data(as_text=True)
    assert f'href="/answers?answer={reply.id}"' in html and "张**反映" in html
    assert "没有找到与“张三丰”相关的内容" in client.get("/search?q=张三丰").get_data(as_text=True)
    publication.unpublish(session, staff.research, reply, confirmed=True)
    session.commit()
    assert f'href="/answers?answer={reply.id}"' not in client.get("/search?q=食堂账目").get_data(as_text=True)


def test_a_ledger_change_is_searchable_at_once(client, session, texts):
    assert "措施1-2" not in client.get("/search?q=货车司机之家").get_data(as_text=True)
    measure = session.query(Measure).filter_by(campaign_id=texts.id, code="1-2").one()
    measure.text = "建设“货车司机之家”"
    texts.touch()
    session.commit()
    assert 'href="/campaigns/t/measures/1-2"' in client.get("/search?q=货车司机之家").get_data(as_text=True)


def test_marks_fold_case_and_colloquial_forms_and_a_long_text_is_cut_around_the_first_match():
    assert marked("The Model Worker fund", ["model"]) == [("The ", False), ("Model", True), (" Worker fund", False)]
    assert ("劳动模范", True) in marked("困难劳动模范帮扶", ["劳模"])
    pieces = marked("甲" * 300 + "劳模" + "乙" * 300, ["劳模"])
    text = "".join(piece for piece, _ in pieces)
    assert text.startswith("…") and text.endswith("…") and "劳模" in text and len(text) < 160
