"""Messy real-world ledgers that must still import correctly."""
from __future__ import annotations

import re
import zipfile
from datetime import date, datetime

import pytest
from tests.ledger.hostile_files import SHEET, patched_xlsx
from tests.ledger_files import (CAT_A, CAT_B, HEADER, ROWS, campaign, ledger_snapshot, measure, problem, write_csv,
                                write_xlsx)

from portal.models import DONE, IN_PROGRESS
from portal.services.ledger.importer import import_ledger
from portal.services.ledger.reader import LedgerRejected


def imported(session, path) -> dict:
    c = campaign(session)
    import_ledger(session, c, path, actor="test")
    return ledger_snapshot(session, c)


@pytest.fixture
def expected(session, tmp_path) -> dict:
    """The tidy ledger ROWS as imported into a campaign of its own."""
    c = campaign(session, "tidy")
    import_ledger(session, c, write_csv(tmp_path / "tidy.csv", ROWS), actor="test")
    return ledger_snapshot(session, c)


def test_title_rows_above_the_header_are_skipped(session, tmp_path, expected):
    above = [["某某单位巡视整改台账"], [], ["填报日期：2021年3月31日"]]
    assert imported(session, write_csv(tmp_path / "l.csv", ROWS, above=above)) == expected


def test_title_rows_in_xlsx_count_in_error_row_numbers(session, tmp_path):
    rows = [ROWS[0][:10] + ["办结了", "", ""]]
    path = write_xlsx(tmp_path / "l.xlsx", rows, above=[["台账"], ["单位：某某"]], merges=["A1:M1"])
    with pytest.raises(LedgerRejected, match="第4行，“完成情况”列"):
        imported(session, path)


def test_blank_rows_between_categories_are_skipped(session, tmp_path, expected):
    rows = [ROWS[0], ROWS[1], [], ["", "", "", ""], ROWS[2], []]
    assert imported(session, write_csv(tmp_path / "l.csv", rows)) == expected


def test_vertically_merged_problem_cells_in_xlsx_fill_from_their_top_cell(session, tmp_path, expected):
    rows = [ROWS[0], [2, None, None, None, None, None, None, None, *ROWS[1][8:]], ROWS[2]]
    merges = [f"{col}2:{col}3" for col in "BCDEFGH"]
    assert imported(session, write_xlsx(tmp_path / "l.xlsx", rows, merges=merges)) == expected


def test_csv_saved_from_merged_sheet_fills_problem_columns_down(session, tmp_path, expected):
    rows = [ROWS[0], [2, "", "", "", "", "", "", "", *ROWS[1][8:]], ROWS[2]]
    assert imported(session, write_csv(tmp_path / "l.csv", rows)) == expected


def test_repeated_problem_number_fills_the_other_problem_columns_down(session, tmp_path, expected):
    rows = [ROWS[0], [2, "", 1, "", "", "", "", "", *ROWS[1][8:]], ROWS[2]]
    assert imported(session, write_csv(tmp_path / "l.csv", rows)) == expected


def test_category_fills_down_but_a_new_problem_keeps_its_own_blank_cells(session, tmp_path):
    rows = [ROWS[0], [2, "", 2, "会议偏多", "3个月内整改到位", "", "", "", "2-1", "精简会议", "已完成", "", ""]]
    snapshot = imported(session, write_csv(tmp_path / "l.csv", rows))
    assert snapshot["problems"][2][0] == CAT_A
    assert snapshot["problems"][2][4:] == (None, None, None)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_utf8_csv_with_or_without_bom_imports(session, tmp_path, expected, encoding):
    assert imported(session, write_csv(tmp_path / "l.csv", ROWS, encoding=encoding)) == expected


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_csv_is_detected_and_imports(session, tmp_path, expected, encoding):
    assert imported(session, write_csv(tmp_path / "l.csv", ROWS, encoding=encoding)) == expected


def test_gb18030_only_characters_survive(session, tmp_path):
    rows = [ROWS[0][:9] + ["落实㐀字号整改𠀀", *ROWS[0][10:]]]
    imported(session, write_csv(tmp_path / "l.csv", rows, encoding="gb18030"))
    assert measure(session, "1-1").text == "落实㐀字号整改𠀀"


def test_full_width_digits_in_numbers_codes_and_dates_are_folded(session, tmp_path):
    rows = [["１", CAT_A, "３５", "问题", "３个月内整改到位", "", "", "", "３５－２", "措施", "已完成", "２０２１年３月１５日", ""]]
    imported(session, write_csv(tmp_path / "l.csv", rows))
    m = measure(session, "35-2")
    assert (m.problem.number, m.completed_on, m.problem.deadline_label) == (35, date(2021, 3, 15), "3个月内整改到位")


@pytest.mark.parametrize("word, status", [
    ("已完成", DONE), ("已整改", DONE), ("完成", DONE), ("整改完成", DONE), (" 已完成 ", DONE),
    ("正在整改", IN_PROGRESS), ("整改中", IN_PROGRESS), ("持续推进", IN_PROGRESS), ("推进中", IN_PROGRESS),
])
def test_status_synonyms_are_understood(session, tmp_path, word, status):
    imported(session, write_csv(tmp_path / "l.csv", [ROWS[0][:10] + [word, "", ""]]))
    assert measure(session, "1-1").status == status


