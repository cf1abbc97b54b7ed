"""Uploads through the real forms over HTTP (the public opinion form and the clerk's letter form): content checked
against the name, size and count limits, active PDF content and image bombs refused, and hostile file names
stored under random names and shown cleaned."""
from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from portal.models import Attachment, FeedbackItem
from portal.services.feedback.attachments import MAX_BYTES

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog /Pages 2 0 R >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
WEB = {"kind": "suggestion", "content": "建议公开整改进度的更多细节。", "consent": "y"}
LETTER = {"kind": "report", "content": "来信反映整改措施没有落实到位，请核查。", "received_on": "2021-04-02"}
#: form → (its URL, its other fields, the name of its file field)
FORMS = {"web": ("/feedback", WEB, "attachments"), "letter": ("/staff/log/letter", LETTER, "scans")}
#: what each form answers when it stored the item: the confirmation page, or a redirect to it
FORMS_DONE = {"web": 200, "letter": 302}

pytestmark = pytest.mark.slow


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int) -> bytes:
    """A small, well-formed PNG header declaring width × height (its pixel data is a few bytes)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def jpeg(width: int, height: int, frame: int = 0xC0) -> bytes:
    """A JPEG whose start-of-frame segment (baseline C0, progressive C2, …) declares width × height."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    sof = bytes([0xFF, frame]) + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\0\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def pdf_with(objects: bytes) -> bytes:
    return b"%PDF-1.5\n" + objects + b"\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def object_stream(content: bytes) -> bytes:
    body = zlib.compress(content)
    return (b"5 0 obj<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>stream\n" % len(body)
            + body + b"\nendstream\nendobj")


REFUSED = {
    "PDF named .png": ("photo.png", PDF, "扩展名与内容不符"),
    "PNG named .pdf": ("scan.pdf", png(64, 64), "扩展名与内容不符"),
    "PDF named .pdf.exe": ("scan.pdf.exe", PDF, "扩展名与内容不符"),
    "HTML named .pdf": ("page.pdf", b"<html><script>alert(1)</script></html>", "不是PDF、JPEG或PNG文件"),
    "SVG named .png": ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                       "不是PDF、JPEG或PNG文件"),
    "executable named .jpg": ("photo.jpg", b"MZ\x90\0\x03\0\0\0" + bytes(64), "不是PDF、JPEG或PNG文件"),
    "empty": ("empty.pdf", b"", "是空的"),
    "10 MB + 1": ("big.pdf", PDF + b"0" * (MAX_BYTES + 1 - len(PDF)), "超过10MB"),
    "PDF JavaScript": ("js.pdf", pdf_with(b"1 0 obj<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) "
                                          b">> >>endobj"), "含有脚本"),
    "PDF JavaScript, name escaped": ("js2.pdf", pdf_with(b"1 0 obj<< /OpenAction << /S /J#61vaScript /J#53 (x) >> "
                                                         b">>endobj"), "含有脚本"),
    "PDF Launch": ("launch.pdf", pdf_with(b"1 0 obj<< /OpenAction << /S /Launch /F (cmd.exe) >> >>endobj"),
                   "启动程序的动作"),
    "PDF embedded file": ("embed.pdf", pdf_with(b"1 0 obj<< /Names << /EmbeddedFiles 3 0 R >> >>endobj"),
                          "嵌入文件"),
    "PDF RichMedia": ("flash.pdf", pdf_with(b"4 0 obj<< /Subtype /RichMedia >>endobj"), "富媒体"),
    "PDF additional actions": ("aa.pdf", pdf_with(b"3 0 obj<< /Type /Page /AA << /O 6 0 R >> >>endobj"),
                               "自动执行的动作"),
    "PDF JavaScript in an object stream": ("objstm.pdf", pdf_with(object_stream(b"6 0 << /S /JavaScript /JS (x) >>")),
                                           "含有脚本"),
    "PDF object stream that cannot be read": ("broken.pdf", pdf_with(
        b"5 0 obj<< /Type /ObjStm /N 1 /First 4 >>stream\nnot deflated\nendstream\nendobj"), "无法检查"),
    "PNG bomb 100000 x 100000": ("bomb.png", png(100_000, 100_000), "图像尺寸过大"),
    "PNG 20001 wide": ("wide.png", png(20_001, 10), "图像尺寸过大"),
    "PNG 7000 x 7000 (49 megapixels)": ("square.png", png(7_000, 7_000), "图像尺寸过大"),
    "JPEG bomb 30000 x 30000": ("bomb.jpg", jpeg(30_000, 30_000), "图像尺寸过大"),
    "progressive JPEG bomb": ("bomb2.jpeg", jpeg(65_000, 65_000, frame=0xC2), "图像尺寸过大"),
}
ACCEPTED = {
    "PDF with an ordinary OpenAction": ("open.pdf", pdf_with(b"1 0 obj<< /Type /Catalog /OpenAction [3 0 R /Fit] "
                                                              b">>endobj"), "application/pdf"),
    "PDF with image bytes that look like names": ("scan.PDF", pdf_with(
        b"4 0 obj<< /Filter /DCTDecode /Length 12 >>stream\n/AA /JS /AA \nendstream\nendobj"), "application/pdf"),
    "PNG 6000 x 6000": ("photo.png", png(6_000, 6_000), "image/png"),
    "JPEG 4000 x 3000": ("photo.jpeg", jpeg(4_000, 3_000), "image/jpeg"),
}
#: a file part's Content-Disposition file name as sent on the wire → the name kept (shown to staff, offered on download)
HOSTILE_NAMES = {
    'filename="../../etc/passwd.pdf"': "passwd.pdf",
    'filename="..\\\\..\\\\windows\\\\x.png"': "x.png",
    'filename="/etc/passwd.pdf"': "passwd.pdf",
    'filename="C:\\\\Windows\\\\System32\\\\evil.png"': "evil.png",
    "filename*=UTF-8''..%2F..%2Fetc%2Fshadow.pdf": "shadow.pdf",
    'filename="shell.php\x00.png"': "shell.php.png",
    'filename="<img src=x onerror=alert(1)>.pdf"': "img src=x onerror=alert(1).pdf",
    'filename="invoice\u202egnp.pdf"': "invoicegnp.pdf",
    'filename="..."': "附件",
}
BOUNDARY = "security-test-boundary"


