"""flask ledger recheck …: 回头看 — schedule re-checks of completed measures and record what they found."""
from __future__ import annotations

from datetime import date, datetime

import click
from flask.cli import AppGroup

from .. import db
from ..models.recheck import HELD, RELAPSED
from ..services.ledger import rechecks
from ..services.ledger.campaigns import CampaignError, get_campaign

#: what the operator may type for a result
RESULT_WORDS = {"巩固": HELD, HELD: HELD, "反弹": RELAPSED, RELAPSED: RELAPSED}
RESULT_LABELS = {HELD: "巩固", RELAPSED: "反弹"}


@click.group("recheck", cls=AppGroup)
def recheck() -> None:
    """回头看：安排对已完成措施的复查，记录复查结果（巩固或反弹；反弹时措施恢复为正在整改）。"""


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"“{value}”不是日期，请写作 YYYY-MM-DD。") from exc


@recheck.command("schedule")
@click.option("--campaign", "slug", required=True, help="整改任务标识。")
@click.option("--due", required=True, help="回头看日期 YYYY-MM-DD。")
@click.option("--measure", "codes", multiple=True, help="措施编号，可重复；与 --deadline 二选一。")
@click.option("--deadline", help="整改时限类别（如“3个月内整改到位”）：该类问题的全部已完成措施。")
def schedule(slug: str, due: str, codes: tuple[str, ...], deadline: str | None) -> None:
    """安排回头看：未完成的措施和已有待办回头看的措施会跳过。"""
    session = db.session()
    try:
        scheduled = rechecks.schedule(session, get_campaign(session, slug), _day(due), actor="flask ledger recheck",
                                      codes=list(codes), deadline_label=deadline)
    except (CampaignError, rechecks.RecheckError) as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from exc
    session.commit()
    shown = "、".join(r.measure.code for r in scheduled) or "无（所选措施未完成或已有待办回头看）"
    click.echo(f"已安排{len(scheduled)}项回头看，日期 {due}：{shown}")


@recheck.command("list")
@click.option("--campaign", "slug", required=True, help="整改任务标识。")
@click.option("--due-by", help="只列出此日期（YYYY-MM-DD）前到期的。")
def list_(slug: str, due_by: str | None) -> None:
    """列出尚未记录结果的回头看。"""
    session = db.session()
    try:
        found = rechecks.open_rechecks(session, get_campaign(session, slug), _day(due_by) if due_by else None)
    except CampaignError as exc:
        raise click.ClickException(str(exc)) from exc
    if not found:
        click.echo("没有待记录结果的回头看。")
    for item in found:
        click.echo(f"#{item.id}  措施{item.measure.code}  {item.due_on.isoformat()}  安排人：{item.scheduled_by}")


@recheck.command("record")
@click.argument("recheck_id", type=int)
@click.option("--result", required=True, type=click.Choice(list(RESULT_WORDS)), help="巩固 或 反弹。")
@click.option("--note", required=True, help="回头看情况说明（反弹时公开在措施的变更记录中）。")
def record(recheck_id: int, result: str, note: str) -> None:
    """记录回头看 RECHECK_ID 的结果。"""
    session = db.session()
    try:
        found = rechecks.record(session, rechecks.get(session, recheck_id), RESULT_WORDS[result], note,
                                actor="flask ledger recheck", now=datetime.now().astimezone())
    except rechecks.RecheckError as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from exc
    session.commit()
    outcome = RESULT_WORDS[result]
    reopened = "，措施已恢复为“正在整改”" if outcome == RELAPSED else ""
    click.echo(f"已记录回头看 #{found.id}（措施{found.measure.code}）：{RESULT_LABELS[outcome]}{reopened}。")