@pytest.mark.parametrize("label, due", [
    ("1个月内整改到位", date(2020, 12, 16)),
    ("３个月内 整改到位", date(2021, 2, 16)),
    ("3个月内取得阶段性成效并在1年内整改到位", date(2021, 11, 16)),
    ("立行立改", date(2020, 11, 16)),
    ("2020年底前完成", date(2020, 12, 31)),
    ("长期坚持", None),
    ("视上级部署确定", None),
])
def test_deadline_phrasings_keep_their_words_and_get_due_dates(session, tmp_path, label, due):
    imported(session, write_csv(tmp_path / "l.csv", [ROWS[0][:4] + [label] + ROWS[0][5:]]))
    p = problem(session, 1)
    assert (p.deadline_label, p.due_date) == (label.replace("３", "3").replace(" ", ""), due)


@pytest.mark.parametrize("written", ["2021-03-15", "2021/3/15", "2021年3月15日", "2021.3.15", "2021-03-15 00:00:00",
                                     "44270"])
def test_csv_date_formats_are_understood(session, tmp_path, written):
    imported(session, write_csv(tmp_path / "l.csv", [ROWS[0][:11] + [written, ""]]))
    assert measure(session, "1-1").completed_on == date(2021, 3, 15)


@pytest.mark.parametrize("cell", [datetime(2021, 3, 15), date(2021, 3, 15), 44270, 44270.0, "2021/3/15"])
def test_xlsx_real_dates_and_serial_numbers_are_understood(session, tmp_path, cell):
    imported(session, write_xlsx(tmp_path / "l.xlsx", [ROWS[0][:11] + [cell, ""]]))
    assert measure(session, "1-1").completed_on == date(2021, 3, 15)


def test_header_aliases_and_spaces_in_header_cells_are_understood(session, tmp_path, expected):
    header = ["序 号", "问题类别", "问题序号", "问题\n描述", "完成时限", "牵头领导", " 责任单位 ", "成效目标",
              "措施编号", "整改措施", "完成情况", "完成时间", "整改进展"]
    assert imported(session, write_csv(tmp_path / "l.csv", ROWS, header=header)) == expected


def test_整改时间_is_read_as_the_deadline_column(session, tmp_path):
    header = HEADER[:4] + ["整改时间"] + HEADER[5:]
    imported(session, write_csv(tmp_path / "l.csv", ROWS, header=header))
    assert problem(session, 2).deadline_label == "3个月内整改到位"


def test_optional_columns_may_be_left_out(session, tmp_path):
    keep = [HEADER.index(c) for c in ("问题类别", "问题编号", "问题描述", "整改时限", "措施编号", "整改措施", "完成情况")]
    rows = [[row[i] for i in keep] for row in ROWS]
    snapshot = imported(session, write_csv(tmp_path / "l.csv", rows, header=[HEADER[i] for i in keep]))
    assert snapshot["measures"]["1-1"] == (1, 1, "修订工作规则", DONE, None, None)
    assert snapshot["problems"][2][0] == CAT_B


def test_xlsx_numbers_stored_as_numbers_and_text_alike_import(session, tmp_path, expected):
    rows = [[*row[:2], float(row[2]), *row[3:]] for row in ROWS]
    rows[0][2] = "1"
    assert imported(session, write_xlsx(tmp_path / "l.xlsx", rows)) == expected


def test_xlsx_declaring_a_whole_sheet_as_its_dimension_reads_as_its_cells(session, tmp_path, expected):
    """The <dimension> a workbook declares is not trusted (some writers declare A1:XFD1048576): cells are."""
    path = patched_xlsx(tmp_path / "l.xlsx", lambda sheet: sheet.replace('<dimension ref="A1:M4"',
                                                                         '<dimension ref="A1:XFD1048576"'))
    assert imported(session, path) == expected


def test_xlsx_whose_cells_omit_their_references_reads_them_in_order(session, tmp_path, expected):
    """The format lets a writer leave out <row r> and <c r>: each then follows the one before."""
    path = patched_xlsx(tmp_path / "l.xlsx", lambda sheet: re.sub(r' r="[A-Z]*\d+"', "", sheet))
    assert imported(session, path) == expected


def test_xlsx_formula_with_its_computed_value_reads_as_the_value(session, tmp_path, expected):
    """What Excel saves: the formula and its result; only formulas without a result are refused."""
    path = patched_xlsx(tmp_path / "l.xlsx", lambda sheet: re.sub(
        r'<c r="J3" t="inlineStr"><is><t>([^<]*)</t></is></c>',
        r'<c r="J3" t="str"><f>CONCATENATE("\1")</f><v>\1</v></c>', sheet))
    assert "<f>" in zipfile.ZipFile(path).read(SHEET).decode()
    assert imported(session, path) == expected


def test_merged_cells_reaching_below_the_last_row_fill_down_within_it(session, tmp_path, expected):
    path = write_xlsx(tmp_path / "l.xlsx", [ROWS[0], [*ROWS[1][:1], None, *ROWS[1][2:]], ROWS[2]],
                      merges=["B2:B3", "N1:N900"])
    assert imported(session, path) == expected
