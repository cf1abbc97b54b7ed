"""flask stats: the figures of /staff/stats for a campaign (later subcommands, such as the 通报, join the group)."""
from __future__ import annotations

import json
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .. import db
from ..models import Campaign
from ..services.common import audit
from ..services.common.clocks import ClockSettings
from ..services.feedback.export import OPERATOR
from ..services.stats import bulletin_pdf, figures, scope
from ..services.stats.bulletin_docx import bulletin_docx
from ..services.stats.lights import LightThresholds


@click.group("stats", cls=AppGroup, invoke_without_command=True)
@click.option("--campaign", "slug", help="整改任务标识。")
@click.option("--from", "date_from", help="收到日期自（YYYY-MM-DD，含）。")
@click.option("--to", "date_to", help="收到日期至（YYYY-MM-DD，含）。")
@click.option("--period", type=click.Choice(figures.PERIODS), default="month", show_default=True,
              help="按月或按周统计收到件数。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部数字（键名见 README）。")
@click.pass_context
def cli(ctx: click.Context, slug: str | None, date_from: str | None, date_to: str | None, period: str,
        as_json: bool) -> None:
    """意见建议办理统计：与 /staff/stats 页面相同的数字。"""
    if ctx.invoked_subcommand is not None:
        return
    if not slug:
        raise click.UsageError("请用 --campaign 指定整改任务。")
    session = db.session()
    try:
        found = scope.find_scope(session, slug, scope.parse_day(date_from, "date_from"),
                                 scope.parse_day(date_to, "date_to"), period)
    except scope.StatsScopeError as exc:
        raise click.ClickException(exc.message) from exc
    result = figures.compute(session, None, found, ClockSettings.from_config(current_app.config),
                             LightThresholds.from_config(current_app.config))
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    totals, satisfaction = result.totals, result.satisfaction
    click.echo(f"{result.campaign_title}：收到{totals.received}件（另有重复件{result.excluded['duplicate']}件、"
               f"无效件{result.excluded['spam']}件不计入），已受理{totals.accepted}件，已答复{totals.answered}件；"
               f"按期受理率{_rate(totals.on_time_accept_rate)}，按期办结率{_rate(totals.on_time_answer_rate)}，"
               f"当前逾期{totals.overdue_now}件；满意率{_rate(satisfaction.satisfaction_rate)}"
               f"（评价{satisfaction.rated}条）。")
    for department in result.by_department:
        h = department.handling
        click.echo(f"  {department.department}：交办{h.assigned}件，已答复{h.answered}件，"
                   f"按期受理率{_rate(h.on_time_accept_rate)}，按期办结率{_rate(h.on_time_answer_rate)}，"
                   f"当前逾期{h.overdue_now}件")


@cli.command("report")
@click.option("--campaign", "slug", required=True, help="整改任务标识。")
@click.option("--month", required=True, help="月份（YYYY-MM），统计该月收到的件。")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def report(slug: str, month: str, path: Path) -> None:
    """生成某月群众意见建议办理情况通报（Word .docx；以 .pdf 结尾则再由 LibreOffice 转为 PDF），数字与 /staff/stats
    同一口径、分毫不差。"""
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise click.UsageError("通报文件须以 .docx（Word 格式）或 .pdf 结尾。")
    if suffix == ".pdf" and bulletin_pdf.converter() is None:
        raise click.ClickException("本机没有安装 PDF 转换程序（LibreOffice 的 soffice，Debian 软件包 "
                                   "libreoffice-writer-nogui），无法生成 PDF；请改用 .docx，或先安装："
                                   "apt-get install libreoffice-writer-nogui")
    session = db.session()
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        raise click.ClickException(f"没有标识为“{slug}”的整改任务。")
    started = time.monotonic()
    try:
        body = bulletin_docx(session, campaign, month, ClockSettings.from_config(current_app.config),
                             LightThresholds.from_config(current_app.config))
        if suffix == ".pdf":
            body = bulletin_pdf.to_pdf(body)
    except (scope.StatsScopeError, bulletin_pdf.PdfUnavailable) as exc:
        raise click.ClickException(exc.message) from exc
    path.write_bytes(body)
    audit.record(session, None, "stats.bulletin", "campaign", campaign.id, actor_label=OPERATOR, month=month)
    session.commit()
    click.echo(f"已生成 {path}（{len(body) // 1024} KB，{time.monotonic() - started:.1f} 秒）。")


def _rate(value: str | None) -> str:
    return f"{value}%" if value is not None else "—"
