"""flask follow send: put the follow mails due (events for immediate followers, weekly digests) into the outbox."""
from __future__ import annotations

import threading

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from ..models import utcnow
from ..services.follow.sender import run
from ..services.follow.tokens import FollowSettings
from .mail_outbound import follow_summary, stop_on_signals


@click.group("follow", cls=AppGroup)
def cli() -> None:
    """关注邮件。"""


@cli.command("send")
@click.option("--loop", is_flag=True, help="持续运行，直到收到 SIGTERM 或 SIGINT。")
@click.option("--interval", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="--loop 时，两次运行之间等待的秒数。")
@with_appcontext
def send(loop: bool, interval: float) -> None:
    """把到期的关注邮件（即时通知、每周汇总）放入待发邮件；由 flask mail send 发出。可与其他发送进程同时运行。"""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    sessions, settings = app.extensions["portal.db"], FollowSettings.from_config(app.config)
    stop = threading.Event()
    with stop_on_signals(stop):
        while True:
            result = run(sessions, settings, utcnow(), stop.is_set)
            if result.immediate or result.digests or not loop:
                click.echo(follow_summary(result))
            if not loop or stop.wait(interval):
                break

