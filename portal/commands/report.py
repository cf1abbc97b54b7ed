"""flask report …: import published progress reports and list them."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from .. import db
from ..labels import chinese
from ..models import ProgressReport
from ..services.ledger.campaigns import CampaignError, get_campaign
from ..services.reports.importer import import_report, list_reports
from ..services.reports.repair.engine import ReportRejected, decode_report

FORMATS = {"categories": "{}个方面", "problems": "{}个问题", "measures": "整改措施{}条", "done": "已整改{}条",
           "in_progress": "正在整改{}条", "rate": "整改率{}%"}


@click.group("report", cls=AppGroup)
def cli() -> None:
    """进展通报。"""


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--campaign", "slug", required=True, help="整改任务标识。")
@click.option("--as-of", required=True, type=click.DateTime(["%Y-%m-%d"]), help="通报截至日期 YYYY-MM-DD。")
@click.option("--title", help="通报标题；不填时取正文首行或“进展通报（截至…）”。")
def import_(path: Path, slug: str, as_of, title: str | None) -> None:
    """导入进展通报 PATH（纯文本，UTF-8 或 GB18030）：修复乱码和繁体，记下通报中的数字和导入时台账的数字。"""
    session = db.session()
    try:
        campaign = get_campaign(session, slug)
        text = decode_report(path.read_bytes())
        report = import_report(session, campaign, text, as_of=as_of.date(), title=title,
                               actor=f"flask report import {path.name}"[:200])
    except (CampaignError, ReportRejected) as exc:
        raise click.ClickException(str(exc)) from exc
    session.commit()
    click.echo(f"已导入进展通报 #{report.id}：{report.title}，截至日期 {report.as_of}。")
    click.echo("通报中的数字：" + (_declared(report) or "未找到"))
    if report.mismatches:
        click.echo("与台账计算结果不一致：" + "、".join(chinese("figure", k) for k in report.mismatches))
    if report.unrepaired_count:
        click.echo(f"有 {report.unrepaired_count} 处文字无法自动修复，已标为“【待核对：…】”，请人工核对后更正。")


@cli.command("list")
@click.option("--campaign", "slug", required=True, help="整改任务标识。")
def list_(slug: str) -> None:
    """列出整改任务的进展通报。"""
    session = db.session()
    try:
        reports = list_reports(session, get_campaign(session, slug))
    except CampaignError as exc:
        raise click.ClickException(str(exc)) from exc
    if not reports:
        click.echo("该整改任务还没有进展通报。用 flask report import 导入。")
    for r in reports:
        notes = [f"待核对{r.unrepaired_count}处"] if r.unrepaired_count else []
        notes += ["不一致：" + "、".join(chinese("figure", k) for k in r.mismatches)] if r.mismatches else []
        click.echo(f"#{r.id}\t{r.as_of}\t{r.title}" + ("\t" + "；".join(notes) if notes else ""))


def _declared(report: ProgressReport) -> str:
    d = report.declared
    parts = [FORMATS[k].format(d[k]) for k in FORMATS if k in d]
    parts += [f"“{c['label']}”{c['problems']}个问题" for c in d.get("deadline_classes", [])]
    return "，".join(parts)
