"""开放数据: a campaign's problems, measures and figures as rows for JSON and CSV (UTF-8 with BOM)."""
from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.models import Campaign, Measure, Problem
from portal.services.common.spreadsheet import formula_safe
from portal.services.ledger.figures import problem_progress

#: JSON field → CSV header, in column order
PROBLEM_COLUMNS = {
    "number": "问题编号", "category": "问题类别", "description": "问题描述", "deadline_label": "整改时限",
    "due_date": "整改期限", "lead_leader": "牵头领导", "departments": "责任部门", "goal": "成效目标",
    "measures": "整改措施数", "done": "已完成措施数", "rectified": "已整改到位", "overdue": "已逾期",
}
MEASURE_COLUMNS = {
    "code": "措施编号", "problem": "问题编号", "text": "整改措施", "status": "完成情况",
    "completed_on": "完成时间", "progress_note": "进展说明",
}
FIGURE_COLUMNS = {
    "scope": "范围", "name": "名称", "problems": "问题数", "rectified": "已整改到位问题数",
    "in_progress_problems": "正在整改问题数", "measures": "整改措施数", "done": "已完成措施数",
    "in_progress": "正在整改措施数", "rate": "措施完成率(%)",
}


def problem_rows(session: Session, campaign: Campaign, today: date) -> list[dict]:
    """One row per problem, in number order, with its derived status (two queries)."""
    problems = session.scalars(
        select(Problem).where(Problem.campaign_id == campaign.id)
        .options(joinedload(Problem.category)).order_by(Problem.number)
    ).all()
    progress = problem_progress(session, list(problems))
    return [{
        "number": p.number,
        "category": p.category.title,
        "description": p.description,
        "deadline_label": p.deadline_label,
        "due_date": _iso(p.due_date),
        "lead_leader": p.lead_leader,
        "departments": p.departments,
        "goal": p.goal,
        "measures": progress[p.id].measures,
        "done": progress[p.id].done,
        "rectified": progress[p.id].rectified,
        "overdue": progress[p.id].is_overdue(today),
    } for p in problems]


def measure_rows(session: Session, campaign: Campaign) -> list[dict]:
    """One row per measure, in ledger order (one query)."""
    rows = session.execute(
        select(Measure, Problem.number).join(Problem, Measure.problem_id == Problem.id)
        .where(Measure.campaign_id == campaign.id).order_by(Problem.number, Measure.position, Measure.id)
    )
    return [{
        "code": m.code,
        "problem": number,
        "text": m.text,
        "status": m.status,
        "completed_on": _iso(m.completed_on),
        "progress_note": m.progress_note,
    } for m, number in rows]


def figure_rows(figures: dict) -> list[dict]:
    """The figures as one table: the whole campaign, then each category, then each deadline class."""
    rows = [{"scope": "总计", "name": figures["campaign"], "problems": figures["problems"],
             "rectified": figures["rectified_problems"], "measures": figures["measures"],
             "done": figures["done"], "in_progress": figures["in_progress"], "rate": figures["rate"]}]
    rows += [{"scope": "方面", "name": c["title"], "problems": c["problems"], "rectified": c["rectified"],
              "measures": c["measures"], "done": c["done"], "rate": c["rate"]} for c in figures["by_category"]]
    rows += [{"scope": "整改时限", "name": d["label"], "problems": d["problems"], "rectified": d["rectified"],
              "in_progress_problems": d["in_progress"]} for d in figures["deadline_classes"]]
    return rows


def to_csv(columns: dict[str, str], rows: list[dict]) -> bytes:
    """Rows as CSV with Chinese headers, UTF-8 with BOM so that spreadsheet programs read it right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns.values())
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key in columns])
    return out.getvalue().encode("utf-8-sig")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return formula_safe(value) if isinstance(value, str) else value


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
