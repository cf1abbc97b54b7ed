"""The staff item page shows what e-mail brought later: follow-ups, refused attachments, files the purge deleted."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.mail import corpus
from portal.models import OutboxMessage
from portal.services.feedback import workflow
from portal.services.feedback.attachments import Upload
from portal.services.common.clocks import ClockSettings
from portal.services.mail.ingest import IngestSettings, ingest
from portal.services.feedback.retention import purge, remove_files
from tests.samples import pdf

PDF = pdf()


def test_follow_up_mails_and_refused_attachments_are_on_the_item_page(app, session, client, login, make_user):
    settings = IngestSettings.from_config(app.config)
    item = ingest(session, corpus.refused_attachments(), "pipe", settings).item
    ack = session.scalar(select(OutboxMessage).where(OutboxMessage.item_id == item.id))
    assert ingest(session, corpus.reply_to(ack.message_id, item.case_number), "pipe", settings).outcome == "follow_up"
    login(make_user("triager"))
    html = client.get(f"/staff/items/{item.case_number}").get_data(as_text=True)
    history = html.split('id="history"')[1]
    assert "群众补充材料" in history and "补充一下：整改台账第35项至今没有公开。" in history
    files = html.split('id="attachments"')[1].split("</section>")[0]
    assert "未收的邮件附件" in files and "“材料.doc”不是PDF、JPEG或PNG文件" in files


def test_an_attachment_the_purge_deleted_has_no_download_link(app, session, client, login, make_user, new_item,
                                                               intake_settings):
    triager = make_user("triager")
    closed = datetime.now(UTC) - timedelta(days=4 * 366)
    item, _ = new_item(uploads=[Upload("证明.pdf", PDF)], received_at=closed - timedelta(days=10))
    workflow.apply(session, item, "reject", triager, ClockSettings(), now=closed, reason="不属于受理范围")
    result = purge(session, retention_years=3, upload_dir=intake_settings.upload_dir)
    session.commit()
    assert remove_files(result.files) == 1
    attachment = item.attachments[0]
    login(triager)
    files = client.get(f"/staff/items/{item.case_number}").get_data(as_text=True).split('id="attachments"')[1]
    assert "证明.pdf" in files and "已按保存期限删除" in files
    assert f"/staff/attachments/{attachment.id}" not in files
    assert client.get(f"/staff/attachments/{attachment.id}").status_code == 404
