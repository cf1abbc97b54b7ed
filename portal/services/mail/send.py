"""Sending the outbox: claim one due message per transaction, send it by SMTP, retry on the schedule, or fail."""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.charset import BASE64, Charset
from email.mime.text import MIMEText

from flask import Flask
from flask_mail import BadHeaderError, Connection, Mail, Message
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from portal.models import FeedbackItem, OutboxAttachment, OutboxMessage, User
from portal.models.mail import DELIVERED, PENDING, SENDING_FAILED
from portal.services.common import addresses, audit
from portal.services.common.privacy import mask_email

ACK_BODY_CLEARED = "（受理回执已发送；正文含查询码，发送后不再保存。）"
UNSAFE_RECIPIENT = "收件地址不是单个有效的电子邮箱地址，不予发送。"

#: longest last_error kept: enough for the server's reply, short enough for a table cell
ERROR_CHARS = 300
#: errors that concern one message: the next one may still go through on the same connection
MESSAGE_ERRORS = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused, smtplib.SMTPNotSupportedError,
                  BadHeaderError, ValueError)
#: how long a claimed message is left to its worker on SQLite; a worker killed while sending leaves it this long
SQLITE_CLAIM_LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class SendSettings:
    """What the sender needs from config: the From address and the seconds to wait before each retry."""

    sender: str | tuple[str, str]
    retry_schedule: tuple[int, ...]

    @classmethod
    def from_config(cls, config) -> SendSettings:
        sender = config["MAIL_DEFAULT_SENDER"]
        return cls(tuple(sender) if isinstance(sender, list) else sender,
                   tuple(int(s) for s in config["OUTBOX_RETRY_SCHEDULE"]))


@dataclass
class BatchResult:
    """How one batch went: sent, to be retried later, failed for good."""

    sent: int = 0
    retry: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retry + self.failed

    def count(self, status: str) -> None:
        if status == DELIVERED:
            self.sent += 1
        elif status == SENDING_FAILED:
            self.failed += 1
        else:
            self.retry += 1


class _Utf8Message(Message):
    """Flask-Mail's message with UTF-8 bodies in base64: Flask-Mail writes raw 8-bit, which not every server takes."""

    def _mimetext(self, text: str | None, subtype: str = "plain") -> MIMEText:
        charset = Charset("utf-8")
        charset.body_encoding = BASE64
        return MIMEText(text or "", subtype, charset)  # type: ignore[arg-type]  # typeshed: str only; email takes a Charset


class _Connection(Connection):
    """Flask-Mail's SMTP connection with MAIL_TIMEOUT, verified TLS and no debug transcript (it would log the mail)."""

    def __init__(self, mail, timeout: float) -> None:
        super().__init__(mail)
        self.timeout = timeout

    def configure_host(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        host: smtplib.SMTP
        if self.mail.use_ssl:
            host = smtplib.SMTP_SSL(self.mail.server, self.mail.port, timeout=self.timeout, context=context)
        else:
            host = smtplib.SMTP(self.mail.server, self.mail.port, timeout=self.timeout)
        if self.mail.use_tls:
            host.starttls(context=context)
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


class Mailer:
    """Flask-Mail set up from the app's MAIL_* settings when the sender starts (its Message needs it registered)."""

    def __init__(self, app: Flask) -> None:
        self.state = Mail(app).state
        self.timeout = float(app.config["MAIL_TIMEOUT"])

    def connect(self) -> _Connection:
        return _Connection(self.state, self.timeout)


class _Link:
    """The batch's SMTP connection: opened on first use, dropped when it breaks, closed at the end."""

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer
        self.connection: _Connection | None = None

    def open(self) -> _Connection:
        if self.connection is None:
            self.connection = self.mailer.connect().__enter__()
        return self.connection

    def send(self, message: Message) -> None:
        self.open().send(message)

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None and connection.host is not None:
            try:
                connection.host.quit()
            except (smtplib.SMTPException, OSError):
                connection.host.close()


def send_due(session_factory: Callable[[], Session], mailer: Mailer, settings: SendSettings, now: datetime,
             batch: int, stop: Callable[[], bool] = lambda: False) -> BatchResult:
    """Send up to batch messages due at now, each claimed, sent and marked in a transaction of its own."""
    result = BatchResult()
    link = _Link(mailer)
    with session_factory() as session:
        try:
            while result.attempted < batch and not stop():
                message = claim_next(session, now)
                if message is None:
                    break
                server_down = _attempt(link, message, settings, now)
                status = message.status
                session.commit()
                result.count(status)
                if server_down:
                    break
        finally:
            session.rollback()  # release an empty claim's lock before QUIT, which waits on the server
            link.close()
    return result


def claim_next(session: Session, now: datetime) -> OutboxMessage | None:
    """The next due message, claimed: row-locked until the outcome is committed (PostgreSQL), or leased (SQLite)."""
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # no row locks in SQLite: take the database write lock before reading, so no two workers read the same row
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    query = (select(OutboxMessage).where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1).with_for_update(skip_locked=True)
             .execution_options(populate_existing=True))
    message = session.scalars(query).first()
    if message is not None and sqlite:
        # and let go of it at once: held while talking to SMTP, it would stall every other writer of the portal
        message.next_attempt_at = now + SQLITE_CLAIM_LEASE
        session.commit()
    return message


