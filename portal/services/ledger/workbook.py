"""整改台账 .xlsx: each worksheet read as a grid of cell values, without trusting any size the file declares.

A 5 KB workbook can declare a merged range over all 17 billion cells of a sheet, a cell in its last row, or unzip to
gigabytes; openpyxl's normal mode would build all of it. So before a cell is read, the zip's members are counted and
their sizes summed, and each worksheet's XML is scanned (streamed, bounded) for the last row and column that hold a
value, its merged ranges and its formulas that were never calculated; a sheet reaching past the caps of limits.py is
refused with a message saying where. openpyxl then streams the cells (read-only mode) within those bounds — that mode
does not expose merged ranges, so the scanned ones are filled from their top-left cell here."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from portal.services.ledger.columns import column_index, column_letter
from portal.services.ledger.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_MERGED_RANGES,
    MAX_SHEET_ROWS,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_MEMBERS,
)
from portal.services.ledger.rejects import LedgerRejected, rejected

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK"
#: the stream an encrypted (password-protected) Office file keeps its key data in, as OLE names it
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
#: what a cell element may hold directly: value, formula, inline string (and an extension list)
CELL_CHILDREN = 4
CORRUPT = "文件已损坏或不是有效的 .xlsx 工作簿，无法读取。"


@dataclass
class Grid:
    """A worksheet's (or a CSV file's) cell values row by row, and the cells whose formula has no computed value."""

    rows: list[list[Any]]
    #: (row, column), both counted from 1 as Excel does
    uncalculated: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class _Scan:
    """What a worksheet's XML holds, found before openpyxl reads it."""

    last_row: int = 0
    last_column: int = 0
    #: (first row, first column, last row, last column) of each merged range
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    uncalculated: set[tuple[int, int]] = field(default_factory=set)


def xlsx_grids(data: bytes) -> Iterator[Grid]:
    """Every worksheet's grid in workbook order; LedgerRejected for a file that is not a workbook or is too large."""
    if data.startswith(OLE_SIGNATURE):
        raise rejected(_ole_message(data))
    from openpyxl import load_workbook  # loaded for a workbook only, not with every command

    archive = _archive(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook surfaces as zip, XML, key or value errors alike
        raise rejected(CORRUPT) from exc
    try:
        for sheet in book.worksheets:
            yield _grid(archive, sheet)
    except LedgerRejected:
        raise
    except Exception as exc:
        raise rejected(CORRUPT) from exc
    finally:
        book.close()


def _ole_message(data: bytes) -> str:
    """An OLE compound file is either an encrypted workbook of any Excel version or an Excel 97-2003 .xls."""
    if ENCRYPTION_STREAM in data:
        return "文件设有打开密码（已加密），无法读取：请在 Excel 或 WPS 中取消密码并另存为 .xlsx 后重新导入。"
    return "文件是旧版 Excel 97-2003 格式（.xls），不是 .xlsx：请在 Excel 或 WPS 中另存为 .xlsx 后重新导入。"


def _archive(data: bytes) -> zipfile.ZipFile:
    """The workbook's zip, once its member count, unzipped size and XML prologues are found harmless."""
    if not data.startswith(ZIP_SIGNATURE):
        raise rejected(CORRUPT + ("文件内容是文本，可能是 CSV：若是 CSV 台账，请把扩展名改为 .csv。"
                                  if _looks_like_text(data) else ""))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        entities = any(_declares_entities(archive, member) for member in members[:MAX_ZIP_MEMBERS])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError) as exc:
        raise rejected(CORRUPT) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise rejected(f"{CORRUPT}（压缩包内含{len(members)}个文件，超过上限{MAX_ZIP_MEMBERS}个）")
    unzipped = sum(member.file_size for member in members)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise rejected(f"文件解压后有{unzipped // 2**20} MB，超过上限{MAX_UNZIPPED_BYTES // 2**20} MB："
                       "台账过大或不是正常的工作簿，无法读取。")
    if entities:
        raise rejected(CORRUPT)
    return archive


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    if not head.strip() or b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut by the 4 KB slice
                return True
    return False


