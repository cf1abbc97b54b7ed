"""Operator commands (flask …), one module per group."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from . import (  # noqa: F401,E501
        campaign,
        db,
        demo,
        feedback,
        feedback_suggest,
        figures,
        follow,
        ledger,
        mail,
        ops,
        report,
        stats,
        users,
    )

    for module in (db, campaign, ledger, figures, report, demo, mail, follow, feedback, users, stats):
        app.cli.add_command(module.cli)
    for command in ops.COMMANDS:
        app.cli.add_command(command)
