"""The ledger reader at the edges of its limits and conversions: the last value allowed is read, the first one past
it is refused with a message that names the figures, and every cell type a spreadsheet may hold reads as its text."""
from __future__ import annotations

import dataclasses
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from tests.ledger_files import HEADER, ROWS, write_csv, write_xlsx

from portal.services.ledger import reader
from portal.services.ledger.reader import LedgerRejected, checked, read_ledger


def row_with(**cells: object) -> list:
    """The first sample row with some cells (named by their header) replaced."""
    values = list(ROWS[0])
    for name, value in cells.items():
        values[HEADER.index(name)] = value
    return values


def errors_of(tmp_path: Path, *rows: list) -> list[str]:
    return [str(error) for error in read_ledger(write_csv(tmp_path / "ledger.csv", list(rows))).errors]


def test_a_file_of_exactly_the_size_limit_is_read_and_one_byte_more_is_refused(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "ledger.csv", ROWS)
    size = path.stat().st_size
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", size)
    assert len(read_ledger(path).rows) == 3
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", size - 1)
    with pytest.raises(LedgerRejected, match="超过上限"):
        read_ledger(path)


def test_a_file_too_large_is_refused_naming_its_size_and_the_limit_in_megabytes(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (5 * 2**20 + 10))
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 3 * 2**20)
    with pytest.raises(LedgerRejected) as refused:
        read_ledger(path)
    assert str(refused.value) == "文件有5 MB，超过上限3 MB：台账过大，无法读取。"


def test_a_header_naming_three_known_columns_is_found_and_its_missing_columns_are_named(tmp_path):
    path = write_csv(tmp_path / "ledger.csv", [["1", "修订工作规则", "已完成"]], header=["问题编号", "整改措施", "完成情况"])
    with pytest.raises(LedgerRejected) as refused:
        read_ledger(path)
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (1, "问题类别"), (1, "问题描述"), (1, "整改时限"), (1, "措施编号")]


def test_of_two_equally_good_header_rows_the_first_is_the_header(tmp_path):
    path = write_csv(tmp_path / "ledger.csv", [HEADER, *ROWS])
    sheet = read_ledger(path)
    assert sheet.header_row == 1
    assert "第2行，“问题编号”列：问题编号“问题编号”不是数字" in [str(e) for e in sheet.errors]


def test_reading_stops_once_more_errors_than_the_listed_maximum_are_found(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_LISTED_ERRORS", 2)
    bad = [row_with(完成情况="不知道") for _ in range(5)]
    assert [e.split("，")[0] for e in errors_of(tmp_path, *bad)] == ["第2行", "第3行", "第4行"]


@pytest.mark.parametrize(("column", "limit"), [("牵头领导", 200), ("整改时限", 200), ("措施编号", 32)])
def test_a_cell_of_exactly_its_length_limit_is_read_and_one_character_more_is_refused(tmp_path, column, limit):
    letter = "9" if column == "措施编号" else "甲"
    assert errors_of(tmp_path, row_with(**{column: letter * limit})) == []
    assert errors_of(tmp_path, row_with(**{column: letter * (limit + 1)})) == [
        f"第2行，“{column}”列：内容过长（{limit + 1}个字符，最多{limit}个）"]


def test_the_largest_problem_number_the_database_holds_is_read_and_the_next_is_refused(tmp_path):
    sheet = read_ledger(write_csv(tmp_path / "ledger.csv", [row_with(问题编号=2**31 - 1)]))
    assert sheet.errors == [] and sheet.rows[0].number == 2147483647
    assert errors_of(tmp_path, row_with(问题编号=2**31)) == [
        "第2行，“问题编号”列：问题编号“2147483648”过大（最大为2147483647）"]


def test_a_department_name_of_the_column_length_is_read_and_a_longer_one_is_refused(tmp_path):
    longest = "部" * 100
    sheet = read_ledger(write_csv(tmp_path / "ledger.csv", [row_with(责任部门=f"组织部、{longest}")]))
    assert sheet.errors == [] and sheet.rows[0].departments == f"组织部、{longest}"
    too_long = "一二三四五六七八九十" * 10 + "部"
    assert errors_of(tmp_path, row_with(责任部门=f"组织部、{too_long}")) == [
        "第2行，“责任部门”列：部门名称“一二三四五六七八九十一二三四五六七八九十…”过长（101个字符，最多100个）"]


@pytest.mark.parametrize(("cell", "expected"), [
    ("1", date(1900, 1, 1)),
    ("2958465", date(9999, 12, 31)),
    ("44270", date(2021, 3, 15)),
])
def test_excel_serial_numbers_read_as_dates_from_the_first_day_of_1900(tmp_path, cell, expected):
    sheet = read_ledger(write_csv(tmp_path / "ledger.csv", [row_with(完成时间=cell)]))
    assert sheet.errors == [] and sheet.rows[0].completed_on == expected


@pytest.mark.parametrize("cell", ["0", "2958466"])
def test_serial_numbers_outside_excels_calendar_are_refused(tmp_path, cell):
    assert errors_of(tmp_path, row_with(完成时间=cell)) == [
        f"第2行，“完成时间”列：无法识别的日期“{cell}”（可写作 2021-03-15、2021/3/15、2021年3月15日）"]


def test_numbers_written_with_a_decimal_point_and_date_cells_read_as_their_plain_text(tmp_path):
    path = write_xlsx(tmp_path / "ledger.xlsx", [row_with(问题编号=12, 问题描述=3, 进展说明=datetime(2021, 3, 15))])
    with zipfile.ZipFile(path) as book:
        members = {name: book.read(name) for name in book.namelist()}
    sheet_xml = "xl/worksheets/sheet1.xml"
    members[sheet_xml] = members[sheet_xml].replace(b"<v>12</v>", b"<v>12.0</v>").replace(b"<v>3</v>", b"<v>3.0</v>")
    with zipfile.ZipFile(path, "w") as book:
        for name, data in members.items():
            book.writestr(name, data)
    sheet = read_ledger(path)
    assert sheet.errors == []
    row = sheet.rows[0]
    assert (row.number, row.description, row.progress_note) == (12, "3", "2021-03-15")


def test_a_date_cell_without_a_time_reads_as_that_date():
    assert reader._date(date(2021, 3, 15)) == date(2021, 3, 15)


def test_a_row_lacking_a_required_cell_cannot_be_taken_as_checked(tmp_path):
    sheet = read_ledger(write_csv(tmp_path / "ledger.csv", [row_with(整改措施="")]))
    assert [str(e) for e in sheet.errors] == ["第2行，“整改措施”列：不能为空"]
    with pytest.raises(ValueError, match="row 2 lacks text"):
        checked(sheet.rows[0])


def test_rows_read_cannot_be_changed_by_whoever_imports_them(tmp_path):
    row = read_ledger(write_csv(tmp_path / "ledger.csv", ROWS)).rows[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.status = "done"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        checked(row).status = "done"  # type: ignore[misc]
