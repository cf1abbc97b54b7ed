"""flask mail ingest (one raw message from the MTA pipe) and flask mail fetch (the mailbox by IMAP).

The mail services (and the models) load when a message is taken in, not for `flask mail ingest --help`.
"""
from __future__ import annotations

import sys
import time
import traceback
from typing import TYPE_CHECKING, BinaryIO, NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .. import db
from ..labels import MAIL_OUTCOMES, chinese

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..services.mail.imap import ImapSettings
    from ..services.mail.ingest import IngestResult, IngestSettings

#: sysexits.h EX_TEMPFAIL: the MTA keeps the message and delivers it again later
EX_TEMPFAIL = 75
#: the database cannot be reached or refused the transaction (connect, statement or commit; pool exhausted)
DATABASE_ERRORS = (DBAPIError, PoolTimeout)


def receive(session: Session, raw: bytes, source: str, settings: IngestSettings) -> IngestResult:
    """Ingest one message in its own transaction and commit it (a copy stored concurrently makes it a duplicate)."""
    from ..services.mail import ingest as mail_ingest

    try:
        result = mail_ingest.ingest(session, raw, source, settings)
        session.commit()
    except BaseException:
        _forget(session)
        raise
    return result


def _forget(session: Session) -> None:
    """Roll back, and drop every object of the session: a raw message is attached as already stored (ingest's
    _keep), so the rollback would leave it in the session, where a later message given the same id (SQLite reuses
    it) could not be attached."""
    session.rollback()
    session.expunge_all()


def receive_batch(session: Session, raws: list[bytes], source: str, settings: IngestSettings
                  ) -> list[IngestResult | Exception]:
    """Ingest several messages in one transaction: one commit and one public-version bump for all of them.

    When any of them fails, the whole transaction is rolled back and each message is taken again in a transaction
    of its own (receive), so a bad message costs only itself: the list holds its exception, the others their
    results. Nothing in the list is true before the commit that stored it.
    """
    from ..services.mail import ingest as mail_ingest

    try:
        results: list[IngestResult | Exception] = [*mail_ingest.ingest_many(session, raws, source, settings)]
        session.commit()
        return results
    except BaseException as exc:
        _forget(session)
        if not isinstance(exc, Exception):
            raise
        if len(raws) == 1:
            return [exc]
    alone: list[IngestResult | Exception] = []
    for raw in raws:
        try:
            alone.append(receive(session, raw, source, settings))
        except Exception as exc:  # noqa: BLE001 - reported in the list for this message alone
            alone.append(exc)
    return alone


def _tempfail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(EX_TEMPFAIL)


@click.command("ingest")
@with_appcontext
@click.argument("source", type=click.File("rb"), default="-")
def ingest(source: BinaryIO) -> None:
    """读入一封原始邮件（文件或标准输入，供 MTA 管道投递）；数据库不可用时退出码为 75。"""
    from ..services.mail.ingest import IngestSettings

    settings = IngestSettings.from_config(current_app.config)
    raw = source.read()
    try:
        result = receive(db.session(), raw, "pipe", settings)
    except DATABASE_ERRORS as exc:
        _tempfail(f"数据库暂时不可用，邮件未处理，MTA 稍后重新投递：{type(exc).__name__}")
    except Exception:  # noqa: BLE001 - any other exit status would make the MTA bounce the citizen's mail
        _tempfail(f"{traceback.format_exc()}处理邮件时出错，邮件未处理，MTA 稍后重新投递。")
    detail = f"，{result.item.case_number}" if result.item is not None else ""
    reason = f"：{result.inbound.reason}" if result.inbound is not None and result.inbound.reason else ""
    click.echo(f"{chinese('mail_outcome', result.outcome)}{detail}（{result.message_id}）{reason}")


@click.command("fetch")
@with_appcontext
@click.option("--loop", is_flag=True, help="持续收取，每隔 --interval 秒检查一次，直到中断。")
@click.option("--interval", type=click.IntRange(min=1), default=60, show_default=True, help="两次检查之间的秒数。")
def fetch(loop: bool, interval: int) -> None:
    """从 IMAP 邮箱收取未读邮件，分批入库；入库提交后才标为已读。"""
    from ..services.mail import imap as imap_fetch  # imap_tools loads for this command, not for the MTA's pipe
    from ..services.mail.ingest import IngestSettings

    try:
        imap = imap_fetch.ImapSettings.from_config(current_app.config)
    except imap_fetch.ImapConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    settings = IngestSettings.from_config(current_app.config)
    while True:
        try:
            _fetch_once(imap, settings)
        except DATABASE_ERRORS as exc:
            _retry_later(f"数据库暂时不可用（{type(exc).__name__}），未处理的邮件仍为未读，下次重新收取。", loop)
        except imap_fetch.IMAP_ERRORS as exc:
            _retry_later(f"IMAP 连接失败（{exc}），未处理的邮件仍为未读，下次重新收取。", loop)
        if not loop:
            return
        time.sleep(interval)


def _retry_later(message: str, loop: bool) -> None:
    """Say why this run stopped: in a loop the next round retries, otherwise exit 75 for cron or systemd."""
    if not loop:
        _tempfail(message)
    click.echo(message, err=True)


def stored_outcomes(session: Session, raws: list[bytes], source: str, settings: IngestSettings) -> list[str]:
    """The outcome of each message, stored in one transaction (receive_batch); the first failure is raised after the
    others are committed, so the batch stays unread and the next run finds them stored."""
    results = receive_batch(session, raws, source, settings)
    failure = next((r for r in results if isinstance(r, Exception)), None)
    if failure is not None:
        raise failure
    return [r.outcome for r in results if not isinstance(r, Exception)]


def _fetch_once(imap: ImapSettings, settings: IngestSettings) -> None:
    from ..services.mail import imap as imap_fetch

    session = db.session()
    total = 0
    batches = imap_fetch.fetch(imap, lambda raws: stored_outcomes(session, raws, "imap", settings))
    for number, counts in enumerate(batches, start=1):
        total += sum(counts.values())
        parts = "，".join(f"{chinese('mail_outcome', key)}{counts[key]}" for key in MAIL_OUTCOMES)
        click.echo(f"第{number}批：收取{sum(counts.values())}封（{parts}）")
    click.echo(f"共收取{total}封。" if total else "没有未读邮件。")
