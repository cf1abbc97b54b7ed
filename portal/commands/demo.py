"""flask demo load: the founding campaign as sample data."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import db
from ..services.demo import DEMO_SLUG, load_demo


@click.group("demo", cls=AppGroup)
def cli() -> None:
    """示例数据。"""


@cli.command("load")
def load() -> None:
    """载入示例整改任务（gansu-2020）：示例台账和2021年3月的进展通报。已载入时不重复载入。"""
    session = db.session()
    campaign = load_demo(session)
    if campaign is None:
        click.echo(f"示例数据已存在（{DEMO_SLUG}），未重复载入。")
        return
    session.commit()
    click.echo(f"已载入示例整改任务 {campaign.slug}：示例台账和进展通报。")
