"""A report given in the browser: pasted, or uploaded as .txt in any usual encoding or as .docx; every other file,
a broken or oversized one, is refused with a message the office can act on."""
from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from portal.services.reports import sources
from portal.services.reports.repair.engine import ReportRejected
from tests.reports.test_import import CLEAN

PARAGRAPHS = ["关于巡视整改进展情况的通报", "截至2021年3月31日，共5个方面54个问题，整改措施193条，已整改170条。"]


def docx_bytes(paragraphs: list[str]) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_txt_file_decodes_in_utf8_or_gb18030(encoding):
    assert sources.read_upload("通报.TXT", io.BytesIO(CLEAN.encode(encoding))) == CLEAN.replace("\r\n", "\n")


def test_a_docx_file_gives_its_paragraphs_one_per_line():
    assert sources.read_upload("通报.docx", io.BytesIO(docx_bytes(PARAGRAPHS))) == "\n".join(PARAGRAPHS)


#: (file name, content, the refusal's words); ids by position, as the generated docx differs between processes
REFUSED = [
    ("通报.pdf", b"%PDF-1.7", "不支持的文件类型“.pdf”"),
    ("通报", b"text", "不支持的文件类型“通报”"),
    ("通报.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "不支持的文件类型“.doc”"),
    ("通报.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Word 97-2003 格式"),
    ("通报.docx", b"PK\x03\x04 broken zip", "不是有效的 Word 文档"),
    ("通报.docx", "通报正文".encode(), "不是有效的 Word 文档"),
    ("通报.txt", b"%PDF-1.7\n", "这看起来是PDF文件"),
    ("通报.txt", b"\x00\x01\x02\x03" * 50, "不是文本"),
    ("通报.txt", b"   \n", "文件是空的"),
    ("通报.docx", docx_bytes(["  ", ""]), "通报正文是空的"),
]


@pytest.mark.parametrize(("name", "data", "message"), REFUSED, ids=[f"{n}-{case[0]}" for n, case in enumerate(REFUSED)])
def test_other_and_broken_files_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(ReportRejected, match=message) as refused:
        sources.read_upload(name, io.BytesIO(data))
    assert refused.value.field == "upload"


def test_a_workbook_renamed_to_docx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReportRejected, match="不是有效的 Word 文档"):
        sources.read_upload("通报.docx", io.BytesIO(out.getvalue()))


def test_an_oversized_file_is_refused_before_it_is_read_whole(monkeypatch):
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ReportRejected, match="文件超过上限"):
        sources.read_upload("通报.txt", io.BytesIO("通".encode() * 400))


def test_a_docx_that_unzips_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(sources, "MAX_UNZIPPED_BYTES", 10_000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "0" * 100_000)
    with pytest.raises(ReportRejected, match="解压后过大"):
        sources.read_upload("通报.docx", io.BytesIO(out.getvalue()))


def test_pasted_text_or_a_file_but_not_both_nor_neither():
    assert sources.received_text("正文\r\n第二\x00行\x7f", None, None) == "正文\n第二行"
    assert sources.received_text("", "通报.txt", io.BytesIO("文件正文".encode())) == "文件正文"
    with pytest.raises(ReportRejected, match="只选择一种方式"):
        sources.received_text("正文", "通报.txt", io.BytesIO("文件正文".encode()))
    with pytest.raises(ReportRejected, match="通报正文是空的") as refused:
        sources.received_text("  ", None, None)
    assert refused.value.field == "text"
