"""Operator commands (flask …), one module per group."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from . import campaign, db, demo, feedback, feedback_suggest, figures, ledger, mail, ops, report, stats, users  # noqa: F401,E501

    for module in (db, campaign, ledger, figures, report, demo, mail, feedback, users, stats):
        app.cli.add_command(module.cli)
    for command in ops.COMMANDS:
        app.cli.add_command(command)
