"""Deadline classes and the due dates they give from the feedback date."""
from datetime import date

import pytest

from portal.services.ledger.deadlines import add_months, classify, due_date

FEEDBACK = date(2020, 11, 16)


@pytest.mark.parametrize("label, expected", [
    ("1个月内整改到位", date(2020, 12, 16)),
    ("3个月内整改到位", date(2021, 2, 16)),
    ("3个月内取得阶段性成效并在1年内整改到位", date(2021, 11, 16)),
    ("１个月内整改到位", date(2020, 12, 16)),
    ("三个月内整改到位", date(2021, 2, 16)),
    ("6个月内完成", date(2021, 5, 16)),
    ("半年内整改到位", date(2021, 5, 16)),
    ("立行立改", FEEDBACK),
    ("年底前完成", date(2020, 12, 31)),
    ("3个月内初见成效，年底前完成", date(2020, 12, 31)),
    ("长期坚持", None),
    ("按上级部署推进", None),
])
def test_due_date_by_deadline_class(label, expected):
    assert due_date(FEEDBACK, label) == expected


def test_unmapped_phrasing_is_its_own_class_not_refused():
    cls = classify(" 按上级部署推进 ")
    assert (cls.kind, cls.label) == ("unknown", "按上级部署推进")


def test_deadline_classes_sort_shortest_first():
    labels = ["长期坚持", "3个月内取得阶段性成效并在1年内整改到位", "1个月内整改到位", "3个月内整改到位", "立行立改"]
    ordered = sorted(labels, key=lambda label: classify(label).sort_key)
    assert ordered == ["立行立改", "1个月内整改到位", "3个月内整改到位",
                       "3个月内取得阶段性成效并在1年内整改到位", "长期坚持"]


@pytest.mark.parametrize("start, months, expected", [
    (date(2020, 11, 30), 3, date(2021, 2, 28)),
    (date(2023, 11, 30), 3, date(2024, 2, 29)),
    (date(2020, 1, 31), 1, date(2020, 2, 29)),
    (date(2020, 12, 15), 1, date(2021, 1, 15)),
    (date(2020, 11, 16), 12, date(2021, 11, 16)),
])
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_due_date_past_year_9999_is_refused_in_chinese():
    with pytest.raises(ValueError, match="整改时限过长"):
        due_date(FEEDBACK, "9000年内整改到位")


@pytest.mark.parametrize("label, months", [
    ("六个月内整改到位", 6), ("七个月内整改到位", 7), ("八个月内整改到位", 8), ("九个月内整改到位", 9),
    ("十个月内整改到位", 10), ("十一个月内整改到位", 11), ("十二个月内整改到位", 12), ("十五个月内整改到位", 15),
    ("两个月内整改到位", 2), ("二个月内整改到位", 2), ("四个月内完成", 4), ("五个月内完成", 5), ("一年内整改到位", 12),
    ("两年内整改到位", 24), ("18个月内整改到位", 18), ("半年内整改到位", 6), ("1 个 月 内", 1),
])
def test_every_chinese_numeral_gives_its_months(label, months):
    assert classify(label).kind == "months" and classify(label).months == months


@pytest.mark.parametrize("label, kind", [
    ("长期坚持，3个月内见效", "long_term"), ("持续整改", "long_term"), ("常态化推进", "long_term"),
    ("立即整改", "immediate"), ("即知即改，长期坚持", "immediate"), ("年末前完成", "year_end"),
    ("年底前见效，6个月内整改到位", "months"), ("半个月内", "unknown"), ("", "unknown"),
])
def test_the_kind_of_a_deadline_class(label, kind):
    assert classify(label).kind == kind


def test_long_term_and_unknown_classes_have_no_due_date_and_immediate_is_the_feedback_date():
    assert due_date(FEEDBACK, "长期坚持，3个月内见效") is None
    assert due_date(FEEDBACK, "即知即改") == FEEDBACK
    assert due_date(FEEDBACK, "十五个月内整改到位") == date(2022, 2, 16)
    assert due_date(date(2021, 7, 1), "年底前") == date(2021, 12, 31)


def test_kinds_sort_before_labels_immediate_months_year_end_long_term_unknown():
    """Labels that would sort the other way if two kinds shared a rank."""
    ordered = ["即知即改", "1个月内", "两年内整改到位", "年底前完成", "常态化推进", "长期坚持", "按部署推进"]
    assert sorted(reversed(ordered), key=lambda label: classify(label).sort_key) == ordered
    assert [classify(label).kind for label in ordered] == [
        "immediate", "months", "months", "year_end", "long_term", "long_term", "unknown"]


def test_a_class_is_a_value_immediate_means_zero_months():
    assert classify("立行立改") == classify(" 立行立改 ") and classify("立行立改").months == 0
    assert {classify("3个月内"), classify("３个月内")} == {classify("3个月内")}
    assert classify("长期坚持").months is None and classify("年底前").months is None


@pytest.mark.parametrize("label, months", [
    ("二十个月内整改到位", 20), ("二十四个月内整改到位", 24), ("两年内整改到位", 24), ("十八个月内", 18),
    ("十二三个月内", None), ("一二个月内", None), ("十十个月内", None),
])
def test_chinese_numbers_up_to_ninety_nine_and_ranges_are_not_numbers(label, months):
    assert classify(label).months == months


def test_the_last_stated_term_wins_even_when_its_position_is_small():
    assert classify("12个月内见效，年底前整改到位").kind == "year_end"
    assert classify("年底前见效，12个月内整改到位").months == 12


def test_the_last_representable_year_is_still_a_due_date():
    assert add_months(date(9999, 1, 31), 11) == date(9999, 12, 31)
