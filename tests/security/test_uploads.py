"""Uploads through the real forms over HTTP (the public opinion form and the clerk's letter form): content checked
against the name, size and count limits, active PDF content and image bombs refused, and hostile file names
stored under random names and shown cleaned."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from portal.models import Attachment, FeedbackItem
from portal.services.feedback.attachments import MAX_BYTES
from tests.upload_corpus import HOSTILE
from tests.samples import CATALOG, PAGE, image, jpeg_declaring, object_stream, pdf, png_declaring, stream

PDF = pdf()
WEB = {"kind": "suggestion", "content": "建议公开整改进度的更多细节。", "consent": "y"}
LETTER = {"kind": "report", "content": "来信反映整改措施没有落实到位，请核查。", "received_on": "2021-04-02"}
#: form → (its URL, its other fields, the name of its file field)
FORMS = {"web": ("/feedback", WEB, "attachments"), "letter": ("/staff/log/letter", LETTER, "scans")}
#: what each form answers when it stored the item: the confirmation page, or a redirect to it
FORMS_DONE = {"web": 303, "letter": 303}

pytestmark = pytest.mark.slow


def opening(action: bytes) -> bytes:
    """A one-page PDF whose catalog runs action when opened."""
    return pdf({1: CATALOG[:-2] + b"/OpenAction " + action + b" >>"})


REFUSED = {
    "PDF named .png": ("photo.png", PDF, "扩展名与内容不符"),
    "PNG named .pdf": ("scan.pdf", image("PNG", 64, 64), "扩展名与内容不符"),
    "PDF named .pdf.exe": ("scan.pdf.exe", PDF, "扩展名与内容不符"),
    "HTML named .pdf": ("page.pdf", b"<html><script>alert(1)</script></html>", "不是PDF、JPEG或PNG文件"),
    "SVG named .png": ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                       "不是PDF、JPEG或PNG文件"),
    "executable named .jpg": ("photo.jpg", b"MZ\x90\0\x03\0\0\0" + bytes(64), "不是PDF、JPEG或PNG文件"),
    "empty": ("empty.pdf", b"", "是空的"),
    "10 MB + 1": ("big.pdf", PDF + b"0" * (MAX_BYTES + 1 - len(PDF)), "超过10MB"),
    "PDF JavaScript": ("js.pdf", opening(b"<< /S /JavaScript /JS (app.alert(1)) >>"), "含有脚本"),
    "PDF JavaScript, name escaped": ("js2.pdf", opening(b"<< /S /J#61vaScript /J#53 (x) >>"), "含有脚本"),
    "PDF Launch": ("launch.pdf", opening(b"<< /S /Launch /F (cmd.exe) >>"), "启动程序的动作"),
    "PDF embedded file": ("embed.pdf", pdf({1: CATALOG[:-2] + b"/Names << /EmbeddedFiles 4 0 R >> >>",
                                            4: b"<< /Names [] >>"}), "嵌入文件"),
    "PDF RichMedia": ("flash.pdf", pdf({4: b"<< /Type /Annot /Subtype /RichMedia >>"}), "富媒体"),
    "PDF additional actions": ("aa.pdf", pdf({3: PAGE[:-2] + b"/AA << /O 4 0 R >> >>",
                                              4: b"<< /S /Named /N /Print >>"}), "自动执行的动作"),
    "PDF JavaScript in an object stream": ("objstm.pdf", pdf({4: object_stream({6: b"<< /S /JavaScript /JS (x) >>"})}),
                                           "含有脚本"),
    "PDF object stream that cannot be read": ("broken.pdf", pdf(
        {4: stream(b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", b"not deflated")}), "无法检查"),
    "PNG bomb 100000 x 100000": ("bomb.png", png_declaring(100_000, 100_000), "图像尺寸过大"),
    "PNG 20001 wide": ("wide.png", png_declaring(20_001, 10), "图像尺寸过大"),
    "PNG 7000 x 7000 (49 megapixels)": ("square.png", png_declaring(7_000, 7_000), "图像尺寸过大"),
    "JPEG bomb 30000 x 30000": ("bomb.jpg", jpeg_declaring(30_000, 30_000), "图像尺寸过大"),
    "progressive JPEG bomb": ("bomb2.jpeg", jpeg_declaring(65_000, 65_000, frame=0xC2), "图像尺寸过大"),
}
ACCEPTED = {
    "PDF with an ordinary OpenAction": ("open.pdf", opening(b"[3 0 R /Fit]"), "application/pdf"),
    "PDF with image bytes that look like names": ("scan.PDF", pdf(
        {3: PAGE[:-2] + b"/Resources << /XObject << /Im1 4 0 R >> >> >>",
         4: stream(b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
                   b"/BitsPerComponent 8 /Filter /DCTDecode", b"/AA /JS /AA ")}), "application/pdf"),
    "PNG 6000 x 6000": ("photo.png", image("PNG", 6_000, 6_000, mode="L"), "image/png"),
    "JPEG 4000 x 3000": ("photo.jpeg", image("JPEG", 4_000, 3_000), "image/jpeg"),
}
#: the probe's bypasses of the old byte scanner and a few of the hostile corpus, posted through the forms
PROBE = ["JavaScript after a string holding 'stream\\n'", "object stream opened with 'stream\\r'", "OpenAction URI",
         "OpenAction SubmitForm", "OpenAction GoToR to a UNC path", "XFA form with a script",
         "encrypted (empty user password)", "PNG with IHDR not first", "JPEG with junk after APP0, 30000 x 30000",
         "PNG/PDF polyglot (PDF in a text chunk)", "truncated"]
#: a file part's Content-Disposition file name as sent on the wire → the name kept (shown to staff, offered on download)
HOSTILE_NAMES = {
    'filename="../../etc/passwd.pdf"': "passwd.pdf",
    'filename="..\\\\..\\\\windows\\\\x.png"': "x.png",
    'filename="/etc/passwd.pdf"': "passwd.pdf",
    'filename="C:\\\\Windows\\\\System32\\\\evil.png"': "evil.png",
    "filename*=UTF-8''..%2F..%2Fetc%2Fshadow.pdf": "shadow.pdf",
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


@pytest.mark.parametrize("form", ["web", "letter"], indirect=True)
@pytest.mark.parametrize("case", PROBE)
def test_probe_file_is_refused_and_the_form_keeps_what_was_typed(client, session, intake_settings, form, case):
    name, data, why = HOSTILE[case]
    response = submit(client, form, [(image("JPEG", 64, 48), "照片.jpg"), (data, name)])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = field_error(html, FORMS[form][2])
    assert name in error and why in error
    assert f"{FORMS[form][1]['content']}</textarea>" in html
    assert stored(session) == (0, [])
    assert files_under(intake_settings.upload_dir) == set()


@pytest.mark.parametrize("form", ["web"], indirect=True)
@pytest.mark.parametrize("case", ACCEPTED)
def test_ordinary_files_are_accepted(client, session, form, case):
    name, data, content_type = ACCEPTED[case]
    assert submit(client, form, [(data, name)]).status_code == 303
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
        data = image("PNG", 32, 32) if kept.endswith(".png") else PDF
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


@pytest.mark.parametrize("form", ["web", "letter"], indirect=True)
def test_a_file_name_with_a_nul_byte_is_refused_whole(client, session, intake_settings, form):
    """Control characters in a request's file names are refused by the core (400) before any form is read."""
    response = submit_raw(client, form, 'filename="shell.php\x00.png"', image("PNG", 32, 32))
    assert response.status_code == 400
    assert stored(session) == (0, [])
    assert files_under(intake_settings.upload_dir) == set()
