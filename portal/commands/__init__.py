"""Operator commands (flask …), one module per group, each imported only when its command runs.

`flask --help` lists every command from the table below without importing any of them, so that it, and every
command, starts without loading what other commands need (Alembic, openpyxl, the demo data…): the MTA pipe
(`flask mail ingest`, one process per message) pays for the mail modules alone.
"""
from __future__ import annotations

import importlib
from typing import Any

import click
from flask import Flask

#: name → (module, attribute, its help's first sentence as `flask --help` shows it); tests/ops/test_cli_startup.py
#: checks that each matches the command it stands for
COMMANDS: dict[str, tuple[str, str, str]] = {
    "db": (".db", "cli", "数据库迁移 (Alembic)。"),
    "campaign": (".campaign", "cli", "整改任务管理。"),
    "ledger": (".ledger", "cli", "整改台账导入导出，回头看。"),
    "figures": (".figures", "cli", "按整改台账计算并显示整改进展数字。"),
    "report": (".report", "cli", "进展通报。"),
    "demo": (".demo", "cli", "示例数据。"),
    "mail": (".mail", "cli", "邮件收发。"),
    "follow": (".follow", "cli", "关注邮件。"),
    "feedback": (".feedback_suggest", "cli", "意见建议（来信来电）查看与导出。"),
    "users": (".users", "cli", "工作人员账号管理。"),
    "stats": (".stats", "cli", "意见建议办理统计：与 /staff/stats 页面相同的数字。"),
    "backup": (".ops", "backup", "把数据库和全部附件备份到一个 .tar.gz 文件 PATH（含清单和校验和，权限 0600）。"),
    "restore": (".ops", "restore", "用备份 PATH 替换当前的数据库和全部附件（先停止门户和邮件进程）。"),
    "privacy": (".ops", "privacy", "个人信息保护。"),
}


class LazyCommand(click.Command):
    """A command known by its name and help until it is run (or asked for its own help): then its module is
    imported and the real command parses the arguments and runs."""

    def __init__(self, name: str, module: str, attribute: str, help_text: str) -> None:
        super().__init__(name, help=help_text)
        self.module, self.attribute = module, attribute

    def real(self) -> click.Command:
        return getattr(importlib.import_module(self.module, __package__), self.attribute)

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        return self.real().make_context(info_name, args, parent=parent, **extra)


def register(app: Flask) -> None:
    for name, (module, attribute, help_text) in COMMANDS.items():
        app.cli.add_command(LazyCommand(name, module, attribute, help_text))
