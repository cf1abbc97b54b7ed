"""Privacy purge: personal data of cases closed longer ago than PRIVACY_RETENTION_YEARS is anonymised, once."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.models import Attachment, AuditEvent, FeedbackItem, FollowUp, InboundMessage, OutboxMessage
from portal.services.mail import outbox
from portal.services.feedback import workflow
from portal.services.feedback.attachments import Upload, path_of
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.intake import Contact
from portal.services.feedback.retention import ANONYMISED_ADDRESS, purge, remove_files, retention_cutoff
from tests.samples import pdf

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CUTOFF = retention_cutoff(NOW, 3)
PDF = pdf()
EMAIL = "zhang.san@example.org"
CONTACT = dict(name="张三", phone="13812341762", email=EMAIL, address="兰州市东郊巷26号")
CLOSE = {"reject": {"reason": "不属于受理范围"}, "transfer": {"transferred_to": "兰州市总工会"}, "spam": {}}


@pytest.fixture
def case(app, session, new_item, make_user):
    """case(closed_at, action="reject") → an emailed item with contact, attachment, raw mail and an acknowledgement."""
    triager = make_user("triager")

    def make(closed_at: datetime | None, action: str = "reject") -> FeedbackItem:
        received = (closed_at or NOW - timedelta(days=2000)) - timedelta(days=10)
        item, _ = new_item(channel="email", contact=Contact(**CONTACT), received_at=received,
                           uploads=[Upload("证明.pdf", PDF + f"%{received.isoformat()}\n".encode())])
        session.add(InboundMessage(message_id=f"<{item.case_number}@mail.example.org>", source="pipe",
                                   raw=f"From: {EMAIL}\r\n\r\n我是张三".encode(), sha256="0" * 64, from_address=EMAIL,
                                   subject="意见", outcome="item", item_id=item.id, received_at=received))
        outbox.enqueue(session, outbox.MailSettings.from_config(app.config), to=EMAIL, subject="您的意见已收到",
                       text="您好", kind="ack", item=item)
        if closed_at is not None:
            workflow.apply(session, item, action, triager, ClockSettings(), now=closed_at, **CLOSE[action])
        session.flush()
        return item
    return make


def personal_data(session, item: FeedbackItem, upload_dir: Path) -> dict:
    """Everything personal the portal holds about an item, read fresh from the database and the disk."""
    session.expire_all()
    inbound = session.scalar(select(InboundMessage).where(InboundMessage.item_id == item.id))
    attachment = session.scalar(select(Attachment).where(Attachment.item_id == item.id))
    contact = item.contact
    return {"contact": (contact.name, contact.phone, contact.email, contact.address),
            "anonymised": contact.anonymised_at is not None,
            "raw": inbound.raw, "from": inbound.from_address,
            "to": session.scalar(select(OutboxMessage.to_address).where(OutboxMessage.item_id == item.id)),
            "attachment": (attachment.filename, attachment.size, attachment.stored_name.startswith("purged-")),
            "file": path_of(attachment, upload_dir).is_file()}


def untouched(session, item, upload_dir) -> bool:
    data = personal_data(session, item, upload_dir)
    return (data["contact"] == tuple(CONTACT.values()) and not data["anonymised"] and data["from"] == EMAIL
            and EMAIL.encode() in data["raw"] and data["to"] == EMAIL and data["file"]
            and not data["attachment"][2])


def purge_events(session) -> list[AuditEvent]:
    return session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.purge")).all()


def test_a_case_closed_three_years_and_a_day_ago_is_anonymised_but_not_its_record(session, case, upload_dir):
    old = case(CUTOFF - timedelta(days=1))
    file = path_of(old.attachments[0], upload_dir)
    result = purge(session, retention_years=3, upload_dir=upload_dir, now=NOW)
    session.commit()
    assert remove_files(result.files) == 1 and not file.exists()

    data = personal_data(session, old, upload_dir)
    assert data["contact"] == (None, None, None, None) and old.contact.anonymised_at == NOW
    assert (data["raw"], data["from"], data["to"]) == (b"", None, ANONYMISED_ADDRESS)
    attachment = old.attachments[0]
    assert (attachment.filename, attachment.size, attachment.stored_name) == ("证明.pdf", 0, f"purged-{attachment.id}")
    assert old.content == "建议加快整改进度，公开更多细节。" and old.state == "not_accepted"
    assert old.case_number and old.decision_reason == "不属于受理范围"


def test_a_case_closed_a_day_short_of_three_years_and_an_open_one_are_kept(session, case, upload_dir):
    recent, still_open = case(CUTOFF + timedelta(days=1)), case(None)
    result = purge(session, retention_years=3, upload_dir=upload_dir, now=NOW)
    session.commit()
    assert (result.items, result.files) == (0, [])
    assert untouched(session, recent, upload_dir) and untouched(session, still_open, upload_dir)


@pytest.mark.parametrize("action", ["transfer", "spam"])
def test_transferred_and_spam_cases_are_purged_too(session, case, upload_dir, action):
    item = case(CUTOFF - timedelta(days=1), action)
    assert purge(session, retention_years=3, upload_dir=upload_dir, now=NOW).items == 1
    assert personal_data(session, item, upload_dir)["anonymised"]


def test_dry_run_counts_and_changes_nothing(session, case, upload_dir):
    old, _ = case(CUTOFF - timedelta(days=1)), case(CUTOFF + timedelta(days=1))
    result = purge(session, retention_years=3, upload_dir=upload_dir, now=NOW, dry_run=True)
    session.commit()
    assert result.counts() == {"items": 1, "contacts": 1, "inbound_messages": 1, "outbox_messages": 1,
                               "attachments": 1}
    assert result.files == []
    assert untouched(session, old, upload_dir) and purge_events(session) == []


def test_the_audit_event_holds_counts_only(session, case, upload_dir):
    case(CUTOFF - timedelta(days=1))
    case(CUTOFF - timedelta(days=400))
    purge(session, retention_years=3, upload_dir=upload_dir, now=NOW)
    session.commit()
    [event] = purge_events(session)
    assert event.details == {"retention_years": 3, "closed_before": "2023-06-01", "items": 2, "contacts": 2,
                             "inbound_messages": 2, "outbox_messages": 2, "attachments": 2}
    assert (event.actor_id, event.item_id, event.actor_label) == (None, None, "运维命令 flask privacy purge")
    recorded = json.dumps(event.details, ensure_ascii=False)
    assert all(value not in recorded for value in (*CONTACT.values(), "证明.pdf"))


def test_running_twice_is_harmless(session, case, upload_dir):
    old = case(CUTOFF - timedelta(days=1))
    remove_files(purge(session, retention_years=3, upload_dir=upload_dir, now=NOW).files)
    session.commit()
    later = NOW + timedelta(days=1)
    second = purge(session, retention_years=3, upload_dir=upload_dir, now=later)
    session.commit()
    assert second.counts() == dict.fromkeys(second.counts(), 0) and second.files == []
    assert old.contact.anonymised_at == NOW
    assert [event.details["items"] for event in purge_events(session)] == [1, 0]


def test_follow_up_mail_and_old_mail_that_never_became_a_case_are_purged(session, case, upload_dir):
    old = case(CUTOFF - timedelta(days=1))
    follow_up = InboundMessage(message_id="<re-1@mail.example.org>", source="imap", raw=b"From: zhang", sha256="1" * 64,
                               from_address=EMAIL, outcome="follow_up", received_at=CUTOFF - timedelta(days=5))
    stray_old, stray_new = (InboundMessage(message_id=f"<bounce-{n}@mail.example.org>", source="imap", raw=b"bounce",
                                           sha256=str(n) * 64, from_address="mailer@example.net", outcome="ignored",
                                           received_at=when)
                            for n, when in ((2, CUTOFF - timedelta(days=1)), (3, CUTOFF + timedelta(days=1))))
    session.add_all([follow_up, stray_old, stray_new])
    session.flush()
    session.add(FollowUp(item_id=old.id, inbound_id=follow_up.id, text="补充材料"))
    result = purge(session, retention_years=3, upload_dir=upload_dir, now=NOW)
    assert (result.items, result.inbound_messages) == (1, 3)
    session.expire_all()
    assert (follow_up.raw, follow_up.from_address, stray_old.raw, stray_old.from_address) == (b"", None, b"", None)
    assert (stray_new.raw, stray_new.from_address) == (b"bounce", "mailer@example.net")


def test_retention_cutoff_falls_back_from_29_february():
    assert retention_cutoff(datetime(2028, 2, 29, tzinfo=UTC), 3) == datetime(2025, 2, 28, tzinfo=UTC)


def test_cli_dry_run_then_purge(runner, session, case, upload_dir):
    old = case(datetime.now(UTC) - timedelta(days=3 * 366 + 1))
    session.commit()
    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "将涉及 1 件：联系方式 1 条，原始邮件 1 封，发件地址 1 封，附件 1 个。" in dry.output
    assert "试运行：没有做任何修改。" in dry.output
    assert untouched(session, old, upload_dir)

    real = runner.invoke(args=["privacy", "purge"])
    assert real.exit_code == 0, real.output
    assert "已处理 1 件" in real.output and "已删除附件文件 1 个。" in real.output
    assert personal_data(session, old, upload_dir)["contact"] == (None, None, None, None)
