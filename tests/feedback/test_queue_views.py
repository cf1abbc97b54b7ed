"""The queue page over HTTP: filters, search and sort in the URL, pages keeping them, the columns, department scope."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal.services.accounts.users import department_named
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import queue, workflow

CLOCKS = ClockSettings()
NOW = datetime.now(UTC)


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_login_is_required(client):
    response = client.get("/staff/queue")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_staff_home_leads_to_the_queue(client, triager, login):
    login(triager)
    assert 'href="/staff/queue"' in html_of(client.get("/staff/"))


def test_queue_lists_rows_with_state_channel_badges_and_no_inline_style(session, client, new_item, triager, login):
    overdue, _ = new_item(received_at=NOW - timedelta(days=20), subject="食堂问题")
    phone, _ = new_item(channel="phone", content="来电反映：" + "职工书屋" * 20)
    login(triager)
    html = html_of(client.get("/staff/queue"))
    assert overdue.case_number in html and phone.case_number in html
    assert "食堂问题" in html and "来电反映：" + ("职工书屋" * 8) + "职工书…" in html
    assert "已逾期" in html and "来电" in html and "待分办" in html
    assert 'style="' not in html and "<script" not in html
    assert html.index(overdue.case_number) < html.index(phone.case_number)


def test_filters_and_search_come_from_the_url(session, client, new_item, triager, login):
    wanted, _ = new_item(channel="letter", content="关于整改台账公开的建议，请尽快公开。")
    other_letter, _ = new_item(channel="letter", content="食堂饭菜价格偏贵，希望改善。")
    web, _ = new_item(content="网上留言：整改进度太慢。")
    login(triager)
    html = html_of(client.get("/staff/queue", query_string={"channel": "letter", "q": "整改"}))
    assert wanted.case_number in html
    assert other_letter.case_number not in html and web.case_number not in html
    assert 'value="整改"' in html and re.search(r'value="letter" selected', html)


def test_state_tabs_show_counts_and_keep_other_filters(session, client, new_item, triager, login):
    accepted, _ = new_item(channel="phone")
    new_item(channel="phone")
    workflow.apply(session, accepted, "accept", triager, CLOCKS)
    login(triager)
    html = html_of(client.get("/staff/queue", query_string={"channel": "phone"}))
    assert re.search(r'href="/staff/queue\?state=accepted&amp;channel=phone">已受理 <span class="count">1</span>', html)
    assert re.search(r'href="/staff/queue\?channel=phone" aria-current="page">全部 <span class="count">2</span>', html)


def test_page_links_keep_the_filters(app, session, client, new_item, triager, login):
    app.config["QUEUE_PAGE_SIZE"] = 2
    numbers = [new_item(channel="phone", received_at=NOW - timedelta(days=9 - i))[0].case_number for i in range(5)]
    new_item()
    login(triager)
    first = html_of(client.get("/staff/queue", query_string={"channel": "phone"}))
    assert numbers[0] in first and numbers[2] not in first
    assert 'href="/staff/queue?channel=phone&amp;page=2" rel="next"' in first
    third = html_of(client.get("/staff/queue", query_string={"channel": "phone", "page": 3}))
    assert numbers[4] in third and numbers[0] not in third
    assert "第3页，共3页" in third


def test_empty_states(session, client, triager, login, new_item):
    login(triager)
    assert "队列中暂时没有意见建议" in html_of(client.get("/staff/queue"))
    new_item()
    html = html_of(client.get("/staff/queue", query_string={"q": "不存在的词语"}))
    assert "没有符合筛选条件的件" in html and "清除全部筛选" in html


def test_handler_sees_only_their_department_and_404_elsewhere(session, client, new_item, triager, make_user, login):
    office, org = department_named(session, "办公室"), department_named(session, "组织部")
    mine, _ = new_item()
    theirs, _ = new_item()
    workflow.bulk_assign(session, [mine], office.id, triager, CLOCKS)
    workflow.bulk_assign(session, [theirs], org.id, triager, CLOCKS)
    login(make_user("handler", department="办公室"))
    html = html_of(client.get("/staff/queue"))
    assert mine.case_number in html and theirs.case_number not in html
    assert 'name="action" value="link"' in html and 'value="assign"' not in html and 'value="accept"' not in html
    assert client.get(f"/staff/items/{mine.case_number}").status_code == 200
    assert client.get(f"/staff/items/{theirs.case_number}").status_code == 404


def test_rows_show_received_date_measures_department_and_attachments(session, client, new_item, triager, login,
                                                                      small_campaign):
    from portal.services.feedback.attachments import Upload
    from tests.samples import pdf
    item, _ = new_item(campaign_id=small_campaign.id, targets=["2-1", "1"], uploads=[Upload("scan.pdf", pdf())],
                       received_at=datetime(2021, 3, 31, 2, tzinfo=UTC))
    workflow.bulk_assign(session, [item], department_named(session, "办公室").id, triager, CLOCKS)
    login(triager)
    html = html_of(client.get("/staff/queue"))
    assert "2021年3月31日" in html and ">办公室<" in html
    assert '<a href="/staff/queue?measure=2-1" aria-label="关联措施2-1的件">2-1</a>' in html
    assert '<a href="/staff/queue?problem=1" aria-label="关联问题1的件">问题1</a>' in html
    assert re.search(r'<td class="num">1</td>', html)


def test_column_headers_sort_with_aria_sort_and_keep_filters(session, client, new_item, triager, login):
    new_item(channel="phone")
    login(triager)
    html = html_of(client.get("/staff/queue", query_string={"channel": "phone", "sort": "-received"}))
    assert re.search(r'<th scope="col" aria-sort="descending"><a href="/staff/queue\?channel=phone&amp;sort=received"',
                     html)
    assert 'href="/staff/queue?channel=phone&amp;sort=attachments"' in html
    assert 'name="sort" value="-received"' in html          # the filter form keeps the order
    default = html_of(client.get("/staff/queue"))
    assert re.search(r'<th scope="col" aria-sort="ascending"><a href="/staff/queue\?sort=-due"', default)


@pytest.mark.parametrize("hostile", ["1) OR 1=1", "-", "received;--", "<script>", "ｄｕｅ", "due" * 2000])
def test_hostile_sort_values_render_the_default_order(session, client, new_item, triager, login, hostile):
    item, _ = new_item()
    login(triager)
    html = html_of(client.get("/staff/queue", query_string={"sort": hostile}))
    assert item.case_number in html and 'name="sort"' not in html


def test_a_search_past_the_cap_shows_cap_plus_and_says_so(session, client, new_item, triager, login, monkeypatch):
    from portal.services.feedback import search
    monkeypatch.setattr(search, "CAP", 3)
    for i in range(5):
        new_item(content=f"劳模补助第{i}次反映。", received_at=NOW - timedelta(days=9 - i))
    login(triager)
    html = html_of(client.get("/staff/queue", query_string={"q": "劳模 补助"}))
    capped = ('<span class="count"><span aria-hidden="true">3+</span>'
              '<span class="visually-hidden">超过3件</span></span>')
    assert re.search(r'aria-current="page">全部 ' + re.escape(capped), html)
    assert re.search(r'>待分办 ' + re.escape(capped), html)
    assert re.search(r'>已受理 <span class="count">0</span>', html)
    assert "超过3件，第1页，共1页" in html and "结果较多，只显示前3件，请增加关键词缩小范围" in html
    assert len(re.findall(r'name="item_ids"', html)) == 3
    plain = html_of(client.get("/staff/queue"))
    assert re.search(r'aria-current="page">全部 <span class="count">5</span>', plain) and "结果较多" not in plain


def test_a_queue_above_the_browse_cap_says_so_and_below_it_shows_exact_counts(client, new_item, triager, login,
                                                                              monkeypatch):
    monkeypatch.setattr(queue, "BROWSE_CAP", 2)
    new_item()
    new_item()
    login(triager)
    exact = html_of(client.get("/staff/queue"))
    assert "共2件" in exact and "2+" not in exact and "只显示前" not in exact
    new_item()
    capped = html_of(client.get("/staff/queue"))
    assert "超过2件" in capped and "件数较多，只显示前2件，请用筛选条件、排序或搜索缩小范围" in capped


def test_the_browse_cap_note_is_translated(client, new_item, triager, login, monkeypatch):
    monkeypatch.setattr(queue, "BROWSE_CAP", 1)
    new_item()
    new_item()
    client.set_cookie("lang", "en")
    login(triager)
    english = html_of(client.get("/staff/queue"))
    assert "Many items: only the first 1 are shown. Narrow the queue with the filters, a sort or a search." in english
