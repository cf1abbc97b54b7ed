"""flask campaign …: create and list rectification campaigns."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import db
from ..services.ledger.campaigns import CampaignError, create_campaign, list_campaigns


@click.group("campaign", cls=AppGroup)
def cli() -> None:
    """整改任务管理。"""


@cli.command("create")
@click.argument("slug")
@click.option("--title", required=True, help="任务标题，如“省委第八巡视组反馈意见整改”。")
@click.option("--feedback-date", required=True, type=click.DateTime(["%Y-%m-%d"]), help="巡视反馈日期 YYYY-MM-DD。")
@click.option("--unit", help="被巡视单位。")
@click.option("--inspecting-body", help="巡视组，如“省委第八巡视组”。")
def create(slug: str, title: str, feedback_date, unit: str | None, inspecting_body: str | None) -> None:
    """新建整改任务 SLUG。"""
    session = db.session()
    try:
        campaign = create_campaign(session, slug, title, feedback_date.date(),
                                   unit=unit, inspecting_body=inspecting_body)
    except CampaignError as exc:
        raise click.ClickException(str(exc)) from exc
    session.commit()
    click.echo(f"已创建整改任务 {campaign.slug}：{campaign.title}（反馈日期 {campaign.feedback_date}）。")


@cli.command("list")
def list_() -> None:
    """列出全部整改任务。"""
    campaigns = list_campaigns(db.session())
    if not campaigns:
        click.echo("还没有整改任务。用 flask campaign create 新建，或 flask demo load 载入示例。")
    for c in campaigns:
        click.echo(f"{c.slug}\t{c.feedback_date}\t{c.title}" + ("\t[示例数据]" if c.is_sample else ""))
