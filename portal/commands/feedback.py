"""flask feedback …: list, show and export feedback items on the server."""
from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup

from .. import db
from ..labels import chinese
from ..models.feedback import STATES
from ..services.feedback.export import FeedbackExportError, export_items, item_detail, list_rows

TABLE_COLUMNS = ("受理编号", "渠道", "类型", "状态", "收到时间", "受理期限", "主题")


@click.group("feedback", cls=AppGroup)
def cli() -> None:
    """意见建议（来信来电）查看与导出。"""


@cli.command("list")
@click.option("--state", type=click.Choice(STATES), help="只列出此状态的件，如 received。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def list_(state: str | None, as_json: bool) -> None:
    """列出意见建议（不含联系方式），按收到时间排列。"""
    rows = list_rows(db.session(), state=state)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("没有符合条件的意见建议。")
        return
    table = [[r["case_number"], chinese("channel", r["channel"]), chinese("kind", r["kind"]),
              chinese("state", r["state"]), _local(r["received_at"]), r["accept_due"],
              _clip(r["subject"] or "", 30)] for r in rows]
    click.echo(_render_table(TABLE_COLUMNS, table))
    click.echo(f"共{len(rows)}件。")


@cli.command("show")
@click.argument("case_number")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def show(case_number: str, as_json: bool) -> None:
    """显示一件意见建议的全部内容，包括完整联系方式（查看记入审计日志）。"""
    session = db.session()
    detail = item_detail(session, case_number)
    if detail is None:
        raise click.ClickException(f"找不到受理编号为“{case_number}”的意见建议。")
    session.commit()
    if as_json:
        click.echo(json.dumps(detail, ensure_ascii=False, indent=2))
        return
    contact = detail["contact"]
    lines = [
        ("受理编号", detail["case_number"]), ("渠道", chinese("channel", detail["channel"])),
        ("类型", chinese("kind", detail["kind"])),
        ("状态", chinese("state", detail["state"])), ("收到时间", _local(detail["received_at"])),
        ("受理期限", detail["accept_due"]), ("办理期限", detail["handle_due"]),
        ("关联措施", "、".join(detail["measures"])), ("关联问题", "、".join(map(str, detail["problems"]))),
        ("附件", "、".join(detail["attachments"])), ("姓名", contact["name"]), ("电子邮箱", contact["email"]),
        ("电话", contact["phone"]), ("通信地址", contact["address"]),
        ("主题", detail["subject"]),
    ]
    for name, value in lines:
        click.echo(f"{name}：{value or '—'}")
    click.echo(f"内容：\n{detail['content']}")


@cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-contact", is_flag=True, help="导出完整联系方式（默认打码）。导出记入审计日志。")
def export(path: Path, with_contact: bool) -> None:
    """导出全部意见建议到 PATH（.xlsx，或 UTF-8 带 BOM 的 .csv），每件一行。"""
    session = db.session()
    try:
        count = export_items(session, path, current_app.config["BABEL_DEFAULT_TIMEZONE"], with_contact)
    except FeedbackExportError as exc:
        raise click.ClickException(str(exc)) from exc
    session.commit()
    masked = "含完整联系方式" if with_contact else "联系方式已打码"
    click.echo(f"已导出{count}件意见建议（{masked}），写入 {path}。")


def _local(iso: str) -> str:
    """An ISO timestamp as office-local wall-clock time, e.g. 2021-03-31 10:00."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.fromisoformat(iso).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _width(text: str) -> int:
    """Columns a terminal gives text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _render_table(headers: tuple[str, ...], rows: list[list]) -> str:
    """Rows aligned in columns, padded by display width so Chinese and Latin text line up."""
    cells = [list(headers), *[["" if v is None else str(v) for v in row] for row in rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
