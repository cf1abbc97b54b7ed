"""flask mail lmtp: a long-running LMTP listener for the MTA (Postfix `lmtp:` transport), one process for all mail."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .. import db
from ..services.mail.ingest import IngestResult, IngestSettings
from .mail_inbound import receive_batch
from .mail_outbound import stop_on_signals

log = logging.getLogger(__name__)
#: writer threads by default: with two, deliveries from Postfix's four connections wait for a busy writer more often
#: and share its next commit, which costs 7–11 % less CPU per message than four writers and stores as fast or faster
#: (bench/RESULTS.md, 2-core VM)
WRITERS = 2


def lmtp_store(app: Flask, settings: IngestSettings) -> Callable[[list[bytes]], Sequence[str | BaseException]]:
    """store(raws): the messages in one application context and transaction (each alone when one fails); for each,
    the text of its 250 reply or what stopped it."""
    def store(raws: list[bytes]) -> list[str | BaseException]:
        with app.app_context():
            results = receive_batch(db.session(), raws, "lmtp", settings)
        log.info("LMTP 收件：%s", "，".join(r.outcome if isinstance(r, IngestResult) else "451" for r in results))
        return [_reply_text(r) if isinstance(r, IngestResult) else r for r in results]
    return store


def _reply_text(result: IngestResult) -> str:
    if result.item is not None:
        return f"{result.outcome} {result.item.case_number}"
    return result.outcome


@click.command("lmtp")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址。LMTP 不验证身份，只应监听本机或 MTA 所在的内网地址。")
@click.option("--port", type=click.IntRange(1, 65535), default=8024, show_default=True, help="监听端口。")
@click.option("--workers", type=click.IntRange(min=1), default=WRITERS, show_default=True,
              help="入库线程数；线程都忙时，等候的邮件由下一个空出的线程一次提交入库。")
@click.option("--batch", type=click.IntRange(min=1), default=20, show_default=True,
              help="一次提交最多入库的邮件数（各邮件在提交后才答复 250）。")
@with_appcontext
def lmtp(host: str, port: int, workers: int, batch: int) -> None:
    """常驻的 LMTP 收件服务，供 MTA 投递（免去每封邮件启动一个进程）；数据库不可用时答复 451，MTA 稍后重投。"""
    from ..services.mail.lmtp import LmtpServer  # aiosmtpd loads for the listener, not for every mail command
    from ..warmup import warm_up

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    warm_up(app)  # the segmenter's dictionaries and the campaigns' indexes before the first message, not during it
    settings = IngestSettings.from_config(app.config)
    server = LmtpServer(lmtp_store(app, settings), host, port, settings.max_bytes, workers, batch)
    stop = threading.Event()
    with stop_on_signals(stop):
        server.start()
        click.echo(f"LMTP 收件服务已启动：{host}:{port}（SIGTERM 或 Ctrl-C 停止）")
        try:
            stop.wait()
        finally:
            server.stop()
    click.echo("LMTP 收件服务已停止。")
