"""Reading the research office's mailbox by IMAP: unseen messages in bounded batches, marked seen only once stored."""
from __future__ import annotations

import imaplib
import ssl
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage
from imap_tools.errors import ImapToolsError

from portal.services.common.errors import ServiceError

#: what a failed connection, login or command raises; the next run picks up where this one stopped
IMAP_ERRORS = (imaplib.IMAP4.error, OSError, ImapToolsError)
SECURITY = ("ssl", "starttls", "none")


class ImapConfigError(ServiceError):
    """The IMAP settings cannot work (message in Chinese, for the operator)."""


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    security: str
    user: str
    password: str
    folder: str
    processed_folder: str
    batch: int
    timeout: float = 60

    @classmethod
    def from_config(cls, config) -> ImapSettings:
        settings = cls(config["IMAP_HOST"], int(config["IMAP_PORT"]), str(config["IMAP_SECURITY"]).lower(),
                       config["IMAP_USER"], config["IMAP_PASSWORD"], config["IMAP_FOLDER"] or "INBOX",
                       config.get("IMAP_PROCESSED_FOLDER") or "", max(int(config["IMAP_BATCH"]), 1))
        if not settings.host:
            raise ImapConfigError("未配置 IMAP_HOST，无法收取邮件。")
        if settings.security not in SECURITY:
            raise ImapConfigError(f"IMAP_SECURITY 须为 {'、'.join(SECURITY)} 之一（现为“{settings.security}”）。")
        return settings


class RawMessage(MailMessage):
    """A fetched message kept as the exact bytes the server holds (parsed later by portal.services.mail.parse)."""

    def __init__(self, fetch_data: list) -> None:
        self.raw, self._raw_uid_data, self._raw_flag_data = self._get_message_data_parts(fetch_data)


def connect(settings: ImapSettings) -> BaseMailBox:
    """Log in, say who we are when the server asks (ID), select the folder; TLS certificates are verified."""
    if settings.security == "ssl":
        mailbox: BaseMailBox = MailBox(settings.host, settings.port, timeout=settings.timeout,
                                       ssl_context=ssl.create_default_context())
    elif settings.security == "starttls":
        mailbox = MailBoxStartTls(settings.host, settings.port, timeout=settings.timeout,
                                  ssl_context=ssl.create_default_context())
    else:
        mailbox = MailBoxUnencrypted(settings.host, settings.port, timeout=settings.timeout)
    mailbox.email_message_class = RawMessage
    mailbox.login(settings.user, settings.password, initial_folder=None)
    if "ID" in mailbox.client.capabilities:
        # NetEase (163.com, the office's mailbox) refuses SELECT until the client names itself (RFC 2971 ID)
        mailbox.client.xatom("ID", '("name" "zhenggai-portal" "version" "1")')
    mailbox.folder.set(settings.folder)
    if settings.processed_folder and not mailbox.folder.exists(settings.processed_folder):
        mailbox.folder.create(settings.processed_folder)
    return mailbox


def fetch(settings: ImapSettings, handle: Callable[[list[bytes]], list[str]]) -> Iterator[Counter]:
    """Yield the outcomes of each batch of unseen messages; handle(raws) stores a batch, commits and returns each
    message's outcome (or raises).

    The folder is searched once for unseen messages, which are then fetched in batches (a search costs the server
    a pass over the folder, too much to repeat per batch), and searched again for mail that arrived meanwhile.
    A batch is marked seen (or moved) only after handle returned, so a dropped connection or a database
    failure leaves it unseen and the next run reads it again; the stored Message-ID makes that a duplicate.
    Flag changes by another session arrive as untagged FETCH responses without a body: they are skipped.
    """
    with connect(settings) as mailbox:
        while unseen := mailbox.uids(AND(seen=False)):
            progressed = False
            for start in range(0, len(unseen), settings.batch):
                uids = unseen[start:start + settings.batch]
                fetched: dict[str, bytes] = {}
                for message in mailbox.fetch(uid_list=uids, mark_seen=False, bulk=True):
                    if isinstance(message, RawMessage) and message.raw and message.uid in uids:
                        fetched.setdefault(message.uid, message.raw)
                if fetched:
                    counts = Counter(handle(list(fetched.values())))
                    _processed(mailbox, list(fetched), settings)
                    progressed = True
                    yield counts
            if not progressed:
                return


def _processed(mailbox: BaseMailBox, uids: list[str], settings: ImapSettings) -> None:
    """Move the stored messages away, or flag them \\Seen (without expunging anyone else's deleted mail)."""
    if settings.processed_folder:
        mailbox.move(uids, settings.processed_folder)
        return
    result = mailbox.client.uid("STORE", ",".join(uids), "+FLAGS.SILENT", r"(\Seen)")
    if result[0] != "OK":
        raise imaplib.IMAP4.error(f"STORE failed: {result!r}")
