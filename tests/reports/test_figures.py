"""The figures a progress report declares, read from its text under the keys of campaign_figures."""
from __future__ import annotations

from pathlib import Path

import pytest

from portal.services.reports.figures import declared_figures, number
from portal.services.reports.repair.engine import repair_report

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
FOUNDING = {
    "categories": 5, "problems": 54, "measures": 193, "done": 170, "in_progress": 23, "rate": "88.08",
    "deadline_classes": [
        {"label": "1个月内整改到位", "problems": 8, "rectified": 8, "in_progress": 0},
        {"label": "3个月内整改到位", "problems": 5, "rectified": 4, "in_progress": 1},
        {"label": "3个月内取得阶段性成效并在1年内整改到位", "problems": 41},
    ],
}


def test_the_clean_founding_report_declares_its_figures_exactly():
    assert declared_figures((DEMO / "report-2021-zh-Hans.txt").read_text(encoding="utf-8")) == FOUNDING


def test_the_founding_report_as_received_declares_the_same_figures_once_repaired():
    raw = (DEMO / "report-2021-seed-raw.txt").read_text(encoding="utf-8")
    assert declared_figures(repair_report(raw).text) == FOUNDING


def test_phrasing_variants_and_full_width_digits_are_understood():
    text = ("针对反馈的五个方面共计５４项问题，制定整改措施共１９３项。截至目前，已完成170项，"
            "正在推进23项，整改完成率为88.08％。")
    assert declared_figures(text) == {"categories": 5, "problems": 54, "measures": 193, "done": 170,
                                      "in_progress": 23, "rate": "88.08"}


def test_measures_counted_before_the_word_and_problems_as_a_total():
    text = "全部54个问题的193条整改措施中，已经整改完成170条，尚未完成23条，整改率88.1%。"
    assert declared_figures(text) == {"problems": 54, "measures": 193, "done": 170, "in_progress": 23,
                                      "rate": "88.1"}


def test_figures_that_are_not_stated_are_not_invented():
    assert declared_figures("省总党组召开会议，研究部署巡视整改工作，要求班子成员抓好落实。") == {}
    partial = declared_figures("针对巡视组指出的54个问题，已整改的4个，占总数的46%，“钉钉子”的3个问题。")
    assert partial == {"problems": 54}


def test_problem_counts_of_a_deadline_class_are_not_taken_for_measures():
    text = "要求“3个月内整改到位”的5个问题，已整改的4个，正在整改的1个。"
    assert declared_figures(text) == {"deadline_classes": [
        {"label": "3个月内整改到位", "problems": 5, "rectified": 4, "in_progress": 1}]}


def test_a_deadline_class_with_only_its_size_stated_keeps_only_its_size():
    text = "其余41个问题的整改时限为“3个月内取得阶段性成效并在1年内 整改到位”。"
    assert declared_figures(text)["deadline_classes"] == [
        {"label": "3个月内取得阶段性成效并在1年内整改到位", "problems": 41}]


@pytest.mark.parametrize(("written", "value"), [
    ("54", 54), ("五", 5), ("十", 10), ("十二", 12), ("五十四", 54), ("一百零五", 105), ("两百", 200),
    ("零", None), ("百", None), ("五五", None),
])
def test_numbers_in_digits_or_chinese_numerals(written, value):
    assert number(written) == value
