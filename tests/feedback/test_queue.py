"""The staff queue service: each filter narrows, Chinese search, order, pages, counts, department scope."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.services.accounts.users import department_named
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import queue, workflow
from portal.services.feedback.queue import QueueFilters, excerpt, queue_page

CLOCKS = ClockSettings()
NOW = datetime.now(UTC)


def cases(user, session, page_size=50, page=1, **filters) -> list[str]:
    result = queue_page(session, user, QueueFilters(**filters), page, page_size, CLOCKS)
    return [row.item.case_number for row in result.rows]


def received(new_item, days_ago: float, **fields):
    item, _ = new_item(received_at=NOW - timedelta(days=days_ago), **fields)
    return item


def test_channel_kind_and_state_filters_narrow(session, new_item, triager):
    web = received(new_item, 1)
    phone = received(new_item, 1, channel="phone", phone_line="12351")
    report = received(new_item, 1, kind="report")
    workflow.apply(session, report, "accept", triager, CLOCKS)
    assert cases(triager, session, channel="phone") == [phone.case_number]
    assert cases(triager, session, kind="report") == [report.case_number]
    assert cases(triager, session, state="accepted") == [report.case_number]
    assert set(cases(triager, session, state="received")) == {web.case_number, phone.case_number}
    assert cases(triager, session, channel="phone", kind="report") == []


def test_department_filter_narrows(session, new_item, triager):
    office, org = department_named(session, "办公室"), department_named(session, "组织部")
    a, b, _unassigned = received(new_item, 1), received(new_item, 1), received(new_item, 1)
    workflow.bulk_assign(session, [a], office.id, triager, CLOCKS)
    workflow.bulk_assign(session, [b], org.id, triager, CLOCKS)
    assert cases(triager, session, department=office.id) == [a.case_number]
    assert cases(triager, session, department=org.id) == [b.case_number]


def test_measure_and_problem_filters_follow_links(session, new_item, triager, small_campaign):
    on_measure = received(new_item, 1, campaign_id=small_campaign.id, targets=["1-2"])
    on_problem = received(new_item, 1, campaign_id=small_campaign.id, targets=["1"])
    elsewhere = received(new_item, 1, campaign_id=small_campaign.id, targets=["2-2"])
    received(new_item, 1)
    assert cases(triager, session, measure="1-2") == [on_measure.case_number]
    assert set(cases(triager, session, problem=1)) == {on_measure.case_number, on_problem.case_number}
    assert cases(triager, session, problem=2) == [elsewhere.case_number]
    assert cases(triager, session, problem=9) == []


def test_overdue_and_due_soon_filters_use_the_clock_rules(session, new_item, triager):
    overdue = received(new_item, 20)        # accept_due 5 days ago
    due_soon = received(new_item, 13)       # accept_due in 2 days
    received(new_item, 1)                   # accept_due in 14 days
    closed = received(new_item, 30)
    workflow.apply(session, closed, "spam", triager, CLOCKS)
    assert cases(triager, session, overdue=True) == [overdue.case_number]
    assert cases(triager, session, due_soon=True) == [due_soon.case_number]
    result = queue_page(session, triager, QueueFilters(), 1, 50, CLOCKS)
    badges = {row.item.case_number: (row.overdue, row.due_soon) for row in result.rows}
    assert badges[overdue.case_number] == (True, False)
    assert badges[due_soon.case_number] == (False, True)
    assert badges[closed.case_number] == (False, False)


def test_two_character_chinese_word_finds_only_items_containing_it(session, new_item, triager):
    wanted = received(new_item, 1, content="希望加快整改进度，尽快公开结果。")
    received(new_item, 1, content="食堂饭菜质量有待提高，价格偏贵。")
    received(new_item, 1, content="整体上满意，感谢工会的工作。")
    assert cases(triager, session, q="整改") == [wanted.case_number]
    assert cases(triager, session, q="整改 食堂") == []
    assert cases(triager, session, q="改革") == []


def test_search_covers_case_number_and_subject_and_escapes_wildcards(session, new_item, triager):
    titled = received(new_item, 1, subject="关于职工书屋", content="书屋开放时间太短，希望延长。")
    other = received(new_item, 1, content="另一件意见，与书屋无关的内容。")
    assert cases(triager, session, q="职工书屋") == [titled.case_number, other.case_number]  # 书屋 in both, 职工 ranks
    assert cases(triager, session, q=other.case_number.lower()) == [other.case_number]
    assert cases(triager, session, q="%") == []
    assert cases(triager, session, q="_") == []


def test_default_order_is_nearest_due_date_then_received_and_no_due_date_last(session, new_item, triager):
    later = received(new_item, 2)
    sooner = received(new_item, 10)
    finished = received(new_item, 12)
    workflow.apply(session, finished, "spam", triager, CLOCKS)
    same_due_first = received(new_item, 5)
    same_due_second, _ = new_item(received_at=same_due_first.received_at + timedelta(minutes=5))
    assert cases(triager, session) == [sooner.case_number, same_due_first.case_number, same_due_second.case_number,
                                       later.case_number, finished.case_number]


def test_pages_split_the_queue_and_clamp(session, new_item, triager):
    numbers = [received(new_item, 10 - i).case_number for i in range(5)]
    assert cases(triager, session, page_size=2, page=1) == numbers[:2]
    assert cases(triager, session, page_size=2, page=3) == numbers[4:]
    result = queue_page(session, triager, QueueFilters(), 99, 2, CLOCKS)
    assert (result.page, result.pages, result.total) == (3, 3, 5)
    assert queue_page(session, triager, QueueFilters(), 0, 2, CLOCKS).page == 1


def test_page_numbers_elide_the_middle():
    from portal.services.feedback.queue import QueuePage
    page = QueuePage(rows=[], total=200, page=5, pages=10, counts={}, all_count=200)
    assert page.numbers == [1, 2, 3, 4, 5, 6, 7, None, 9, 10]
    assert QueuePage(rows=[], total=1, page=1, pages=1, counts={}, all_count=1).numbers == [1]


def test_counts_per_state_apply_every_filter_but_the_state(session, new_item, triager):
    a, b = received(new_item, 1, channel="phone"), received(new_item, 1, channel="phone")
    received(new_item, 1)
    workflow.apply(session, a, "accept", triager, CLOCKS)
    workflow.apply(session, b, "spam", triager, CLOCKS)
    result = queue_page(session, triager, QueueFilters(channel="phone", state="spam"), 1, 50, CLOCKS)
    assert result.counts["accepted"] == 1 and result.counts["spam"] == 1 and result.counts["received"] == 0
    assert result.all_count == 2 and result.total == 1
    everything = queue_page(session, triager, QueueFilters(), 1, 50, CLOCKS)
    assert everything.counts["received"] == 1 and everything.all_count == 3


def test_handler_sees_and_counts_only_their_department(session, new_item, triager, make_user):
    office, org = department_named(session, "办公室"), department_named(session, "组织部")
    mine, theirs = received(new_item, 1), received(new_item, 1)
    received(new_item, 1)
    workflow.bulk_assign(session, [mine], office.id, triager, CLOCKS)
    workflow.bulk_assign(session, [theirs], org.id, triager, CLOCKS)
    handler = make_user("handler", department="办公室")
    result = queue_page(session, handler, QueueFilters(), 1, 50, CLOCKS)
    assert [r.item.case_number for r in result.rows] == [mine.case_number]
    assert result.all_count == 1 and result.counts["handling"] == 1 and result.counts["received"] == 0
    assert cases(handler, session, department=org.id) == []


def test_filters_from_args_ignore_unknown_values_and_round_trip():
    filters = QueueFilters.from_args({"state": "bogus", "channel": "fax", "problem": "abc", "department": "x",
                                      "overdue": "1", "measure": " ３５-２ ", "q": "  整改   进度 "})
    assert filters == QueueFilters(measure="35-2", overdue=True, q="整改 进度")
    assert QueueFilters.from_args(filters.as_args()) == filters
    assert filters.as_args(state="handling", overdue=False) == {"state": "handling", "measure": "35-2",
                                                                "q": "整改 进度"}
    assert not QueueFilters().active


def test_excerpt_is_the_subject_or_forty_characters_of_content(new_item):
    titled, _ = new_item(subject="标题", content="内容" * 30)
    untitled, _ = new_item(content="字" * 45)
    assert excerpt(titled) == "标题"
    assert excerpt(untitled) == "字" * 40 + "…"


def test_ids_from_forms_are_plain_digits_that_fit_a_column():
    from portal.services.common.numbers import parse_id
    assert [parse_id(v) for v in ("12", " 7 ", "²", "١٢", "-3", "9999999999", "", None)] == [12, 7] + [None] * 6


def test_counts_and_pages_stay_exact_up_to_the_browse_cap(session, new_item, triager, monkeypatch):
    monkeypatch.setattr(queue, "BROWSE_CAP", 4)
    numbers = [received(new_item, 10 - i).case_number for i in range(4)]
    result = queue_page(session, triager, QueueFilters(), 1, 3, CLOCKS)
    assert (result.counts["received"], result.all_count, result.total, result.pages) == (4, 4, 4, 2)
    assert result.cap is None and not result.capped
    assert cases(triager, session, page_size=3, page=2) == numbers[3:]


@pytest.mark.parametrize("sample", [2, 5, 20_000])
def test_above_the_browse_cap_each_state_counts_to_the_cap_and_pages_stop_there(session, new_item, triager,
                                                                                  monkeypatch, sample):
    """What the tabs show does not depend on how many items the first pass of the counts reads."""
    monkeypatch.setattr(queue, "BROWSE_CAP", 4)
    monkeypatch.setattr(queue, "BROWSE_SAMPLE", sample)
    items = [received(new_item, 10 - i) for i in range(7)]
    for item in items[:2]:
        workflow.apply(session, item, "accept", triager, CLOCKS)
    result = queue_page(session, triager, QueueFilters(), 1, 3, CLOCKS)
    assert (result.counts["received"], result.counts["accepted"], result.counts["spam"]) == (5, 2, 0)
    assert result.cap == 4 and result.capped and result.pages == 2
    last = queue_page(session, triager, QueueFilters(), 9, 3, CLOCKS)
    assert last.page == 2 and len(last.rows) == 1
    accepted = queue_page(session, triager, QueueFilters(state="accepted"), 1, 3, CLOCKS)
    assert accepted.total == 2 and accepted.capped is False and len(accepted.rows) == 2
