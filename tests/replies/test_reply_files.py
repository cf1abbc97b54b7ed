"""答复附件: a department attaches PDFs and images to its draft (real parsers, size and count limits); the reviewer
sees them, the emailed answer carries them through the outbox, and no public page shows them."""
from __future__ import annotations

import email

import pytest
from flask import current_app
from sqlalchemy import select

from portal.models import AuditEvent, OutboxAttachment, OutboxMessage, ReplyAttachment
from portal.services.common import authz
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.attachments import Upload
from portal.services.feedback.intake import Contact
from portal.services.mail import send
from portal.services.replies import drafting, reply_files
from tests.samples import image, pdf

CLOCKS = ClockSettings()


@pytest.fixture
def upload_dir(app):
    from pathlib import Path
    return Path(app.config["UPLOAD_DIR"])


def draft(session, staff, handling, **fields):
    item, code = handling(**fields)
    return item, code, drafting.start_draft(session, staff.handler, item, "经核查，已整改，整改材料见附件。", CLOCKS)


def test_files_are_checked_stored_and_audited(session, staff, handling, upload_dir):
    item, _, reply = draft(session, staff, handling)
    added = reply_files.add(session, staff.handler, reply,
                            [Upload("整改通知.pdf", pdf()), Upload("现场.png", image("PNG", 40, 30))], upload_dir)
    assert [(f.filename, f.content_type) for f in added] == [("整改通知.pdf", "application/pdf"),
                                                              ("现场.png", "image/png")]
    assert all((upload_dir / f.stored_name).read_bytes() for f in added)
    assert session.scalar(select(AuditEvent.details).where(AuditEvent.action == "reply.attach"))["attachments"] == 2


@pytest.mark.parametrize(("upload", "says"), [
    (Upload("假的.pdf", b"not a pdf at all"), "不是PDF、JPEG或PNG"),
    (Upload("改名.jpg", pdf()), "扩展名与内容不符"),
    (Upload("空.pdf", b""), "是空的"),
])
def test_bad_files_are_refused_and_nothing_is_stored(session, staff, handling, upload_dir, upload, says):
    _, _, reply = draft(session, staff, handling)
    with pytest.raises(reply_files.ReplyFileError, match=says):
        reply_files.add(session, staff.handler, reply, [Upload("好的.pdf", pdf()), upload], upload_dir)
    assert session.scalars(select(ReplyAttachment)).all() == []


def test_at_most_five_files_and_only_while_the_draft_may_change(session, staff, handling, upload_dir):
    _, _, reply = draft(session, staff, handling)
    reply_files.add(session, staff.handler, reply, [Upload(f"{n}.pdf", pdf()) for n in range(4)], upload_dir)
    with pytest.raises(reply_files.ReplyFileError, match="最多5个"):
        reply_files.add(session, staff.handler, reply, [Upload("5.pdf", pdf()), Upload("6.pdf", pdf())], upload_dir)
    drafting.submit(session, staff.handler, reply)
    with pytest.raises(reply_files.ReplyFileError, match="草稿或被退回"):
        reply_files.add(session, staff.handler, reply, [Upload("晚了.pdf", pdf())], upload_dir)
    with pytest.raises(authz.PermissionDenied):
        reply_files.add(session, staff.outsider, reply, [Upload("越权.pdf", pdf())], upload_dir)


def test_removing_needs_the_confirmation_and_deletes_the_file(session, staff, handling, upload_dir):
    _, _, reply = draft(session, staff, handling)
    (added,) = reply_files.add(session, staff.handler, reply, [Upload("多余.pdf", pdf())], upload_dir)
    with pytest.raises(reply_files.ReplyFileError, match="确认"):
        reply_files.remove(session, staff.handler, reply, added.id, False, upload_dir)
    stored = upload_dir / added.stored_name
    reply_files.remove(session, staff.handler, reply, added.id, True, upload_dir)
    assert session.scalars(select(ReplyAttachment)).all() == [] and not stored.exists()


def test_the_emailed_answer_carries_the_files(session, staff, handling, upload_dir):
    item, _, reply = draft(session, staff, handling, contact=Contact(email="zhangsan@163.com"), wants_reply=True)
    reply_files.add(session, staff.handler, reply, [Upload("整改通知.pdf", pdf())], upload_dir)
    drafting.submit(session, staff.handler, reply)
    drafting.approve(session, staff.research, reply, drafting.ReplySettings.from_config(current_app.config), True)
    message = session.scalars(select(OutboxMessage)).one()
    assert [(a.filename, a.data) for a in session.scalars(select(OutboxAttachment))] == [("整改通知.pdf", pdf())]
    send.Mailer(current_app._get_current_object())  # registers Flask-Mail, as the sender does when it starts
    sent = email.message_from_bytes(send.as_email(message, send.SendSettings.from_config(current_app.config),
                                                  message.created_at).as_bytes())
    parts = [p for p in sent.walk() if p.get_filename()]
    assert [(p.get_filename(), p.get_content_type(), p.get_payload(decode=True)) for p in parts] == [
        ("整改通知.pdf", "application/pdf", pdf())]


def test_reviewer_sees_the_files_the_public_never_does(session, client, post_form, login, staff, handling,
                                                       upload_dir):
    item, code, reply = draft(session, staff, handling)
    reply_url = f"/staff/items/{item.case_number}/replies/{reply.id}"
    login(staff.handler)
    response = client.post(reply_url + "/files", data={
        "csrf_token": _token(client, reply_url), "files": [(_stream(pdf()), "整改通知书.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    bad = client.post(reply_url + "/files", data={
        "csrf_token": _token(client, reply_url), "files": [(_stream(b"MZ\x90\x00"), "病毒.pdf")]},
        content_type="multipart/form-data")
    assert bad.status_code == 422 and 'id="files-error"' in bad.get_data(as_text=True)
    post_form(reply_url + "/edit", {"text": "经核查，已整改，整改材料见附件。", "then": "submit"}, page=reply_url)
    (file,) = session.scalars(select(ReplyAttachment)).all()
    login(staff.research)
    page = client.get(reply_url).get_data(as_text=True)
    assert f'href="/staff/reply-files/{file.id}"' in page and "整改通知书.pdf" in page
    download = client.get(f"/staff/reply-files/{file.id}")
    assert download.status_code == 200 and download.data == pdf()
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    post_form(reply_url + "/approve", {"confirm": "1"}, page=reply_url)
    login(staff.outsider)
    assert client.get(f"/staff/reply-files/{file.id}").status_code == 404
    client.get("/staff/logout")
    looked_up = post_form("/lookup", {"case_number": item.case_number, "code": code}, page="/lookup",
                          follow_redirects=True)
    assert "经核查，已整改" in looked_up.get_data(as_text=True)
    public = looked_up.get_data(as_text=True)
    assert "整改通知书" not in public and "reply-files" not in public


def _stream(data: bytes):
    from io import BytesIO
    return BytesIO(data)


def _token(client, page: str) -> str:
    from tests.conftest import csrf_token
    return csrf_token(client, page)
