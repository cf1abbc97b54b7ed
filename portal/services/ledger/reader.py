"""整改台账读取: an .xlsx or .csv ledger read into normalised rows, every bad cell collected."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from portal.models import DONE, IN_PROGRESS
from portal.models.staff import DEPARTMENT_NAME_LENGTH
from portal.services.ledger.csvsheet import csv_grid
from portal.services.ledger.deadlines import normalise_label
from portal.services.ledger.departments import split_departments
from portal.services.ledger.limits import HEADER_SCAN_ROWS, MAX_FILE_BYTES, MAX_LISTED_ERRORS
from portal.services.ledger.rejects import LedgerRejected, RowError, rejected
from portal.services.ledger.workbook import Grid, xlsx_grids

COLUMNS = ("序号", "问题类别", "问题编号", "问题描述", "整改时限", "牵头领导", "责任部门", "成效目标",
           "措施编号", "整改措施", "完成情况", "完成时间", "进展说明")
REQUIRED = ("问题类别", "问题编号", "问题描述", "整改时限", "措施编号", "整改措施", "完成情况")
#: 问题类别..成效目标: one value per problem, often merged vertically or given only on a problem's first row
PROBLEM_COLUMNS = COLUMNS[1:8]
ALIASES = {
    "序号": ("序号", "排序"),
    "问题类别": ("问题类别", "类别", "问题类型", "方面", "问题方面"),
    "问题编号": ("问题编号", "问题序号", "问题号"),
    "问题描述": ("问题描述", "问题", "存在问题", "问题内容", "反馈问题"),
    "整改时限": ("整改时限", "整改时间", "完成时限", "时限", "时限要求"),
    "牵头领导": ("牵头领导", "责任领导", "牵头负责领导"),
    "责任部门": ("责任部门", "责任单位", "牵头部门", "责任处室"),
    "成效目标": ("成效目标", "整改目标", "目标"),
    "措施编号": ("措施编号", "措施序号"),
    "整改措施": ("整改措施", "措施", "措施内容"),
    "完成情况": ("完成情况", "整改状态", "状态"),
    "完成时间": ("完成时间", "完成日期", "实际完成时间"),
    "进展说明": ("进展说明", "整改进展", "进展情况"),
}
HEADER_NAMES = {alias: column for column, aliases in ALIASES.items() for alias in aliases}
STATUS_WORDS = {**dict.fromkeys(("已完成", "已整改", "完成", "整改完成"), DONE),
                **dict.fromkeys(("正在整改", "整改中", "持续推进", "推进中"), IN_PROGRESS)}
STATUS_LABELS = {DONE: "已完成", IN_PROGRESS: "正在整改"}
UNCALCULATED = ("是公式，但文件中没有公式的计算结果（文件可能由程序生成而未经计算）："
                "请用 Excel 或 WPS 打开并保存后重新导入，或把公式单元格粘贴为数值")
DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(\s+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?")
DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63]")
#: the largest problem number the database's integer column holds
MAX_NUMBER = 2**31 - 1
DEPARTMENT_NAME_LIMIT = DEPARTMENT_NAME_LENGTH


@dataclass(frozen=True)
class LedgerRow:
    """One measure row, problem-level values filled in; a field is None where its cell was bad or empty."""

    row: int
    category: str | None
    number: int | None
    description: str | None
    deadline_label: str | None
    lead_leader: str | None
    departments: str | None
    goal: str | None
    code: str | None
    text: str | None
    status: str | None
    completed_on: date | None
    progress_note: str | None


@dataclass(frozen=True)
class CheckedRow:
    """A row of a ledger found without errors: every required cell has its value."""

    row: int
    category: str
    number: int
    description: str
    deadline_label: str
    lead_leader: str | None
    departments: str | None
    goal: str | None
    code: str
    text: str
    status: str
    completed_on: date | None
    progress_note: str | None


def checked(row: LedgerRow) -> CheckedRow:
    """The row as a CheckedRow; ValueError when a required cell is empty (the sheet's errors say so already)."""
    values = vars(row)
    empty = [name for name in ("category", "number", "description", "deadline_label", "code", "text", "status")
             if values[name] is None]
    if empty:
        raise ValueError(f"row {row.row} lacks {', '.join(empty)}")
    return CheckedRow(**values)


@dataclass
class LedgerSheet:
    """A ledger as read: its rows, the bad cells found, and where its header is."""

    header_row: int
    #: canonical column → the header as this file words it
    columns: dict[str, str]
    rows: list[LedgerRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_ledger(path: Path) -> LedgerSheet:
    """Read a ledger file into normalised rows; unreadable, oversized or header-less files raise LedgerRejected."""
    for grid in _grids(Path(path)):
        header = _find_header(grid.rows)
        if header is not None:
            return _read_rows(grid, *header)
    raise rejected(f"找不到表头：前{HEADER_SCAN_ROWS}行中没有含“问题编号”“整改措施”“完成情况”等列名的一行。")


def _grids(path: Path) -> Iterator[Grid]:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise rejected(f"不支持的文件类型“{path.suffix or path.name}”：请使用 .xlsx 或 .csv 格式的台账。")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise rejected(f"文件有{size // 2**20} MB，超过上限{MAX_FILE_BYTES // 2**20} MB：台账过大，无法读取。")
        data = path.read_bytes()
    except OSError as exc:
        raise rejected(f"无法读取文件“{path.name}”：{exc.strerror}。") from exc
    return xlsx_grids(data) if suffix == ".xlsx" else iter([csv_grid(data)])


def _header_name(value: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))) if value is not None else ""


