"""flask mail …: send the outbox, ingest one raw message (MTA pipe), listen for the MTA (LMTP), fetch by IMAP."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from . import LazyCommand

#: name → (module, attribute, its help's first sentence): each imported only when it runs, so `flask mail ingest`
#: (one process per message) loads neither the sender, nor the listener, nor the IMAP client;
#: tests/ops/test_cli_startup.py checks that each matches the command it stands for
SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "send": (".mail_outbound", "send",
             "发送到期的待发邮件（一批）；--loop 时反复发送，空闲的批次不输出。SIGTERM/SIGINT 在当前邮件发完后停止。"),
    "ingest": (".mail_inbound", "ingest",
               "读入一封原始邮件（文件或标准输入，供 MTA 管道投递）；数据库不可用时退出码为 75。"),
    "lmtp": (".mail_lmtp", "lmtp",
             "常驻的 LMTP 收件服务，供 MTA 投递（免去每封邮件启动一个进程）；数据库不可用时答复 451，MTA 稍后重投。"),
    "fetch": (".mail_inbound", "fetch", "从 IMAP 邮箱收取未读邮件，分批入库；入库提交后才标为已读。"),
}


@click.group("mail", cls=AppGroup)
def cli() -> None:
    """邮件收发。"""


for name, (module, attribute, help_text) in SUBCOMMANDS.items():
    cli.add_command(LazyCommand(name, module, attribute, help_text))
