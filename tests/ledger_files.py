"""Small ledgers that tests write themselves, and helpers to read the ledger back from the database."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import Campaign, Category, Measure, MeasureUpdate, Problem
from portal.services.ledger.campaigns import create_campaign

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
HEADER = ["序号", "问题类别", "问题编号", "问题描述", "整改时限", "牵头领导", "责任部门", "成效目标",
          "措施编号", "整改措施", "完成情况", "完成时间", "进展说明"]
CAT_A = "针对党的领导不够有力的问题"
CAT_B = "针对作风建设不够扎实的问题"
ROWS = [
    [1, CAT_A, 1, "议事制度不健全", "1个月内整改到位", "书记", "办公室", "制度健全", "1-1", "修订工作规则", "已完成", "2020-12-01", "已印发"],
    [2, CAT_A, 1, "议事制度不健全", "1个月内整改到位", "书记", "办公室", "制度健全", "1-2", "建立议题审核机制", "正在整改", "", "起草中"],
    [3, CAT_B, 2, "会议偏多", "3个月内整改到位", "副主席", "组织部、办公室", "", "2-1", "精简会议", "已完成", "2021-01-15", ""],
]


def campaign(session: Session, slug: str = "test-2020") -> Campaign:
    """A campaign whose feedback date is 2020-11-16, as the sample's."""
    return create_campaign(session, slug, "巡视反馈意见整改", date(2020, 11, 16))


def write_csv(path: Path, rows: list[list], *, header: list[str] = HEADER, encoding: str = "utf-8-sig",
              above: list[list] = ()) -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        csv.writer(out).writerows([*above, header, *rows])
    return path


def write_xlsx(path: Path, rows: list[list], *, header: list[str] = HEADER, above: list[list] = (),
               merges: list[str] = ()) -> Path:
    """An .xlsx with rows under the header; cells in merges are merged (their lower cells emptied)."""
    book = Workbook()
    sheet = book.active
    for row in [*above, header, *rows]:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def counts(session: Session) -> tuple[int, ...]:
    """How many categories, problems, measures and history rows the database holds."""
    session.expire_all()
    return tuple(session.scalar(select(func.count()).select_from(model))
                 for model in (Category, Problem, Measure, MeasureUpdate))


def measure(session: Session, code: str) -> Measure:
    return session.scalar(select(Measure).where(Measure.code == code))


def problem(session: Session, number: int) -> Problem:
    return session.scalar(select(Problem).where(Problem.number == number))


def ledger_snapshot(session: Session, campaign: Campaign) -> dict:
    """Every field of every category, problem and measure of a campaign, keyed as the ledger keys them."""
    session.expire_all()
    categories = session.scalars(select(Category).where(Category.campaign_id == campaign.id)).all()
    problems = session.scalars(select(Problem).where(Problem.campaign_id == campaign.id)).all()
    measures = session.scalars(select(Measure).where(Measure.campaign_id == campaign.id)).all()
    return {
        "categories": {c.title: c.position for c in categories},
        "problems": {p.number: (p.category.title, p.description, p.deadline_label, p.due_date, p.lead_leader,
                                p.departments, p.goal) for p in problems},
        "measures": {m.code: (m.problem.number, m.position, m.text, m.status, m.completed_on, m.progress_note)
                     for m in measures},
    }
