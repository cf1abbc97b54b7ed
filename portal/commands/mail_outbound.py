"""flask mail send: send the due outbox messages once (cron), or keep sending until stopped (systemd); each round
first puts the follow mails due into the outbox (portal.services.follow.sender), as `flask follow send` does."""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..models import utcnow
from ..services.follow import sender as follow_sender
from ..services.follow.tokens import FollowSettings
from ..services.mail.send import BatchResult, Mailer, SendSettings, send_due


@click.command("send")
@click.option("--loop", is_flag=True, help="持续发送，直到收到 SIGTERM 或 SIGINT。")
@click.option("--interval", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="--loop 时，没有更多到期邮件后等待的秒数。")
@click.option("--batch", type=click.IntRange(min=1), default=100, show_default=True, help="每批最多发送的邮件数。")
@with_appcontext
def send(loop: bool, interval: float, batch: int) -> None:
    """发送到期的待发邮件（一批）；--loop 时反复发送，空闲的批次不输出。SIGTERM/SIGINT 在当前邮件发完后停止。"""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    mailer, settings = Mailer(app), SendSettings.from_config(app.config)
    sessions, follow_settings = app.extensions["portal.db"], FollowSettings.from_config(app.config)
    stop = threading.Event()
    with stop_on_signals(stop):
        while True:
            follows = follow_sender.run(sessions, follow_settings, utcnow(), stop.is_set)
            if follows.immediate or follows.digests:
                click.echo(follow_summary(follows))
            result = send_due(sessions, mailer, settings, utcnow(), batch, stop.is_set)
            if result.attempted or not loop:
                click.echo(_summary(result))
            if not loop or stop.is_set():
                break
            if result.attempted < batch and stop.wait(interval):
                break


def follow_summary(result: follow_sender.SendResult) -> str:
    return f"关注邮件：即时通知 {result.immediate} 封，每周汇总 {result.digests} 封"


def _summary(result: BatchResult) -> str:
    return f"已发送 {result.sent} 封，稍后重试 {result.retry} 封，发送失败 {result.failed} 封"


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set stop: the message being sent is finished and marked, then the command ends."""
    previous = {sig: signal.signal(sig, lambda _sig, _frame: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
