"""整改台账 .csv: the file's records as a grid of text cells, within the caps of limits.py."""
from __future__ import annotations

import codecs
import csv
import io

from portal.services.common.spreadsheet import unquoted
from portal.services.ledger.columns import column_letter
from portal.services.ledger.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_SHEET_ROWS
from portal.services.ledger.rejects import rejected
from portal.services.ledger.workbook import OLE_SIGNATURE, ZIP_SIGNATURE, Grid

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def csv_grid(data: bytes) -> Grid:
    """The records of a CSV ledger; a workbook named .csv, a record too long or too wide is refused."""
    if data.startswith(ZIP_SIGNATURE):
        raise rejected("文件扩展名是 .csv，内容却是 .xlsx 工作簿：请把扩展名改为 .xlsx 后重新导入。")
    if data.startswith(OLE_SIGNATURE):
        raise rejected("文件扩展名是 .csv，内容却是 Excel 工作簿（旧版 .xls 或设有打开密码）："
                       "请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后重新导入。")
    records = csv.reader(io.StringIO(_decode(data), newline=""))
    rows: list[list] = []
    try:
        for cells in records:
            _check(cells, len(rows) + 1)
            if len(rows) < MAX_SHEET_ROWS:
                rows.append([unquoted(cell) for cell in cells[:MAX_COLUMNS]])
    except csv.Error as exc:
        row = len(rows) + 1
        if "field limit" in str(exc):
            raise rejected(f"单元格内容过长（超过{MAX_CELL_CHARS}个字符），或引号不成对使后面的内容都并入了这一格",
                           row) from exc
        raise rejected("CSV 格式有误，无法读取（如引号不成对或含有无法识别的字符）", row) from exc
    return Grid(rows)


def _check(cells: list[str], row: int) -> None:
    """Refuse a record past the row or column caps, or with a cell too long; blank records and cells count not."""
    filled = [index for index, cell in enumerate(cells, 1) if cell.strip()]
    if not filled:
        return
    if row > MAX_SHEET_ROWS:
        raise rejected(f"文件的第{row}行有内容：台账最多读取{MAX_SHEET_ROWS}行（表头以上30行加20000行措施）。"
                       "请删除多余的行后重新导入。")
    if filled[-1] > MAX_COLUMNS:
        raise rejected(f"第{filled[-1]}列有内容：台账最多读取{MAX_COLUMNS}列。请删除多余的列后重新导入。", row)
    for index in filled:
        if len(cells[index - 1]) > MAX_CELL_CHARS:
            raise rejected(f"单元格内容过长（{len(cells[index - 1])}个字符，最多{MAX_CELL_CHARS}个）", row,
                           column_letter(index))


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes are valid UTF-8, else GB18030 (a superset of GBK); never UTF-16,
    which GB18030 would read as garbage without complaint."""
    for encoding in () if data.startswith(UTF16_BOMS) else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise rejected("无法识别文件编码：请将台账另存为 UTF-8 或 GBK 编码的 CSV。")
