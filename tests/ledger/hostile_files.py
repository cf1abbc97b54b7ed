"""Hostile ledgers, each small on disk and written in well under a second: what a careless tool or an attacker may
hand the importer. Each writer takes a directory and returns the file's path; HOSTILE maps a case to its writer and
to a fragment of the message the importer must answer with."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from tests.ledger_files import HEADER, ROWS, write_xlsx

SHEET = "xl/worksheets/sheet1.xml"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def patched_xlsx(path: Path, patch: Callable[[str], str], extra: dict[str, bytes] | None = None) -> Path:
    """A real small ledger whose worksheet XML is rewritten by patch, members in extra added or replaced."""
    source = write_xlsx(path.with_suffix(".src.xlsx"), ROWS)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for member in old.infolist():
            data = old.read(member)
            if member.filename == SHEET:
                data = patch(data.decode()).encode()
            if member.filename not in (extra or {}):
                new.writestr(member, data)
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    source.unlink()
    return path


def before_sheet_end(xml: str) -> Callable[[str], str]:
    return lambda sheet: sheet.replace("</sheetData>", xml + "</sheetData>")


def merged_bomb(directory: Path) -> Path:
    """One merged range over every cell of a sheet, and a dimension that declares as much (6 GB in normal mode)."""
    def patch(sheet: str) -> str:
        sheet = sheet.replace("</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/>'
                                              "</mergeCells>")
        return sheet.replace('<dimension ref="A1:M4"', '<dimension ref="A1:XFD1048576"')
    return patched_xlsx(directory / "merged-bomb.xlsx", patch)


def far_cell(directory: Path) -> Path:
    return patched_xlsx(directory / "far-cell.xlsx", before_sheet_end(
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'))


def row_past_excel(directory: Path) -> Path:
    return patched_xlsx(directory / "row-1048577.xlsx", before_sheet_end(
        '<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>x</t></is></c></row>'))


def wide_row(directory: Path) -> Path:
    return patched_xlsx(directory / "wide.xlsx", before_sheet_end(
        '<row r="5"><c r="BA5" t="inlineStr"><is><t>x</t></is></c></row>'))


def overlapping_merges(directory: Path) -> Path:
    """Many merged ranges over the same cells, each within the caps: filling them would take billions of steps."""
    merges = '<mergeCell ref="A1:AX20030"/>' * 2000
    return patched_xlsx(directory / "overlapping-merges.xlsx", lambda sheet: sheet.replace(
        "</sheetData>", '<row r="20030"><c r="AX20030" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
                        f"<mergeCells>{merges}</mergeCells>"))


def many_rows(directory: Path, count: int = 300_000) -> Path:
    """A sheet of count rows (a 3-million-row file is the same, only slower to write), streamed into the zip."""
    path = directory / "many-rows.xlsx"
    head, _, tail = _sheet_xml().partition("</sheetData>")
    source = write_xlsx(directory / "rows.src.xlsx", ROWS)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for member in old.infolist():
            if member.filename != SHEET:
                new.writestr(member, old.read(member))
        with new.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            for start in range(5, count, 10_000):
                sheet.write("".join(f'<row r="{r}"><c r="J{r}" t="inlineStr"><is><t>措施</t></is></c></row>'
                                    for r in range(start, min(start + 10_000, count))).encode())
            sheet.write(("</sheetData>" + tail).encode())
    source.unlink()
    return path


def _sheet_xml() -> str:
    out = io.BytesIO()
    book = Workbook()
    book.active.append(HEADER)
    book.save(out)
    return zipfile.ZipFile(out).read(SHEET).decode()


def zip_bomb(directory: Path) -> Path:
    """A workbook with a member that unzips to 210 MB of zeros (200 KB on disk)."""
    path = patched_xlsx(directory / "zip-bomb.xlsx", lambda sheet: sheet)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book, book.open("xl/media/zeros.bin", "w") as member:
        chunk = bytes(2**20)
        for _ in range(210):
            member.write(chunk)
    return path


def entity_expansion(directory: Path) -> Path:
    """Billion laughs in the shared strings."""
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    strings = (f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]><sst xmlns="http://schemas.openxmlformats.org/'
               'spreadsheetml/2006/main"><si><t>&a9;</t></si></sst>').encode()
    return patched_xlsx(directory / "laughs.xlsx", lambda sheet: sheet, {"xl/sharedStrings.xml": strings})


def encrypted(directory: Path) -> Path:
    """What Excel saves with a password to open: an OLE compound file holding EncryptionInfo and EncryptedPackage."""
    path = directory / "encrypted.xlsx"
    path.write_bytes(OLE_SIGNATURE + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(2000)
                     + "EncryptedPackage".encode("utf-16-le") + bytes(2000))
    return path


def old_xls(directory: Path) -> Path:
    path = directory / "old.xlsx"
    path.write_bytes(OLE_SIGNATURE + bytes(504) + "Workbook".encode("utf-16-le") + bytes(2000))
    return path


def uncalculated_formulas(directory: Path) -> Path:
    """What a program writing formulas leaves behind: formulas and no computed values (openpyxl writes <v/>)."""
    rows = [row[:] for row in ROWS]
    rows[1][HEADER.index("整改措施")] = '=CONCATENATE("建立","议题审核机制")'
    return write_xlsx(directory / "formulas.xlsx", rows)


def long_shared_string(directory: Path) -> Path:
    """A cell of 20,000 characters kept, as Excel keeps text, in the shared-strings table."""
    source = write_xlsx(directory / "shared.src.xlsx", ROWS)
    with zipfile.ZipFile(source) as book:
        types = book.read("[Content_Types].xml").decode()
    source.unlink()
    types = types.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                      'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    strings = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
               f'<si><t>{"长" * 20_000}</t></si></sst>')
    return patched_xlsx(directory / "long-shared-string.xlsx",
                        lambda sheet: re.sub(r'<c r="M3" t="inlineStr"><is><t>[^<]*</t></is></c>',
                                             '<c r="M3" t="s"><v>0</v></c>', sheet),
                        {"[Content_Types].xml": types.encode(), "xl/sharedStrings.xml": strings.encode()})


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def written(name: str, data: bytes) -> Callable[[Path], Path]:
    def write(directory: Path) -> Path:
        path = directory / name
        path.write_bytes(data)
        return path
    return write


def with_cell(column: str, value: str) -> list:
    row = list(ROWS[2])
    row[HEADER.index(column)] = value
    return row


def xlsx_named_csv(directory: Path) -> Path:
    path = write_xlsx(directory / "really-xlsx.xlsx", ROWS)
    return path.rename(directory / "really-xlsx.csv")


HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "merged range over the whole sheet": (merged_bomb, "合并单元格“A1:XFD1048576”超出台账可读取的范围"),
    "one cell at XFD1048576": (far_cell, "工作表的第1048576行（XFD1048576单元格）有内容：台账最多读取20030行"),
    "row 1048577": (row_past_excel, "行号1048577超出 Excel 的范围"),
    "a cell in column BA": (wide_row, "第5行：BA5单元格有内容：台账最多读取50列"),
    "overlapping merged ranges": (overlapping_merges, "合并单元格相互重叠"),
    "300,000 rows": (many_rows, "工作表的第20031行（J20031单元格）有内容"),
    "zip bomb": (zip_bomb, "文件解压后有210 MB，超过上限200 MB"),
    "entity expansion": (entity_expansion, "文件已损坏或不是有效的 .xlsx 工作簿"),
    "password-protected workbook": (encrypted, "文件设有打开密码（已加密）"),
    "Excel 97-2003 workbook named .xlsx": (old_xls, "旧版 Excel 97-2003 格式（.xls）"),
    "shared string of 20,000 characters": (long_shared_string,
                                           "第3行，“M”列：单元格内容过长（20000个字符，最多10000个）"),
    "formulas without computed values": (uncalculated_formulas,
                                         "第3行，“整改措施”列：是公式，但文件中没有公式的计算结果"),
    "CSV cell past the csv module's limit": (written("huge-cell.csv", csv_bytes(
        [HEADER, with_cell("进展说明", "长" * 200_000)])), "第2行：单元格内容过长（超过10000个字符）"),
    "CSV cell of 20,000 characters": (written("long-cell.csv", csv_bytes(
        [HEADER, with_cell("进展说明", "长" * 20_000)])), "第2行，“M”列：单元格内容过长（20000个字符，最多10000个）"),
    "CSV of 300,000 rows": (written("many-rows.csv", csv_bytes([HEADER] + [["措施"]] * 300_000)),
                            "文件的第20031行有内容"),
    "CSV with NUL bytes": (written("nul.csv", csv_bytes([HEADER, with_cell("整改措施", "精简\x00会议")])),
                           "第2行，“整改措施”列：含有空字符（NUL）"),
    "binary junk named .csv": (written("junk.csv", bytes(range(256)) * 64), "无法识别文件编码"),
    "UTF-16 CSV": (written("utf16.csv", csv_bytes([HEADER, *ROWS], "utf-16")), "无法识别文件编码"),
    "CSV named .xlsx": (written("really-csv.xlsx", csv_bytes([HEADER, *ROWS])), "若是 CSV 台账，请把扩展名改为 .csv"),
    ".xlsx named .csv": (xlsx_named_csv, "文件扩展名是 .csv，内容却是 .xlsx 工作簿"),
}
#: the cases that take a few seconds to write or to refuse
SLOW = {"300,000 rows", "zip bomb", "CSV of 300,000 rows", "overlapping merged ranges"}