def _attempt(link: _Link, message: OutboxMessage, settings: SendSettings, now: datetime) -> bool:
    """Send message and record the outcome on it; True when the server could not be reached or logged in to.

    A recipient that is not one bare valid address (a row from before addresses were checked, or written by hand)
    fails at once: the mail library would read a display name or a list in it and send somewhere else.
    """
    if not addresses.is_bare(message.to_address):
        message.attempts += 1
        message.status = SENDING_FAILED
        message.last_error = UNSAFE_RECIPIENT
        return False
    try:
        link.open()
    except OSError as exc:
        _record_failure(message, exc, settings, now)
        return True
    try:
        link.send(as_email(message, settings, now))
    except MESSAGE_ERRORS as exc:
        _record_failure(message, exc, settings, now)
        return False
    except OSError as exc:
        link.close()
        _record_failure(message, exc, settings, now)
        return True
    message.status = DELIVERED
    message.sent_at = now
    if message.kind == "ack":
        # the query code is otherwise stored only hashed: do not keep it in the sent acknowledgement
        message.body_text = ACK_BODY_CLEARED
        message.body_html = None
    return False


def as_email(message: OutboxMessage, settings: SendSettings, now: datetime) -> Message:
    """The Flask-Mail message for an outbox row: its own signed Message-ID, threading and automatic-mail headers."""
    headers = dict(message.headers or {})
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
        headers["References"] = message.in_reply_to
    email = _Utf8Message(subject=message.subject, recipients=[message.to_address], body=message.body_text,
                         html=message.body_html, sender=settings.sender, date=now.timestamp(), charset="utf-8",
                         extra_headers=headers)
    # Flask-Mail writes Message-ID from msgId and would add a second one if it were an extra header
    email.msgId = message.message_id
    session = object_session(message)
    if session is not None:
        for file in session.scalars(select(OutboxAttachment).where(OutboxAttachment.message_id == message.id)
                                    .order_by(OutboxAttachment.id)):
            email.attach(file.filename, file.content_type, file.data)
    return email


def _record_failure(message: OutboxMessage, exc: Exception, settings: SendSettings, now: datetime) -> None:
    """One more failed attempt: wait the next delay of the schedule, or give up when it is used up."""
    message.attempts += 1
    message.last_error = describe_error(exc)
    if message.attempts > len(settings.retry_schedule):
        message.status = SENDING_FAILED
    else:
        message.next_attempt_at = now + timedelta(seconds=settings.retry_schedule[message.attempts - 1])


def describe_error(exc: Exception) -> str:
    """What went wrong, for the staff outbox page: the server's reply or the network error, never the message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()), (0, b""))
        text = f"收件人被拒绝：{code} {_text(reply)}"
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"SMTP 服务器拒绝：{exc.smtp_code} {_text(exc.smtp_error)}"
    elif isinstance(exc, (BadHeaderError, ValueError)):
        text = f"邮件无法生成：{type(exc).__name__}"
    elif isinstance(exc, smtplib.SMTPException):
        text = f"SMTP 错误：{type(exc).__name__} {exc}"
    else:
        text = f"无法连接 SMTP 服务器：{type(exc).__name__} {exc}"
    return " ".join(text.split())[:ERROR_CHARS]


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


@dataclass(frozen=True)
class OutboxRow:
    """A message on the staff outbox page: its address masked, its case number for the link."""

    message: OutboxMessage
    to_masked: str
    case_number: str | None


def undelivered(session: Session, page: int, page_size: int) -> tuple[list[OutboxRow], dict[str, int]]:
    """Failed messages first, then pending ones by when they are due; with the count of each status."""
    failed_first = (OutboxMessage.status != SENDING_FAILED)
    query = (select(OutboxMessage, FeedbackItem.case_number)
             .outerjoin(FeedbackItem, FeedbackItem.id == OutboxMessage.item_id)
             .where(OutboxMessage.status.in_((PENDING, SENDING_FAILED)))
             .order_by(failed_first, OutboxMessage.next_attempt_at, OutboxMessage.id)
             .limit(page_size).offset((max(page, 1) - 1) * page_size))
    counts: dict[str, int] = {status: count for status, count in session.execute(
        select(OutboxMessage.status, func.count()).where(OutboxMessage.status.in_((PENDING, SENDING_FAILED)))
        .group_by(OutboxMessage.status))}
    rows = [OutboxRow(message, mask_email(message.to_address), case_number)
            for message, case_number in session.execute(query)]
    return rows, {PENDING: counts.get(PENDING, 0), SENDING_FAILED: counts.get(SENDING_FAILED, 0)}


def retry_now(session: Session, message_id: int, actor: User, now: datetime) -> OutboxMessage | None:
    """Put a failed message back in the queue, due now, and audit it; None when there is no such failed message."""
    message = session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None or message.status != SENDING_FAILED:
        return None
    message.status = PENDING
    message.next_attempt_at = now
    audit.record(session, actor, "outbox.retry", "outbox_message", message.id, item_id=message.item_id,
                 attempts=message.attempts)
    session.flush()
    return message
