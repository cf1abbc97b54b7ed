"""Campaigns of a chosen shape for the public page and API tests, committed outside any request."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import event

from portal import db
from portal.models import DONE, IN_PROGRESS, Campaign, Category, Measure, MeasureUpdate, Problem, ProgressReport
from portal.services.ledger.campaigns import create_campaign
from portal.services.ledger.deadlines import due_date
from portal.services.ops.demo import load_demo
from portal.services.ledger.figures import campaign_figures

FEEDBACK = date(2020, 11, 16)
LABELS = ("1个月内整改到位", "3个月内整改到位", "3个月内取得阶段性成效并在1年内整改到位")


def build_campaign(session, slug: str = "t", problems: int = 3, measures: int = 2, open_problems=(2,),
                   feedback_date: date = FEEDBACK, **details) -> Campaign:
    """problems problems over two categories, each with measures measures, all done except the last
    measure of each problem in open_problems; deadline classes cycle through LABELS."""
    campaign = create_campaign(session, slug, f"{slug}整改任务", feedback_date, unit="测试单位党组",
                               inspecting_body="省委第一巡视组", **details)
    categories = [Category(campaign_id=campaign.id, position=i, title=f"第{i}方面的问题") for i in (1, 2)]
    session.add_all(categories)
    session.flush()
    for number in range(1, problems + 1):
        label = LABELS[(number - 1) % len(LABELS)]
        problem = Problem(campaign_id=campaign.id, category_id=categories[(number - 1) % 2].id, number=number,
                          description=f"问题{number}的描述：制度不健全。", deadline_label=label,
                          due_date=due_date(feedback_date, label), lead_leader="党组书记、主席",
                          departments="办公室、组织部", goal=f"问题{number}的成效目标")
        session.add(problem)
        session.flush()
        for k in range(1, measures + 1):
            still_open = number in open_problems and k == measures
            session.add(Measure(
                campaign_id=campaign.id, problem_id=problem.id, code=f"{number}-{k}", position=number * 100 + k,
                text=f"措施{number}-{k}：修订工作规则", status=IN_PROGRESS if still_open else DONE,
                completed_on=None if still_open else feedback_date + timedelta(days=30 + k),
                progress_note="正在征求意见" if still_open else "已印发执行"))
    session.flush()
    return campaign


def add_report(session, campaign: Campaign, declared: dict, body: str = "一、整改进展\n全部措施正在落实。",
               unrepaired: int = 0, as_of: date = date(2021, 3, 31)) -> ProgressReport:
    """A published report declaring these figures, with the computed snapshot frozen now."""
    report = ProgressReport(campaign_id=campaign.id, title=f"{campaign.title}进展通报", as_of=as_of, body=body,
                            unrepaired_count=unrepaired, declared=declared,
                            snapshot=campaign_figures(session, campaign))
    session.add(report)
    campaign.touch()
    session.flush()
    return report


def add_update(session, campaign: Campaign, code: str, field: str, old: str | None, new: str) -> None:
    measure = session.query(Measure).filter_by(campaign_id=campaign.id, code=code).one()
    session.add(MeasureUpdate(measure_id=measure.id, actor="测试", field=field, old_value=old, new_value=new))
    session.flush()


@contextmanager
def committed(app: Flask):
    """A session in its own application context, committed on exit (requests then see fresh data)."""
    with app.app_context():
        session = db.session()
        yield session
        session.commit()


def seed(app: Flask, **shape) -> str:
    """Build and commit one campaign; its slug."""
    with committed(app) as session:
        return build_campaign(session, **shape).slug


def seed_demo(app: Flask) -> str:
    with committed(app) as session:
        return load_demo(session).slug


@contextmanager
def count_queries(app: Flask):
    """Collect every SQL statement the app's engine runs inside the block."""
    engine = app.extensions["portal.db"].kw["bind"]
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
