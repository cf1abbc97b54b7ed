"""目录: a progress report's section headings (一、… and （一）…) for its table of contents."""
from pathlib import Path

from portal.services.reports.view import sections

REPORT = Path(__file__).resolve().parents[2] / "data" / "demo" / "report-2021-zh-Hans.txt"


def test_the_founding_reports_headings_make_its_table_of_contents():
    found = sections(REPORT.read_text(encoding="utf-8"))
    assert [(s.level, s.title[:4]) for s in found] == [
        (1, "一、提高"), (1, "二、坚持"), (2, "（一）针"), (2, "（二）针"), (2, "（三）针"), (2, "（四）针"),
        (2, "（五）针"), (1, "三、坚持")]
    assert all(1 <= s.paragraph <= 32 for s in found) and found[0].paragraph < found[1].paragraph


def test_sentences_and_a_single_heading_make_no_table_of_contents():
    assert sections("一、总体情况\n正文。") == []
    assert sections("一、我们按要求完成了整改。\n二、下一步继续推进。") == []