def _declares_entities(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """A DOCTYPE in a workbook's XML only ever serves entity expansion (billion laughs): no spreadsheet writes one."""
    if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
        return False
    with archive.open(member) as source:
        return b"<!DOCTYPE" in source.read(4096).upper()


def _grid(archive: zipfile.ZipFile, sheet: Any) -> Grid:
    """One worksheet's values within the bounds its scan found, merged ranges filled from their top-left cell."""
    # read-only worksheets name their XML part but expose no merged ranges: the scan reads both from that part
    with archive.open(sheet._worksheet_path) as source:
        scan = _scan(source)
    if not scan.last_row:
        return Grid([], scan.uncalculated)
    rows = [list(values) for values in sheet.iter_rows(min_row=1, max_row=scan.last_row, min_col=1,
                                                       max_col=scan.last_column, values_only=True)]
    _check_shared_strings(rows)
    _fill_merged(rows, scan.merged, scan.last_column)
    return Grid(rows, scan.uncalculated)


def _check_shared_strings(rows: list[list[Any]]) -> None:
    """Refuse a cell over the cap among those the scan could not measure: text kept in the shared-strings table."""
    for number, row in enumerate(rows, 1):
        for column, value in enumerate(row, 1):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise rejected(f"单元格内容过长（{len(value)}个字符，最多{MAX_CELL_CHARS}个）", number,
                               column_letter(column))


def _fill_merged(rows: list[list[Any]], merged: list[tuple[int, int, int, int]], width: int) -> None:
    """Each merged range's cells given its top-left value; ranges overlapping into a fill bomb are refused."""
    clipped = [(top, left, min(bottom, len(rows)), min(right, width))
               for top, left, bottom, right in merged if top <= len(rows) and left <= width]
    area = sum((bottom - top + 1) * (right - left + 1) for top, left, bottom, right in clipped)
    if area > len(rows) * width:
        raise rejected("工作表的合并单元格相互重叠，文件已损坏，无法读取：请在 Excel 或 WPS 中取消合并后重新导入。")
    for top, left, bottom, right in clipped:
        value = rows[top - 1][left - 1]
        for row in rows[top - 1:bottom]:
            row[left - 1:right] = [value] * (right - left + 1)


def _scan(source: IO[bytes]) -> _Scan:
    """Stream a worksheet's XML once, keeping no more of it in memory than the cell being looked at."""
    scan = _Scan()
    stack: list[Element] = []
    row = column = inline_chars = 0
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
            tag = element.tag.rpartition("}")[2]
            if event == "start":
                stack.append(element)
                if tag == "row":
                    row, column = _row_number(element.get("r"), row), 0
                elif tag == "c":
                    inline_chars = 0
                continue
            stack.pop()
            parent = stack[-1] if stack else None
            in_cell = parent is not None and parent.tag.rpartition("}")[2] == "c"
            if tag == "c":
                row, column = _cell_position(element.get("r"), row, column)
                _note_cell(scan, element, row, column, inline_chars)
            elif tag == "t":
                inline_chars += len(element.text or "")
            elif tag == "mergeCell":
                _note_merge(scan, element.get("ref") or "")
            if parent is not None and not in_cell:
                parent.remove(element)  # always its parent's only child by now: removal is cheap
    except (ParseError, DefusedXmlException) as exc:
        raise rejected(CORRUPT) from exc
    return scan


def _row_number(ref: str | None, previous: int) -> int:
    """A row's number as written, or the next one where it is omitted (the format allows that)."""
    if ref is None:
        number = previous + 1
    elif ref.isascii() and ref.isdigit() and len(ref) <= 7:
        number = int(ref)
    else:
        raise rejected(CORRUPT)
    if not 1 <= number <= EXCEL_ROWS:
        raise rejected(f"{CORRUPT}（行号{number}超出 Excel 的范围）")
    return number


def _position(ref: str) -> tuple[int, int]:
    """(row, column) of a reference such as B7; LedgerRejected outside Excel's 1048576 rows and 16384 columns."""
    match = CELL_REF.fullmatch(ref)
    if match is None:
        raise rejected(CORRUPT)
    row, column = int(match[2]), column_index(match[1].upper())
    if not (1 <= row <= EXCEL_ROWS and 1 <= column <= EXCEL_COLUMNS):
        raise rejected(f"{CORRUPT}（单元格地址“{ref}”超出 Excel 的范围）")
    return row, column


def _cell_position(ref: str | None, row: int, column: int) -> tuple[int, int]:
    return (row, column + 1) if ref is None else _position(ref)


def _note_cell(scan: _Scan, cell: Element, row: int, column: int, inline_chars: int) -> None:
    """Widen the sheet's bounds to a cell that holds something, refusing it past the caps."""
    children = {child.tag.rpartition("}")[2]: child for child in cell}
    if len(cell) > CELL_CHILDREN:
        raise rejected(CORRUPT)
    value, formula = children.get("v"), children.get("f")
    chars = len(value.text or "") if value is not None else inline_chars
    if formula is not None and (value is None or not (value.text or cell.get("t") == "str")):
        scan.uncalculated.add((row, column))
    if not chars and formula is None:
        return
    where = f"{column_letter(column)}{row}"
    if row > MAX_SHEET_ROWS:
        raise rejected(f"工作表的第{row}行（{where}单元格）有内容：台账最多读取{MAX_SHEET_ROWS}行"
                       "（表头以上30行加20000行措施）。请删除多余的行后重新导入。")
    if column > MAX_COLUMNS:
        raise rejected(f"{where}单元格有内容：台账最多读取{MAX_COLUMNS}列。请删除多余的列后重新导入。", row)
    if chars > MAX_CELL_CHARS:
        raise rejected(f"单元格内容过长（{chars}个字符，最多{MAX_CELL_CHARS}个）", row, column_letter(column))
    scan.last_row, scan.last_column = max(scan.last_row, row), max(scan.last_column, column)


def _note_merge(scan: _Scan, ref: str) -> None:
    """Keep a merged range that lies within the caps; refuse the sheet over one reaching past them."""
    first, _, last = ref.partition(":")
    (top, left), (bottom, right) = _position(first), _position(last or first)
    if len(scan.merged) >= MAX_MERGED_RANGES:
        raise rejected(f"工作表的合并单元格超过{MAX_MERGED_RANGES}处，文件异常，无法读取。")
    if bottom > MAX_SHEET_ROWS or right > MAX_COLUMNS:
        raise rejected(f"合并单元格“{ref}”超出台账可读取的范围（最多{MAX_COLUMNS}列、{MAX_SHEET_ROWS}行）："
                       "请在 Excel 或 WPS 中取消这处合并或删除多余的行列后重新导入。")
    scan.merged.append((min(top, bottom), min(left, right), max(top, bottom), max(left, right)))
