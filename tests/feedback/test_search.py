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
