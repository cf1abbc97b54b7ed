"""flask feedback suggest / similar: the measures an opinion is most likely about (措施推荐) and the items like it."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .. import db
from ..services.feedback import suggest as suggestions
from ..services.feedback.lookup import find_by_case_number
from ..services.feedback.similar import similar_items
from ..services.ledger.campaigns import CampaignError, get_campaign
from .feedback import cli


@cli.command("suggest")
@click.option("--campaign", "slug", required=True, help="整改任务标识。")
@click.option("--text", help="意见内容。")
@click.option("--jsonl", "jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="每行一个 JSON 对象（含 \"text\" 键）的文件，逐行推荐。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（--jsonl 时每行一个对象）。")
def suggest(slug: str, text: str | None, jsonl: Path | None, as_json: bool) -> None:
    """推荐意见最可能涉及的整改措施（至多3条，最相关的在前）；都不相关时说明“无把握匹配”。"""
    if (text is None) == (jsonl is None):
        raise click.UsageError("请给出 --text 或 --jsonl 之一。")
    session = db.session()
    try:
        campaign = get_campaign(session, slug)
    except CampaignError as exc:
        raise click.ClickException(str(exc)) from exc
    index = suggestions.campaign_index(session, campaign)
    texts = [text or ""] if jsonl is None else [_text_of(line, number) for number, line in
                                                 enumerate(jsonl.read_text(encoding="utf-8").splitlines(), 1)
                                                 if line.strip()]
    for one in texts:
        result = index.suggest(one)
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False) if as_json else _readable(result))


@cli.command("similar")
@click.argument("case_number")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def similar(case_number: str, as_json: bool) -> None:
    """列出与一件相似的件（同一联系人、内容几乎相同、30天内涉及同一措施），最相似的在前，至多5件。"""
    session = db.session()
    item = find_by_case_number(session, case_number)
    if item is None:
        raise click.ClickException(f"找不到受理编号为“{case_number[:40]}”的件。")
    found = similar_items(session, item)
    if as_json:
        click.echo(json.dumps([{"case_number": s.item.case_number, "score": s.score, "why": "、".join(s.why)}
                               for s in found], ensure_ascii=False))
        return
    if not found:
        click.echo("没有相似的件。")
    for s in found:
        click.echo(f"{s.item.case_number}  相似度{s.score:.0%}  {'、'.join(s.why)}")


def _text_of(line: str, number: int) -> str:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"第{number}行不是 JSON：{exc.msg}。") from exc
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        raise click.ClickException(f"第{number}行缺少字符串 \"text\"。")
    return value["text"]


def _readable(result: suggestions.Suggestions) -> str:
    if result.abstain:
        return "无把握匹配：意见可能与台账中的措施无关。"
    return "\n".join(f"措施{s.measure}（问题{s.problem}）  得分{s.score:.1f}  匹配：{'、'.join(s.matched) or '—'}"
                     for s in result.suggestions)
