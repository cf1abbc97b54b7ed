"""flask figures: print a campaign's computed figures."""
from __future__ import annotations

import json
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import db
from ..services.ledger.campaigns import CampaignError, get_campaign
from ..services.ledger.figures import campaign_figures
from ..services.ledger.history import figures_as_of


@click.command("figures")
@with_appcontext
@click.option("--campaign", "slug", required=True, help="整改任务标识。")
@click.option("--as-of", "as_of", help="按台账变更记录重算某日（YYYY-MM-DD）结束时公布的数字。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def cli(slug: str, as_of: str | None, as_json: bool) -> None:
    """按整改台账计算并显示整改进展数字。"""
    session = db.session()
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise click.BadParameter(f"“{as_of}”不是日期，请写作 YYYY-MM-DD。", param_hint="--as-of") from exc
    try:
        campaign = get_campaign(session, slug)
    except CampaignError as exc:
        raise click.ClickException(str(exc)) from exc
    if day is None:
        figures = campaign_figures(session, campaign)
    else:
        figures = figures_as_of(session, campaign, day, current_app.config["BABEL_DEFAULT_TIMEZONE"])
        click.echo(f"截至{day.year}年{day.month}月{day.day}日（按台账变更记录重算）：", err=as_json)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(f"{figures['categories']}个方面 {figures['problems']}个问题 {figures['measures']}条措施："
               f"已完成{figures['done']}条，正在整改{figures['in_progress']}条，整改率{figures['rate']}%；"
               f"已整改到位问题{figures['rectified_problems']}个。")
    for cls in figures["deadline_classes"]:
        click.echo(f"  “{cls['label']}”：{cls['problems']}个问题，"
                   f"已整改{cls['rectified']}个，正在整改{cls['in_progress']}个")
    for cat in figures["by_category"]:
        click.echo(f"  {cat['title']}：{cat['problems']}个问题，{cat['measures']}条措施，已完成{cat['done']}条")
