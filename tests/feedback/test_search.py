"""The queue search: segmented words and synonyms, ranking, case numbers, hostile queries, words kept current."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.services.common.clocks import ClockSettings
from portal.services.feedback import search
from portal.services.feedback.queue import QueueFilters, queue_page

CLOCKS = ClockSettings()
NOW = datetime.now(UTC)


def found(session, user, query: str) -> list[str]:
    result = queue_page(session, user, QueueFilters.from_args({"q": query}), 1, 50, CLOCKS)
    return [row.item.case_number for row in result.rows]


def received(new_item, days_ago: float, content: str, **fields):
    item, _ = new_item(received_at=NOW - timedelta(days=days_ago), content=content, **fields)
    return item


@pytest.fixture
def opinions(new_item):
    """劳模专项补助 (the item a search should find), and items that share a word or nothing with it."""
    return {
        "劳模": received(new_item, 1, "建议尽快出台《甘肃省劳模专项补助资金发放管理办法》，并公开补助标准和申请流程。"),
        "住房": received(new_item, 2, "单位的住房补助一直没有发，请督促。"),
        "竞赛": received(new_item, 3, "来信反映某基层单位技能竞赛奖励发放不及时，请核查。"),
        "食堂": received(new_item, 4, "食堂饭菜质量有待提高，价格偏贵。"),
    }


@pytest.mark.parametrize("query", ["劳模 补助", "劳模补助", "劳动模范的补贴", "劳模补助资金什么时候发放？", "勞模補助"])
def test_segmented_query_and_colloquial_forms_find_the_item_and_not_unrelated_ones(session, triager, opinions, query):
    assert found(session, triager, query) == [opinions["劳模"].case_number]


def test_a_longer_query_ranks_by_words_held_not_by_due_date(session, new_item, triager):
    three = received(new_item, 1, "劳模补助资金到现在还没收到。")
    four = received(new_item, 2, "劳模专项补助资金发放太慢。")
    two = received(new_item, 9, "劳模的补助标准是多少？")
    one = received(new_item, 10, "专项资金管理要规范，账目要公开。")
    assert search.required(search.terms("劳模补助资金什么时候发放")) == ["劳模", "补助", "资金", "发放"]
    assert found(session, triager, "劳模补助资金什么时候发放") == [four.case_number, three.case_number,
                                                                      two.case_number]
    assert one.case_number not in found(session, triager, "劳模补助资金什么时候发放")
    # without a query, the usual order: nearest due date first (received longest ago)
    assert found(session, triager, "")[:2] == [one.case_number, two.case_number]


def test_stop_words_are_found_and_rank_but_do_not_narrow(session, new_item, triager):
    worker = received(new_item, 1, "职工书屋开放时间太短，希望延长。")
    room = received(new_item, 2, "书屋的书太旧了，希望多买新书。")
    received(new_item, 3, "食堂饭菜太贵，质量也一般。")
    assert found(session, triager, "职工书屋") == [worker.case_number, room.case_number]
    assert found(session, triager, "职工") == [worker.case_number]


@pytest.mark.parametrize("typed", ["{n}", "{n_lower}", "{n_wide}", "{n_spaced}", "{number}", "{short}"])
def test_a_case_number_typed_any_way_finds_that_case_first(session, new_item, triager, typed):
    target = received(new_item, 5, "与编号无关的内容，只是一件意见。")
    mentions = received(new_item, 9, f"我的上一件 {target.case_number.split('-')[2]} 号意见 {target.case_number} 没人管。")
    number = target.case_number
    text = typed.format(n=number, n_lower=number.lower(),
                        n_wide=number.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),
                        n_spaced=number.replace("-", " "), number=number.split("-")[2],
                        short=str(int(number.split("-")[2])))
    result = found(session, triager, text)
    assert result[0] == target.case_number
    assert set(result) <= {target.case_number, mentions.case_number}


@pytest.mark.parametrize("query", ["劳模\x00补助", "%", "_", "\\", "%%_\\", "！？。，、…", "劳" * 10_000,
                                   "劳模 " * 2_000, "' OR 1=1 --", "劳模%", "补_", "劳模\\补助"])
def test_hostile_queries_give_no_error_and_no_wrong_match(session, client, triager, login, opinions, query):
    assert set(found(session, triager, query)) <= {opinions["劳模"].case_number}
    login(triager)
    response = client.get("/staff/queue", query_string={"q": query})
    assert response.status_code < 500


@pytest.mark.parametrize("query", ["%", "_", "\\", "%_", "！！", "、。", "的 了"])
def test_only_punctuation_wildcards_or_function_words_match_nothing(session, triager, opinions, query):
    assert found(session, triager, query) == []


def test_a_query_of_invisible_characters_is_no_query(session, client, triager, login, opinions):
    assert QueueFilters.from_args({"q": "\x00\u200b "}).q == ""
    assert len(found(session, triager, "\x00")) == len(opinions)


def test_search_stays_within_what_the_user_may_see(session, new_item, staff):
    from portal.services.feedback import workflow
    mine = received(new_item, 1, "劳模专项补助发放太慢，请督促。")
    theirs = received(new_item, 2, "劳模专项补助没有公示。")
    workflow.bulk_assign(session, [mine], staff.office.id, staff.triager, CLOCKS)
    workflow.bulk_assign(session, [theirs], staff.outsider.department_id, staff.triager, CLOCKS)
    assert found(session, staff.handler, "劳模 补助") == [mine.case_number]
    assert set(found(session, staff.triager, "劳模 补助")) == {mine.case_number, theirs.case_number}


def test_words_are_stored_at_intake_and_follow_a_change_of_text(session, new_item, triager):
    item = received(new_item, 1, "公车私用现象严重，请严肃查处。", subject="反映公车问题")
    assert {"公务用车", "私用", "反映"} <= set(item.search_words)
    assert found(session, triager, "公务用车") == [item.case_number]
    item.content = "劳模专项补助没有发放。"
    item.subject = None
    session.flush()
    session.expire(item)
    assert {"劳模", "专项", "补助", "发放"} <= set(item.search_words) and "公务用车" not in item.search_words
    assert found(session, triager, "公务用车") == []
    assert found(session, triager, "劳模 补助") == [item.case_number]


def test_a_logged_call_is_found_by_its_words(session, new_item, triager):
    call = received(new_item, 1, "来电询问劳动模范的补贴什么时候发。", channel="phone", phone_line="12351")
    assert found(session, triager, "劳模 补助") == [call.case_number]


@pytest.fixture
def tiers(new_item):
    """Items holding 4, 3, 3, 2 and 2 of the words of 劳模补助资金什么时候发放; the one holding all comes last in
    the queue's order (received most recently), and the first in that order holds 2."""
    return {
        "four": received(new_item, 1, "劳模专项补助资金发放太慢。"),
        "two_first": received(new_item, 10, "劳模的补助标准是多少？"),
        "three": received(new_item, 9, "劳模补助资金到现在还没收到。"),
        "two": received(new_item, 8, "补助资金要规范，账目要公开。"),
        "three_last": received(new_item, 7, "资金发放不及时，补助迟迟不到。"),
    }


