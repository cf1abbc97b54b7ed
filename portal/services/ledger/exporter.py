"""整改台账导出: a campaign's ledger written as .xlsx (merged like a real ledger) or .csv, re-importable as is."""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from io import BytesIO
from itertools import groupby
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.merge import MergedCellRange
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.models import Campaign, Measure, Problem
from portal.services.common.errors import ServiceError
from portal.services.common.spreadsheet import formula_safe
from portal.services.ledger.reader import COLUMNS, PROBLEM_COLUMNS, STATUS_LABELS

WIDTHS = (6, 20, 7, 36, 14, 16, 14, 28, 8, 44, 9, 12, 28)
DATE_COLUMN = COLUMNS.index("完成时间") + 1
FIRST_DATA_ROW = 3
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


class LedgerExportError(ServiceError):
    """The ledger cannot be written where asked; the message is for the operator (Chinese)."""


def export_ledger(session: Session, campaign: Campaign, path: Path | str) -> int:
    """Write the campaign's ledger to path (.xlsx or .csv); returns the number of measure rows written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise LedgerExportError(f"不支持的导出格式“{path.suffix or path.name}”：请使用 .xlsx 或 .csv。")
    rows = list(_rows(session, campaign))
    try:
        if suffix == ".csv":
            _write_csv(path, rows)
        else:
            _write_xlsx(path, campaign, rows)
    except OSError as exc:
        raise LedgerExportError(f"无法写入文件“{path}”：{exc.strerror}。") from exc
    return len(rows)


def ledger_xlsx(session: Session, campaign: Campaign) -> bytes:
    """The campaign's ledger as an .xlsx file's bytes (a download in the browser)."""
    buffer = BytesIO()
    _write_xlsx(buffer, campaign, list(_rows(session, campaign)))
    return buffer.getvalue()


def _rows(session: Session, campaign: Campaign) -> Iterator[tuple[Measure, list]]:
    """(measure, its 13 ledger cells) in ledger order."""
    measures = session.scalars(
        select(Measure).where(Measure.campaign_id == campaign.id)
        .options(joinedload(Measure.problem).joinedload(Problem.category))
        .order_by(Measure.position, Measure.code)
    ).all()
    for index, m in enumerate(measures, 1):
        p = m.problem
        yield m, [index, p.category.title, p.number, p.description, p.deadline_label, p.lead_leader,
                  p.departments, p.goal, m.code, m.text, STATUS_LABELS[m.status], m.completed_on, m.progress_note]


def _write_csv(path: Path, rows: list[tuple[Measure, list]]) -> None:
    """UTF-8 with BOM so Excel opens it right; no title row; every row carries its problem's columns; text that
    would run as a formula quoted (the reader unquotes it, so the file re-imports as it was)."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for _, cells in rows:
            writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date)
                             else formula_safe(v) if isinstance(v, str) else v for v in cells])


def _write_xlsx(path: Path | BytesIO, campaign: Campaign, rows: list[tuple[Measure, list]]) -> None:
    """A title row, a bold header, problem-level cells merged per problem and category cells per category."""
    book = Workbook()
    sheet = book.active
    sheet.title = "整改台账"
    sheet.append([_title(campaign)])
    sheet.cell(1, 1).font = Font(bold=True, size=16)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 36
    sheet.append(list(COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
    for _, cells in rows:
        sheet.append(cells)
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, not a formula: openpyxl takes any text starting with = for one
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cell.border = BORDER
        row[DATE_COLUMN - 1].number_format = "yyyy-mm-dd"
    merged = [CellRange(min_col=1, min_row=1, max_col=len(COLUMNS), max_row=1),
              *_runs([m.problem_id for m, _ in rows], range(3, len(PROBLEM_COLUMNS) + 2)),
              *_runs([m.problem.category_id for m, _ in rows], [2])]
    for cells in merged:
        for row in sheet.iter_rows(min_row=cells.min_row + 1, max_row=cells.max_row,
                                   min_col=cells.min_col, max_col=cells.max_col):
            for cell in row:
                cell.value = None
    # set at once: Worksheet.merge_cells checks each new range against all others, quadratic in ledger size
    sheet.merged_cells = MultiCellRange([MergedCellRange(sheet, cells.coord) for cells in merged])
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    book.save(path)


def _title(campaign: Campaign) -> str:
    """E.g. 中共甘肃省总工会党组　省委第八巡视组反馈意见整改落实情况台账（示例）."""
    title = campaign.title if campaign.title.endswith("台账") else f"{campaign.title}台账"
    return "　".join(filter(None, [campaign.unit, title])) + ("（示例）" if campaign.is_sample else "")


def _runs(keys: list[int], columns: Iterable[int]) -> Iterator[CellRange]:
    """A vertical range per column over every run of two or more consecutive rows with the same key."""
    start = FIRST_DATA_ROW
    for _, run in groupby(keys):
        end = start + len(list(run)) - 1
        if end > start:
            for column in columns:
                yield CellRange(min_col=column, min_row=start, max_col=column, max_row=end)
        start = end + 1
