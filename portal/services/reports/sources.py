"""通报来源: the text of a report pasted in the browser or uploaded as .txt (UTF-8, GB18030…) or .docx.

A Word file is read paragraph by paragraph; a broken, encrypted, oversized or hostile one is refused with a message
the office can act on, before it can exhaust memory."""
from __future__ import annotations

import io
import zipfile
from typing import BinaryIO

from flask_babel import gettext as _

from portal.services.common.text import CONTROL_CHARS
from portal.services.reports.repair.engine import ReportRejected, decode_report

SUFFIXES = (".txt", ".docx")
#: the file as uploaded; the founding report is 40 KB as text
MAX_FILE_BYTES = 10 * 2**20
#: a .docx unzipped: the sum of the sizes its members declare (zipfile refuses a member larger than declared)
MAX_UNZIPPED_BYTES = 50 * 2**20
#: members of a .docx (a dozen or so; a few hundred with many images)
MAX_ZIP_MEMBERS = 1_000
#: characters of a report's text, pasted or read (the founding report has about 16,000)
MAX_TEXT_CHARS = 500_000
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"


def received_text(pasted: str | None, filename: str | None, stream: BinaryIO | None) -> str:
    """The report as the office gives it: pasted text or an uploaded file, not both, not neither."""
    if filename and stream is not None:
        if (pasted or "").strip():
            raise ReportRejected(_("请只选择一种方式：粘贴正文，或上传文件。"), "text")
        return read_upload(filename, stream)
    return checked_text(pasted or "")


def read_upload(filename: str, stream: BinaryIO) -> str:
    """The text of an uploaded report file; ReportRejected for another type, an oversized or unreadable file."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in SUFFIXES:
        raise ReportRejected(_("不支持的文件类型“%(suffix)s”：请上传 .txt 或 .docx 格式的通报，或直接粘贴正文。",
                               suffix=suffix or filename or _("（无文件名）")), "upload")
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ReportRejected(_("文件超过上限%(mb)d MB，无法读取。", mb=MAX_FILE_BYTES // 2**20), "upload")
    if suffix == ".docx":
        return checked_text(docx_text(data), "upload")
    try:
        return checked_text(decode_report(data), "upload")
    except ReportRejected as exc:
        raise ReportRejected(exc.message, "upload") from exc


def checked_text(text: str, field: str = "text") -> str:
    """A report's text, line ends normalised and control characters dropped; ReportRejected (for field) when it is
    blank or too long."""
    text = CONTROL_CHARS.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise ReportRejected(_("通报正文是空的：请粘贴通报正文，或上传通报文件。"), field)
    if len(text) > MAX_TEXT_CHARS:
        raise ReportRejected(_("通报正文过长（%(count)d字，最多%(limit)d字）。", count=len(text),
                               limit=MAX_TEXT_CHARS), field)
    return text


def docx_text(data: bytes) -> str:
    """The paragraphs of a Word (.docx) file, one per line."""
    if data.startswith(OLE_SIGNATURE):
        raise ReportRejected(_("文件是旧版 Word 97-2003 格式（.doc）或设有打开密码，无法读取：请在 Word 或 WPS 中"
                               "另存为 .docx（不设密码）后重新上传。"), "upload")
    if not data.startswith(ZIP_SIGNATURE):
        raise _broken()
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError) as exc:
        raise _broken() from exc
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise ReportRejected(_("文件解压后过大（超过%(mb)d MB），不是正常的通报文档，无法读取。",
                               mb=MAX_UNZIPPED_BYTES // 2**20), "upload")
    from docx import Document  # python-docx loads only when a Word file is read
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises whatever zipfile, lxml or its own parts raise
        raise _broken() from exc
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def _broken() -> ReportRejected:
    return ReportRejected(_("文件不是有效的 Word 文档（.docx），可能已损坏：请在 Word 或 WPS 中打开后另存为 .docx，"
                            "或直接粘贴正文。"), "upload")

