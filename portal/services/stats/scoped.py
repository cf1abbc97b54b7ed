"""The figures read row by row from the items in scope: the percentiles of the days to accept and to answer, the
answers sent and their ratings, the problems and measures with the most items.

All three start from the same few columns of the same items (the CTE scoped_item). On PostgreSQL they run as one
statement, each result gathered by json_agg, so the wide item rows are read once into the materialized CTE instead
of three times (with 100,000 items: 5-15 % less database CPU than three statements) and the plan stays serial: the
answers' statement alone ran as a parallel hash join that built its hash tables in every worker, and under load on
two cores the three statements took 25-40 % longer than the one. SQLite (no percentile_cont) runs them one by one
over the same CTE."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    cast,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session

from portal.models import AnswerRating, FeedbackItem, FeedbackLink, Measure, Problem, Reply
from portal.models.feedback import SENT
from portal.models.rating import RATING_LEVELS
from portal.services.ledger.figures import rate

from . import _sql
from .handling import ALL, TIMES, Clock, days, durations

TOP = 10
PROBLEM, MEASURE = "problem", "measure"


@dataclass(frozen=True)
class Satisfaction:
    satisfied: int = 0
    basically_satisfied: int = 0
    unsatisfied: int = 0
    #: answers sent to the items in scope
    answered: int = 0

    @property
    def rated(self) -> int:
        return self.satisfied + self.basically_satisfied + self.unsatisfied

    @property
    def response_rate(self) -> str | None:
        """参评率: ratings ÷ answers sent."""
        return rate(self.rated, self.answered) if self.answered else None

    @property
    def satisfaction_rate(self) -> str | None:
        """满意率: (满意 + 基本满意) ÷ ratings."""
        return rate(self.satisfied + self.basically_satisfied, self.rated) if self.rated else None

    def as_json(self) -> dict:
        return {**asdict(self), "rated": self.rated, "response_rate": self.response_rate,
                "satisfaction_rate": self.satisfaction_rate}


@dataclass(frozen=True)
class TargetFigures:
    """A problem or measure among the most opinions: its number or code, its text, items received and answered."""

    id: int
    label: str
    text: str
    received: int
    answered: int


@dataclass(frozen=True)
class ScopedFigures:
    #: ALL and each department id → Handling's four percentile fields
    times: dict[Any, dict[str, float | None]]
    #: ALL and each department id → its answers and ratings
    satisfaction: dict[Any, Satisfaction]
    top_problems: list[TargetFigures]
    top_measures: list[TargetFigures]


def scoped_figures(session: Session, conditions: list, clock: Clock) -> ScopedFigures:
    """The percentiles, the satisfaction and the top problems and measures of the items matching conditions: one
    statement on PostgreSQL, three on SQLite."""
    scoped = _scoped_items(conditions, clock)
    queries = (_percentile_query(scoped, clock), _satisfaction_query(scoped), _top_query(scoped))
    if clock.dialect == "postgresql":
        gathered = [select(func.json_agg(func.json_build_array(*part.c))).select_from(part).scalar_subquery()
                    for part in (query.subquery() for query in queries)]
        results = [[tuple(row) for row in found or ()] for found in session.execute(select(*gathered)).one()]
    else:
        results = [[tuple(row) for row in session.execute(query)] for query in queries]
    rows_times, rows_satisfaction, rows_top = results
    top_problems, top_measures = _top(rows_top)
    return ScopedFigures(_times(rows_times, clock), _satisfaction(rows_satisfaction), top_problems, top_measures)


def _scoped_items(conditions: list, clock: Clock) -> CTE:
    """id, department, answered or not and the two durations of each item in scope; materialized on PostgreSQL (its
    default for a CTE read three times, said explicitly)."""
    accept, answer = durations(clock)
    return (select(FeedbackItem.id, FeedbackItem.department_id, FeedbackItem.replied_at.is_not(None).label("answered"),
                   accept.label("accept_days"), answer.label("answer_days"))
            .where(*conditions).cte("scoped_item").prefix_with("MATERIALIZED", dialect="postgresql"))


def _percentile_query(scoped: CTE, clock: Clock) -> Select:
    """percentile_cont over GROUPING SETS ((), (department)) on PostgreSQL; on SQLite (no ordered-set aggregates)
    the durations of the items, interpolated the same way in _times. Items with neither duration (undecided and
    unanswered) change no percentile: left out before the sorts."""
    department, durations_ = scoped.c.department_id, (scoped.c.accept_days, scoped.c.answer_days)
    timed = or_(*(duration.is_not(None) for duration in durations_))
    if clock.dialect != "postgresql":
        return select(department, *durations_).where(timed)
    return (select(func.grouping(department).label("total"), department,
                   *(func.percentile_cont(fraction).within_group(duration.asc())
                     for duration in durations_ for fraction in (0.5, 0.9)))
            .where(timed).group_by(func.grouping_sets(tuple_(), tuple_(department))))


def _times(rows: list, clock: Clock) -> dict[Any, dict[str, float | None]]:
    result: dict[Any, dict[str, float | None]] = {}
    if clock.dialect == "postgresql":
        for total, key, *values in rows:
            if total or key is not None:
                result[ALL if total else key] = dict(zip(TIMES, map(days, values), strict=True))
        return result
    found: dict[Any, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for key, accepted, answered in rows:
        for group in (ALL, key) if key is not None else (ALL,):
            for values, duration in zip(found[group], (accepted, answered), strict=True):
                if duration is not None:
                    values.append(float(duration))
    for group, (accepted_days, answered_days) in found.items():
        result[group] = dict(zip(TIMES, (days(_sql.percentile_cont(values, fraction)) for values in
                                         (accepted_days, answered_days) for fraction in (0.5, 0.9)), strict=True))
    return result


def _satisfaction_query(scoped: CTE) -> Select:
    """The answers sent to the answered items in scope, per department and rating level (None: not rated)."""
    return (select(scoped.c.department_id, AnswerRating.level, func.count(Reply.id)).select_from(Reply)
            .join(scoped, scoped.c.id == Reply.item_id).outerjoin(AnswerRating, AnswerRating.reply_id == Reply.id)
            .where(scoped.c.answered, Reply.status == SENT).group_by(scoped.c.department_id, AnswerRating.level))


def _satisfaction(rows: list) -> dict[Any, Satisfaction]:
    result = {}
    for group in {ALL, *(d for d, _level, _n in rows if d is not None)}:
        mine = [(level, int(n)) for d, level, n in rows if group == ALL or d == group]
        result[group] = Satisfaction(**{level: sum(n for lv, n in mine if lv == level) for level in RATING_LEVELS},
                                     answered=sum(n for _level, n in mine))
    return result


def problem_key() -> ColumnElement:
    """The problem an item's link is about: the linked problem, or the linked measure's problem."""
    return func.coalesce(FeedbackLink.problem_id, Measure.problem_id)


def _top_query(scoped: CTE) -> CompoundSelect:
    """The TOP problems and the TOP measures with the most items in scope: the links of those items are read once
    (a CTE) and counted by problem (an item counted once however many of the problem's measures it names) and by
    measure before the counts meet the problems' and measures' texts."""
    links = (select(FeedbackLink.item_id, FeedbackLink.measure_id, problem_key().label("problem_id"), scoped.c.answered)
             .select_from(FeedbackLink).join(scoped, scoped.c.id == FeedbackLink.item_id)
             .outerjoin(Measure, Measure.id == FeedbackLink.measure_id).cte("scoped_link"))
    item_problems = select(links.c.item_id, links.c.problem_id, links.c.answered).distinct().subquery("item_problem")
    by_problem = (select(item_problems.c.problem_id, func.count().label("received"),
                         func.count().filter(item_problems.c.answered).label("answered"))
                  .group_by(item_problems.c.problem_id).subquery("by_problem"))
    by_measure = (select(links.c.measure_id, func.count(func.distinct(links.c.item_id)).label("received"),
                         func.count(func.distinct(links.c.item_id)).filter(links.c.answered).label("answered"))
                  .where(links.c.measure_id.is_not(None)).group_by(links.c.measure_id).subquery("by_measure"))
    problems = (select(literal(PROBLEM).label("target"), Problem.id, cast(Problem.number, String).label("label"),
                       Problem.description.label("text"), Problem.number.label("rank"), by_problem.c.received,
                       by_problem.c.answered)
                .join_from(by_problem, Problem, Problem.id == by_problem.c.problem_id)
                .order_by(by_problem.c.received.desc(), Problem.number).limit(TOP))
    measures = (select(literal(MEASURE).label("target"), Measure.id, Measure.code.label("label"),
                       Measure.text.label("text"), Measure.position.label("rank"), by_measure.c.received,
                       by_measure.c.answered)
                .join_from(by_measure, Measure, Measure.id == by_measure.c.measure_id)
                .order_by(by_measure.c.received.desc(), Measure.position).limit(TOP))
    return union_all(select(problems.subquery()), select(measures.subquery()))


def _top(rows: list) -> tuple[list[TargetFigures], list[TargetFigures]]:
    """The problems and the measures, most items first; ties go to the lower problem number or the earlier
    measure."""
    found: dict[str, list[TargetFigures]] = {PROBLEM: [], MEASURE: []}
    for target, i, label, text, _rank, r, a in sorted(rows, key=lambda row: (-int(row[5]), int(row[4] or 0))):
        found[target].append(TargetFigures(i, str(label), text, int(r), int(a)))
    return found[PROBLEM], found[MEASURE]
