"""flask mail …: send the outbox, ingest one raw message (MTA pipe), listen for the MTA (LMTP), fetch by IMAP."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .mail_inbound import fetch, ingest
from .mail_lmtp import lmtp
from .mail_outbound import send


@click.group("mail", cls=AppGroup)
def cli() -> None:
    """邮件收发。"""


for command in (send, ingest, lmtp, fetch):
    cli.add_command(command)
