"""开放数据: a campaign's problems, measures and figures as rows for JSON and CSV (UTF-8 with BOM).

The lists grow with the ledger (a campaign may have thousands of measures), so they are never built whole: the JSON
is read a page at a time (a page of rows and the total), the CSV row by row from a server-side cursor (yield_per)
and written out in chunks as the client reads them.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from portal.models import Campaign, Measure, Problem
from portal.services.common.spreadsheet import formula_safe
from portal.services.ledger.figures import ProblemProgress, measure_counts

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
#: rows per JSON page unless the client asks for fewer: more than the demo campaign's 193 measures, so a whole list
#: of a campaign of ordinary size is one page
PER_PAGE = 1000
#: rows read from the database (and written to the client) at a time when streaming a CSV
CHUNK = 500


@dataclass(frozen=True)
class RowPage:
    """One page of a list: its rows, the rows of the whole list, and where it stands."""

    rows: list[dict]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def per_page(asked: int | None) -> int:
    """The page size a client asked for, within 1 … PER_PAGE (PER_PAGE when it asked for none)."""
    return min(max(asked or PER_PAGE, 1), PER_PAGE)


def problem_page(session: Session, campaign: Campaign, today: date, page: int, size: int) -> RowPage:
    """One page of the problems in number order, with their derived status (three queries)."""
    total = session.scalar(select(func.count()).where(Problem.campaign_id == campaign.id)) or 0
    problems = session.scalars(_problems(campaign).offset((page - 1) * size).limit(size))
    counts = measure_counts(session, campaign.id)
    return RowPage([_problem_row(p, counts, today) for p in problems], total, page, size)


def iter_problem_rows(session: Session, campaign: Campaign, today: date) -> Iterator[dict]:
    """Every problem in number order with its derived status, read CHUNK rows at a time."""
    counts = measure_counts(session, campaign.id)
    for problem in session.scalars(_problems(campaign).execution_options(yield_per=CHUNK)):
        yield _problem_row(problem, counts, today)


def measure_page(session: Session, campaign: Campaign, page: int, size: int) -> RowPage:
    """One page of the measures in ledger order (two queries)."""
    total = session.scalar(select(func.count()).where(Measure.campaign_id == campaign.id)) or 0
    rows = session.execute(_measures(campaign).offset((page - 1) * size).limit(size))
    return RowPage([_measure_row(*row) for row in rows], total, page, size)


def iter_measure_rows(session: Session, campaign: Campaign) -> Iterator[dict]:
    """Every measure in ledger order, read CHUNK rows at a time."""
    for row in session.execute(_measures(campaign).execution_options(yield_per=CHUNK)):
        yield _measure_row(*row)


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


def csv_chunks(columns: dict[str, str], rows: Iterable[dict]) -> Iterator[bytes]:
    """Rows as CSV with Chinese headers, UTF-8 with BOM so that spreadsheet programs read it right: the BOM and
    the header first, then CHUNK rows at a time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns.values())
    yield out.getvalue().encode("utf-8-sig")
    pending = 0
    out.seek(0)
    out.truncate()
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key in columns])
        pending += 1
        if pending == CHUNK:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
            pending = 0
    if pending:
        yield out.getvalue().encode()


def to_csv(columns: dict[str, str], rows: Iterable[dict]) -> bytes:
    """A short table (the figures) as one CSV body."""
    return b"".join(csv_chunks(columns, rows))


def _problems(campaign: Campaign) -> Select[tuple[Problem]]:
    return (select(Problem).where(Problem.campaign_id == campaign.id).options(joinedload(Problem.category))
            .order_by(Problem.number))


def _measures(campaign: Campaign) -> Select[tuple[Measure, int]]:
    return (select(Measure, Problem.number).join(Problem, Measure.problem_id == Problem.id)
            .where(Measure.campaign_id == campaign.id).order_by(Problem.number, Measure.position, Measure.id))


def _problem_row(p: Problem, counts: dict[int, tuple[int, int]], today: date) -> dict[str, Any]:
    progress = ProblemProgress(*counts.get(p.id, (0, 0)), p.due_date)
    return {
        "number": p.number,
        "category": p.category.title,
        "description": p.description,
        "deadline_label": p.deadline_label,
        "due_date": _iso(p.due_date),
        "lead_leader": p.lead_leader,
        "departments": p.departments,
        "goal": p.goal,
        "measures": progress.measures,
        "done": progress.done,
        "rectified": progress.rectified,
        "overdue": progress.is_overdue(today),
    }


def _measure_row(m: Measure, number: int) -> dict[str, Any]:
    return {
        "code": m.code,
        "problem": number,
        "text": m.text,
        "status": m.status,
        "completed_on": _iso(m.completed_on),
        "progress_note": m.progress_note,
    }


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return formula_safe(value) if isinstance(value, str) else value


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