def _find_header(grid: list[list[Any]]) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """(row index, canonical column → position, canonical → header text) of the row naming most columns."""
    best = None
    for index, cells in enumerate(grid[:HEADER_SCAN_ROWS]):
        positions: dict[str, int] = {}
        for position, value in enumerate(cells):
            column = HEADER_NAMES.get(_header_name(value))
            if column is not None:
                positions.setdefault(column, position)
        if len(positions) >= 3 and (best is None or len(positions) > len(best[1])):
            best = (index, positions, {c: _header_name(cells[p]) for c, p in positions.items()})
    return best


def _read_rows(grid: Grid, header: int, positions: dict[str, int], names: dict[str, str]) -> LedgerSheet:
    missing = [RowError(header + 1, column, f"缺少必需的列（可写作：{'、'.join(ALIASES[column])}）")
               for column in REQUIRED if column not in positions]
    if missing:
        raise LedgerRejected(missing)
    sheet = LedgerSheet(header + 1, names)
    previous: dict[str, Any] | None = None
    for index in range(header + 1, len(grid.rows)):
        cells = grid.rows[index]
        values = {c: _blank_to_none(cells[p]) if p < len(cells) else None for c, p in positions.items()}
        formulas = {c for c, p in positions.items() if (index + 1, p + 1) in grid.uncalculated}
        if all(v is None for c, v in values.items() if c != "序号") and not formulas:
            continue
        values = _filled_down(values, previous)
        sheet.rows.append(_parse(index + 1, values, names, sheet.errors, formulas))
        previous = values
        if len(sheet.errors) > MAX_LISTED_ERRORS:
            break
    return sheet


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
    return None if value == "" else value


def _filled_down(values: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """问题类别 always fills down; the other problem-level cells fill down while 问题编号 is empty or repeated."""
    if previous is None:
        return values
    filled = dict(values)
    same_problem = values["问题编号"] is None or _plain(values["问题编号"]) == _plain(previous["问题编号"])
    for column in PROBLEM_COLUMNS:
        if column in filled and filled[column] is None and (same_problem or column == "问题类别"):
            filled[column] = previous[column]
    return filled


def _parse(row: int, values: dict[str, Any], names: dict[str, str], errors: list[RowError],
           formulas: set[str]) -> LedgerRow:
    """One row's cells turned into values; each bad or missing required cell adds an error."""
    def parsed(column: str, parse, *args):
        value = values.get(column)
        if column in formulas:
            errors.append(RowError(row, names[column], UNCALCULATED))
            return None
        if isinstance(value, str) and "\x00" in value:
            errors.append(RowError(row, names[column], "含有空字符（NUL），请删除后重新导入"))
            return None
        if value is None:
            if column == "问题编号":
                errors.append(RowError(row, names[column], "措施没有所属问题：问题编号为空，上方也没有可沿用的问题"))
            elif column in REQUIRED:
                errors.append(RowError(row, names[column], "不能为空"))
            return None
        try:
            return parse(value, *args)
        except ValueError as exc:
            errors.append(RowError(row, names[column], str(exc)))
            return None

    return LedgerRow(
        row=row, category=parsed("问题类别", _text), number=parsed("问题编号", _number),
        description=parsed("问题描述", _text), deadline_label=parsed("整改时限", _deadline),
        lead_leader=parsed("牵头领导", _short_text, 200), departments=parsed("责任部门", _departments),
        goal=parsed("成效目标", _text), code=parsed("措施编号", _code), text=parsed("整改措施", _text),
        status=parsed("完成情况", _status), completed_on=parsed("完成时间", _date),
        progress_note=parsed("进展说明", _text),
    )


def _plain(value: Any) -> str:
    """A cell as compact text: full-width characters folded, blanks dropped, 12.0 written 12."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))) if value is not None else ""


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _short_text(value: Any, limit: int) -> str:
    text = _text(value)
    if len(text) > limit:
        raise ValueError(f"内容过长（{len(text)}个字符，最多{limit}个）")
    return text


def _number(value: Any) -> int:
    plain = _plain(value)
    if not plain.isascii() or not plain.isdigit():
        raise ValueError(f"问题编号“{_text(value)}”不是数字")
    if int(plain) > MAX_NUMBER:
        raise ValueError(f"问题编号“{plain}”过大（最大为{MAX_NUMBER}）")
    return int(plain)


def _departments(value: Any) -> str:
    text = _text(value)
    for name in split_departments(text):
        if len(name) > DEPARTMENT_NAME_LIMIT:
            raise ValueError(f"部门名称“{name[:20]}…”过长（{len(name)}个字符，最多{DEPARTMENT_NAME_LIMIT}个）")
    return text


def _code(value: Any) -> str:
    return _short_text(DASHES.sub("-", _plain(value)), 32)


def _deadline(value: Any) -> str:
    return _short_text(normalise_label(_text(value)), 200)


def _status(value: Any) -> str:
    status = STATUS_WORDS.get(_plain(value))
    if status is None:
        raise ValueError(f"无法识别的完成情况“{_text(value)}”（可填：{'、'.join(STATUS_WORDS)}）")
    return status


def _date(value: Any) -> date:
    """A real Excel date, an Excel serial number, or 2021-03-15 / 2021/3/15 / 2021年3月15日 / 2021.3.15."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    plain = _plain(value) if isinstance(value, str) else ""
    try:
        if (isinstance(value, int | float) and not isinstance(value, bool)) or (plain.isascii() and plain.isdigit()):
            serial = float(value)
            if 1 <= serial < 2958466:
                from openpyxl.utils.datetime import from_excel  # openpyxl loads for a serial date only

                return from_excel(serial).date()
        match = DATE.fullmatch(unicodedata.normalize("NFKC", str(value)).strip())
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except (ValueError, OverflowError):
        pass
    raise ValueError(f"无法识别的日期“{_text(value)}”（可写作 2021-03-15、2021/3/15、2021年3月15日）")