@pytest.fixture
def form(request, app, client, session, make_user, login):
    """The form under test, with a clerk logged in for the letter form."""
    app.config["FORM_RATE_LIMIT"] = "10000 per minute"
    if request.param == "letter":
        login(make_user("clerk"))
    return request.param


def submit(client, form: str, files: list[tuple[bytes, str]]):
    url, fields, field = FORMS[form]
    return client.post(url, data={**fields, field: [(io.BytesIO(data), name) for data, name in files],
                                  "csrf_token": csrf_token(client, url)})


def submit_raw(client, form: str, disposition: str, data: bytes):
    """Post the form with one file part whose file name parameter is written exactly as given."""
    url, fields, field = FORMS[form]
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in {**fields, "csrf_token": csrf_token(client, url)}.items()]
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; {disposition}\r\n'
                 f'Content-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
    return client.post(url, data=b"".join(parts) + f"--{BOUNDARY}--\r\n".encode(),
                       content_type=f"multipart/form-data; boundary={BOUNDARY}")


def field_error(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no error next to {field}"
    return match.group(1)


def stored(session) -> tuple[int, list[Attachment]]:
    session.rollback()
    return (session.scalar(select(func.count()).select_from(FeedbackItem)),
            list(session.scalars(select(Attachment).order_by(Attachment.id))))


def files_under(folder: Path) -> set[str]:
    return {p.name for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


@pytest.mark.parametrize("form", ["web", "letter"], indirect=True)
@pytest.mark.parametrize("case", REFUSED)
def test_refused_upload_stores_nothing_and_says_why(client, session, intake_settings, form, case):
    name, data, why = REFUSED[case]
    response = submit(client, form, [(data, name)])
    assert response.status_code == 422
    assert why in field_error(response.get_data(as_text=True), FORMS[form][2])
    assert stored(session) == (0, [])
    assert files_under(intake_settings.upload_dir) == set()


@pytest.mark.parametrize("form", ["web"], indirect=True)
@pytest.mark.parametrize("case", ACCEPTED)
def test_ordinary_files_are_accepted(client, session, form, case):
    name, data, content_type = ACCEPTED[case]
    assert submit(client, form, [(data, name)]).status_code == 200
    _, (attachment,) = stored(session)
    assert attachment.content_type == content_type and attachment.size == len(data)


@pytest.mark.parametrize("form", ["web", "letter"], indirect=True)
def test_six_files_are_too_many(client, session, intake_settings, form):
    response = submit(client, form, [(PDF, f"第{i}页.pdf") for i in range(6)])
    assert response.status_code == 422
    assert "最多上传5个附件" in field_error(response.get_data(as_text=True), FORMS[form][2])
    assert stored(session) == (0, [])
    assert files_under(intake_settings.upload_dir) == set()


@pytest.mark.parametrize("form", ["web", "letter"], indirect=True)
def test_hostile_names_are_stored_under_random_names_and_shown_cleaned(tmp_path, client, session, intake_settings,
                                                                       make_user, login, form):
    for disposition, kept in HOSTILE_NAMES.items():
        data = png(32, 32) if kept.endswith(".png") else PDF
        response = submit_raw(client, form, disposition, data)
        assert response.status_code == (422 if kept == "附件" else FORMS_DONE[form]), disposition
    _, attachments = stored(session)
    assert sorted(a.filename for a in attachments) == sorted(k for k in HOSTILE_NAMES.values() if k != "附件")
    for attachment in attachments:
        assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    assert files_under(intake_settings.upload_dir) == {a.stored_name for a in attachments}
    assert not files_under(tmp_path) & {"passwd.pdf", "shadow.pdf", "x.png", "evil.png"}, "a file kept its name"

    login(make_user("triager"))
    for attachment in attachments:
        page = client.get(f"/staff/items/{attachment.item.case_number}").get_data(as_text=True)
        assert "<img src=x" not in page and "\u202e" not in page
        download = client.get(f"/staff/attachments/{attachment.id}")
        assert download.status_code == 200 and download.mimetype == attachment.content_type
        disposition = download.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and not re.search(r"[/\\\x00]|\.\.", disposition)
        assert download.headers["X-Content-Type-Options"] == "nosniff"