def test_items_holding_every_word_come_first_then_the_others_by_words_held(session, triager, tiers):
    numbers = {name: item.case_number for name, item in tiers.items()}
    expected = [numbers["four"], numbers["three"], numbers["three_last"], numbers["two_first"], numbers["two"]]
    assert found(session, triager, "劳模补助资金什么时候发放") == expected
    pages = [queue_page(session, triager, QueueFilters(q="劳模补助资金什么时候发放"), page, 2, CLOCKS)
             for page in (1, 2, 3)]
    assert [[row.item.case_number for row in page.rows] for page in pages] == [expected[:2], expected[2:4],
                                                                                expected[4:]]
    assert all(page.total == 5 and page.pages == 3 and not page.capped for page in pages)


def test_the_words_held_ranking_reads_only_the_first_candidates_in_queue_order(session, triager, tiers, monkeypatch):
    monkeypatch.setattr(search, "CAP", 3)
    numbers = {name: item.case_number for name, item in tiers.items()}
    # every word: 1 item; then the first 3 others in the queue's order (three_last is the fourth), by words held
    assert found(session, triager, "劳模补助资金什么时候发放") == [numbers["four"], numbers["three"],
                                                                      numbers["two_first"]]


def test_a_search_counts_and_pages_up_to_the_cap_and_stays_exact_without_a_query(session, new_item, triager,
                                                                                 monkeypatch):
    monkeypatch.setattr(search, "CAP", 3)
    items = [received(new_item, 10 - i, f"劳模补助第{i}次反映。") for i in range(5)]
    received(new_item, 1, "食堂饭菜太贵，质量也一般。")
    result = queue_page(session, triager, QueueFilters(q="劳模 补助"), 1, 2, CLOCKS)
    assert result.counts["received"] == 4 and result.all_count == 4 and result.cap == 3 and result.capped
    assert (result.pages, [row.item.case_number for row in result.rows]) == (2, [i.case_number for i in items[:2]])
    last = queue_page(session, triager, QueueFilters(q="劳模 补助"), 9, 2, CLOCKS)
    assert (last.page, [row.item.case_number for row in last.rows]) == (2, [items[2].case_number])
    fewer = queue_page(session, triager, QueueFilters(q="劳模 补助", state="accepted"), 1, 2, CLOCKS)
    assert (fewer.total, fewer.counts["received"], fewer.capped) == (0, 4, False)
    everything = queue_page(session, triager, QueueFilters(), 1, 2, CLOCKS)
    assert (everything.counts["received"], everything.all_count, everything.pages) == (6, 6, 3)
    assert everything.cap is None and not everything.capped


def test_a_case_number_comes_first_in_a_capped_search(session, new_item, triager, monkeypatch):
    monkeypatch.setattr(search, "CAP", 3)
    target = received(new_item, 1, "与编号无关的内容，只是一件意见。")
    prefix, year, _ = target.case_number.split("-")
    others = [received(new_item, 10 - i, f"{prefix} {year} 号文件的第{i}件意见，请核查。") for i in range(4)]
    result = queue_page(session, triager, QueueFilters(q=target.case_number), 1, 50, CLOCKS)
    assert result.capped and [row.item.case_number for row in result.rows] == [
        target.case_number, *(item.case_number for item in others[:2])]


@pytest.mark.parametrize("sample", [2, 4, 20_000])
def test_capped_counts_are_the_same_whatever_the_first_pass_reads(session, new_item, triager, monkeypatch, sample):
    from portal.services.feedback import workflow
    monkeypatch.setattr(search, "CAP", 3)
    monkeypatch.setattr(search, "COUNT_SAMPLE", sample)
    items = [received(new_item, 10 - i, f"劳模补助第{i}次反映。") for i in range(7)]
    for item in items[:2]:
        workflow.apply(session, item, "accept", triager, CLOCKS)
    result = queue_page(session, triager, QueueFilters(q="劳模 补助"), 1, 50, CLOCKS)
    assert (result.counts["received"], result.counts["accepted"], result.counts["spam"]) == (4, 2, 0)
    assert result.all_count == 6 and result.capped and len(result.rows) == 3
