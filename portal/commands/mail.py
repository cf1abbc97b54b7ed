"""flask mail …: send the outbox, ingest one raw message (MTA pipe), fetch the mailbox by IMAP."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .mail_inbound import fetch, ingest
from .mail_outbound import send


@click.group("mail", cls=AppGroup)
def cli() -> None:
    """邮件收发。"""


for command in (send, ingest, fetch):
    cli.add_command(command)
