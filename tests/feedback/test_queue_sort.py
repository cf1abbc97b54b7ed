"""The queue's columns and sorts: received date, linked measures, department, attachments; every column sorts both
ways with ties by id; hostile sort keys are ignored; a page costs the same number of statements for 3 rows or 12."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from portal.services.accounts.users import department_named
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import workflow
from portal.services.feedback.attachments import Upload
from portal.services.feedback.queue import QueueFilters, queue_page
from portal.services.feedback.queue_sort import SORT_KEYS, clean_sort
from tests.samples import pdf

CLOCKS = ClockSettings()
NOW = datetime.now(UTC)


def order(session, user, **filters) -> list[str]:
    return [row.item.case_number for row in queue_page(session, user, QueueFilters(**filters), 1, 50, CLOCKS).rows]


@pytest.fixture
def five(session, new_item, triager, small_campaign):
    """Five items: a (oldest, measure 2-1, 2 files, 组织部), b (problem 1, 办公室), c (measure 1-2 and 3-1, spam),
    d (no link, 1 file, accepted), e (newest, measure 1-1 and problem 2, waiting)."""
    office, org = department_named(session, "办公室"), department_named(session, "组织部")
    make = {}
    for name, days, targets, files in (("a", 9, ["2-1"], 2), ("b", 7, ["1"], 0), ("c", 5, ["3-1", "1-2"], 0),
                                       ("d", 3, [], 1), ("e", 1, ["2", "1-1"], 0)):
        item, _ = new_item(campaign_id=small_campaign.id, targets=targets, received_at=NOW - timedelta(days=days),
                           uploads=[Upload(f"scan{i}.pdf", pdf()) for i in range(files)])
        make[name] = item
    workflow.bulk_assign(session, [make["a"]], org.id, triager, CLOCKS)
    workflow.bulk_assign(session, [make["b"]], office.id, triager, CLOCKS)
    workflow.apply(session, make["c"], "spam", triager, CLOCKS)
    workflow.apply(session, make["d"], "accept", triager, CLOCKS)
    return {name: item.case_number for name, item in make.items()}


def names(five, cases) -> str:
    back = {case: name for name, case in five.items()}
    return "".join(back[case] for case in cases)


@pytest.mark.parametrize(("sort", "expected"), [
    ("received", "abcde"), ("-received", "edcba"),
    ("state", "edabc"),          # 待分办, 已受理, 办理中 (a before b by id), 无效
    ("-state", "cbade"),         # reversed, ties too
    ("department", "bacde"),     # 办公室 < 组织部 by name; the unassigned last, by id
    ("-department", "abedc"),
    ("measure", "becad"),        # first linked measure in ledger order: 1-1 (b via problem 1, e), 1-2, 2-1; none last
    ("-measure", "acebd"),
    ("attachments", "bceda"), ("-attachments", "adecb"),
])
def test_each_column_sorts_both_ways_with_ties_by_id(session, triager, five, sort, expected):
    assert names(five, order(session, triager, sort=sort)) == expected


def test_due_sort_is_the_default_order_and_reverses_with_no_due_date_last(session, triager, five):
    default = names(five, order(session, triager))
    assert names(five, order(session, triager, sort="due")) == default
    assert default[-1] == "c"                              # spam: no due date
    assert names(five, order(session, triager, sort="-due"))[-1] == "c"


@pytest.mark.parametrize("hostile", ["id; DROP TABLE feedback_item", "--received", "received-", "content", "-",
                                     "due desc", "ＲＥＣＥＩＶＥＤ", "\x00", "received\n", "a" * 5000])
def test_hostile_sort_keys_are_ignored(hostile):
    assert clean_sort(hostile) in ("", "received")
    assert QueueFilters.from_args({"sort": hostile}).sort in ("", "received")


def test_sort_keys_round_trip_and_header_links_toggle():
    assert [clean_sort(k) for k in SORT_KEYS] == list(SORT_KEYS)
    filters = QueueFilters.from_args({"sort": "-measure", "channel": "phone"})
    assert filters.sort == "-measure" and not QueueFilters(sort="received").active
    assert filters.sorted_by("measure") == "descending" and filters.sort_args("measure")["sort"] == "measure"
    assert filters.sorted_by("received") == "" and filters.sort_args("received") == {"channel": "phone",
                                                                                       "sort": "received"}
    assert QueueFilters().sorted_by("due") == "ascending" and QueueFilters(q="整改").sorted_by("due") == ""


def test_sort_applies_to_a_search_and_to_the_pages(session, new_item, triager):
    old, _ = new_item(content="整改进度太慢，这是第一次反映。", received_at=NOW - timedelta(days=5))
    new, _ = new_item(content="整改进度太慢，这是第二次反映。", received_at=NOW - timedelta(days=1))
    new_item(content="食堂饭菜价格偏贵，希望改善。")
    assert order(session, triager, q="整改", sort="-received") == [new.case_number, old.case_number]
    first = queue_page(session, triager, QueueFilters(q="整改", sort="received"), 1, 1, CLOCKS)
    second = queue_page(session, triager, QueueFilters(q="整改", sort="received"), 2, 1, CLOCKS)
    assert [r.item.case_number for r in first.rows + second.rows] == [old.case_number, new.case_number]


def test_rows_carry_linked_measures_and_attachment_counts(session, triager, five):
    rows = {row.item.case_number: row for row in queue_page(session, triager, QueueFilters(), 1, 50, CLOCKS).rows}
    assert rows[five["a"]].targets == (("measure", "2-1"),) and rows[five["a"]].attachments == 2
    assert rows[five["c"]].targets == (("measure", "1-2"), ("measure", "3-1"))
    assert rows[five["e"]].targets == (("measure", "1-1"), ("problem", "2"))
    assert rows[five["d"]].targets == () and rows[five["d"]].attachments == 1


def statements_for_page(session, user, **filters) -> int:
    """Statements of one page from a cold session: the user, counts, rows, departments, duplicates, links, files."""
    engine = session.get_bind()
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = queue_page(session, user, QueueFilters(**filters), 1, 50, CLOCKS)
        for row in page.rows:   # what the template reads of each row
            _ = (row.item.department.name if row.item.department else None, row.targets, row.attachments)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


@pytest.mark.parametrize("sort", ["", "measure", "-attachments"])
def test_a_page_needs_the_same_statements_for_three_rows_or_twelve(session, new_item, triager, small_campaign, sort):
    office = department_named(session, "办公室")

    def add(count):
        for i in range(count):
            item, _ = new_item(campaign_id=small_campaign.id, targets=["1-1", "2"], uploads=[Upload("a.pdf", pdf())])
            if i % 2:
                workflow.bulk_assign(session, [item], office.id, triager, CLOCKS)
    add(3)
    session.flush()
    session.expire_all()
    few = statements_for_page(session, triager, sort=sort)
    add(9)
    session.flush()
    session.expire_all()
    many = statements_for_page(session, triager, sort=sort)
    assert few == many and many <= 7, (few, many)
