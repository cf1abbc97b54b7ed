"""flask demo load: the founding campaign, sample staff accounts and items, as sample data."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .. import db
from ..services.feedback.intake import IntakeSettings
from ..services.ops.demo import DEMO_SLUG, load_demo
from ..services.ops.demo_feedback import create_demo_accounts, create_demo_items


@click.group("demo", cls=AppGroup)
def cli() -> None:
    """示例数据。"""


@cli.command("load")
def load() -> None:
    """载入示例整改任务（gansu-2020）、示例后台账号和示例意见。已载入时不重复载入。"""
    session = db.session()
    campaign = load_demo(session)
    if campaign is None:
        click.echo(f"示例数据已存在（{DEMO_SLUG}），未重复载入。")
        return
    accounts = create_demo_accounts(session)
    create_demo_items(session, campaign, IntakeSettings.from_config(current_app.config), accounts)
    session.commit()
    path = Path(current_app.instance_path) / "demo-accounts.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("示例后台账号（仅供演示，请勿用于生产）\n")
        f.writelines(f"{role}\t{user.email}\t{password}\n" for role, (user, password) in accounts.items())
    click.echo(f"已载入示例整改任务 {campaign.slug}：示例台账、进展通报、示例意见。")
    click.echo(f"示例后台账号及密码见 {path}（登录地址 /staff/login）。")
