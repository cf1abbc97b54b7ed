"""flask ledger …: import and export the rectification ledger."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from .. import db
from ..services.ledger.campaigns import CampaignError, get_campaign
from ..services.ledger.exporter import LedgerExportError, export_ledger
from ..services.ledger.importer import ImportResult, LedgerRejected, import_ledger
from .ledger_recheck import recheck

#: seconds an import may run before it starts reporting progress, and between two reports
PROGRESS_AFTER = 2.0


@click.group("ledger", cls=AppGroup)
def cli() -> None:
    """整改台账导入导出，回头看。"""


cli.add_command(recheck)


@cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--campaign", "slug", required=True, help="整改任务标识。")
@click.option("--dry-run", is_flag=True, help="只检查并显示将发生的变化，不写入数据库。")
def import_(path: Path, slug: str, dry_run: bool) -> None:
    """导入整改台账 PATH（.xlsx 或 .csv）。台账有任何问题时整体不导入，并列出全部问题。"""
    session = db.session()
    try:
        campaign = get_campaign(session, slug)
    except CampaignError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        result = import_ledger(session, campaign, path, actor=f"flask ledger import {path.name}"[:200],
                               dry_run=dry_run, progress=_progress_printer())
    except LedgerRejected as exc:
        session.rollback()
        click.echo(f"台账未导入：发现{len(exc.errors)}处问题，请改正后重新导入。", err=True)
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.exceptions.Exit(1) from exc
    if dry_run:
        session.rollback()
        click.echo(f"试导入（未写入）：{_summary(result, '将')}")
        _echo_skipped(result)
        return
    session.commit()
    click.echo(f"已导入整改台账到 {campaign.slug}：{_summary(result, '')}")
    _echo_skipped(result)


def _echo_skipped(result: ImportResult) -> None:
    """Say which 责任部门 names no department is made of, and why (the ledger text itself is kept as written)."""
    for name, problem in result.skipped_departments.items():
        shown = "".join(ch for ch in name[:40] if ch.isprintable())
        click.echo(f"未建立部门“{shown}”：{problem}；责任部门的文字照原样保存。")


@cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--campaign", "slug", required=True, help="整改任务标识。")
def export(path: Path, slug: str) -> None:
    """导出整改台账到 PATH（.xlsx 带合并单元格，.csv 为 UTF-8 带 BOM）。"""
    session = db.session()
    try:
        count = export_ledger(session, get_campaign(session, slug), path)
    except (CampaignError, LedgerExportError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已导出 {slug} 的整改台账：{count}条措施，写入 {path}。")


def _summary(result: ImportResult, tense: str) -> str:
    """E.g. 5个方面 54个问题 193条措施；新增措施193条、修改0条、不变0条；新增问题54个、修改0个。"""
    return (f"{result.categories}个方面 {result.problems}个问题 {result.measures}条措施；"
            f"{tense}新增措施{result.created}条、修改{result.changed}条、不变{result.unchanged}条；"
            f"{tense}新增问题{result.problem_count(created=True)}个、修改{result.problem_count(created=False)}个。"
            + ("" if result.modified else "台账与数据库一致，没有变化。"))


def _progress_printer():
    """A progress callback that stays silent unless the import is slow."""
    started = last = time.monotonic()

    def report(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if (now - started >= PROGRESS_AFTER and now - last >= PROGRESS_AFTER) or (done == total and last != started):
            click.echo(f"已处理 {done}/{total} 条措施……")
            last = now

    return report
