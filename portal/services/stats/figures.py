"""Every figure of /staff/stats for a campaign and a range of received dates, in one StatsFigures."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ARRAY, ColumnElement, DateTime, bindparam, case, func, literal, select
from sqlalchemy.orm import Session

from portal.models import Campaign, Department, FeedbackItem, User
from portal.models.feedback import CHANNELS, KINDS
from portal.services.common import authz
from portal.services.common.clocks import ClockSettings, start_of_local_day

from . import _sql
from .definitions import EXCLUDED_STATES
from .handling import ALL, COUNTS, Clock, Handling, count_columns
from .lights import LightThresholds
from .scoped import Satisfaction, TargetFigures, scoped_figures

PERIODS = ("month", "week")


@dataclass(frozen=True)
class StatsScope:
    """Which items: a campaign's, received (office-local date) from date_from to date_to inclusive (open ends when
    None); received_by_period by month or week."""

    campaign: Campaign
    date_from: date | None = None
    date_to: date | None = None
    period: str = "month"


@dataclass(frozen=True)
class DepartmentFigures:
    department: str
    department_id: int
    handling: Handling
    satisfaction: Satisfaction
    light: str


@dataclass(frozen=True)
class StatsFigures:
    """Everything /staff/stats shows (and a 通报 reports) for one scope; as_json() is `flask stats --json`."""

    campaign_slug: str
    campaign_title: str
    date_from: date | None
    date_to: date | None
    today: date
    period: str
    excluded: dict[str, int]
    received_by_channel: dict[str, int]
    received_by_kind: dict[str, int]
    received_by_period: list[tuple[str, int]]
    totals: Handling
    by_department: list[DepartmentFigures]
    #: accepted items not yet assigned to a department
    unassigned: int
    top_problems: list[TargetFigures]
    top_measures: list[TargetFigures]
    satisfaction: Satisfaction
    thresholds: LightThresholds = field(default_factory=LightThresholds)

    @property
    def received(self) -> int:
        return self.totals.received

    def as_json(self) -> dict:
        return {
            "campaign": self.campaign_slug, "campaign_title": self.campaign_title,
            "from": _iso(self.date_from), "to": _iso(self.date_to), "today": self.today.isoformat(),
            "received": self.received, "excluded": self.excluded,
            "received_by_channel": self.received_by_channel, "received_by_kind": self.received_by_kind,
            "period": self.period,
            "received_by_period": [{"period": p, "received": n} for p, n in self.received_by_period],
            "totals": _handling_json(self.totals),
            "by_department": [{"department": d.department, **_handling_json(d.handling),
                               "satisfaction_rate": d.satisfaction.satisfaction_rate,
                               "rated": d.satisfaction.rated, "light": d.light} for d in self.by_department],
            "unassigned": self.unassigned,
            "top_problems": [{"problem": t.label, "text": t.text, "received": t.received, "answered": t.answered}
                             for t in self.top_problems],
            "top_measures": [{"measure": t.label, "text": t.text, "received": t.received, "answered": t.answered}
                             for t in self.top_measures],
            "satisfaction": self.satisfaction.as_json(),
            "light_thresholds": {"green_rate": str(self.thresholds.green_rate),
                                 "red_rate": str(self.thresholds.red_rate),
                                 "red_overdue": self.thresholds.red_overdue},
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _handling_json(h: Handling) -> dict:
    return {**asdict(h), "on_time_accept_rate": h.on_time_accept_rate, "on_time_answer_rate": h.on_time_answer_rate}


def scope_conditions(scope: StatsScope, user: User | None, clocks: ClockSettings) -> list[ColumnElement[bool]]:
    """The items in scope that count: the campaign's, in the date range, visible to user (None: an operator command
    sees all), not duplicates or spam."""
    return [*_range_conditions(scope, user, clocks), FeedbackItem.state.not_in(EXCLUDED_STATES)]


def _range_conditions(scope: StatsScope, user: User | None, clocks: ClockSettings) -> list[ColumnElement[bool]]:
    conditions = [FeedbackItem.campaign_id == scope.campaign.id]
    if user is not None:
        conditions.append(authz.visible_items(user))
    if scope.date_from:
        conditions.append(FeedbackItem.received_at >= start_of_local_day(scope.date_from, clocks.timezone))
    if scope.date_to:
        conditions.append(FeedbackItem.received_at < start_of_local_day(scope.date_to + timedelta(days=1),
                                                                         clocks.timezone))
    return conditions


def compute(session: Session, user: User | None, scope: StatsScope, clocks: ClockSettings,
            thresholds: LightThresholds, today: date | None = None) -> StatsFigures:
    """Every figure of the scope, as user may see them (a handler: their department's items only).

    Four statements on PostgreSQL whatever the number of items: the earliest and latest receipt (to number the
    periods), the counts grouped by department, channel, kind, period and excluded state (summed up here: counts add
    up), the percentiles, answers and top problems and measures of the items in scope (scoped.py), and the
    departments' names; five on SQLite, which needs no first one but runs scoped.py's three one by one."""
    if user is not None:
        authz.require(user, "view_stats")
    clock = Clock(session.get_bind().dialect.name, clocks.timezone, today or clocks.today())
    groups = _grouped_counts(session, _range_conditions(scope, user, clocks), clock, scope.period)
    counted = [g for g in groups if g.excluded is None]
    found = scoped_figures(session, scope_conditions(scope, user, clocks), clock)
    totals = Handling(**_sum(counted), **found.times.get(ALL, {}))  # type: ignore[arg-type]
    department_ids = sorted({g.department_id for g in counted if g.department_id is not None})
    departments = {d: Handling(**_sum([g for g in counted if g.department_id == d]),
                               **found.times.get(d, {}))  # type: ignore[arg-type]
                   for d in department_ids}
    names = {i: n for i, n in session.execute(
        select(Department.id, Department.name).where(Department.id.in_(department_ids)))}
    rows = [DepartmentFigures(names[d], d, h, found.satisfaction.get(d, Satisfaction()),
                              thresholds.light(h.on_time_answer_rate, h.overdue_now))
            for d, h in departments.items()]
    return StatsFigures(
        campaign_slug=scope.campaign.slug, campaign_title=scope.campaign.title, date_from=scope.date_from,
        date_to=scope.date_to, today=clock.today, period=scope.period,
        excluded={state: sum(g.counts["received"] for g in groups if g.excluded == state)
                  for state in EXCLUDED_STATES},
        received_by_channel=_tally(counted, "channel", CHANNELS),
        received_by_kind=_tally(counted, "kind", KINDS),
        received_by_period=sorted(_tally(counted, "period", ()).items()),
        totals=totals,
        by_department=sorted(rows, key=lambda f: (-f.handling.received, f.department)),
        unassigned=totals.received - totals.assigned,
        top_problems=found.top_problems,
        top_measures=found.top_measures,
        satisfaction=found.satisfaction.get(ALL, Satisfaction()),
        thresholds=thresholds,
    )


@dataclass(frozen=True)
class _Group:
    """The counts of the items of one department, channel, kind and period (and excluded state, or None)."""

    department_id: int | None
    channel: str
    kind: str
    period: str
    excluded: str | None
    counts: dict[str, int]


def _grouped_counts(session: Session, conditions, clock: Clock, unit: str) -> list[_Group]:
    bucket, period_of = _period_key(session, conditions, clock, unit)
    excluded = case((FeedbackItem.state.in_(EXCLUDED_STATES), FeedbackItem.state))
    keys = (FeedbackItem.department_id, FeedbackItem.channel, FeedbackItem.kind, bucket, excluded)
    columns = count_columns(clock)
    query = select(*keys, *(columns[name] for name in COUNTS)).where(*conditions).group_by(*keys)
    return [_Group(d, c, k, period_of(p), e, dict(zip(COUNTS, map(int, counts), strict=True)))
            for d, c, k, p, e, *counts in session.execute(query)]


def _period_key(session: Session, conditions, clock: Clock, unit: str) -> tuple[ColumnElement, Callable[[Any], str]]:
    """The SQL key of an item's month or week, and how to read a key as '2021-03' or the week's Monday '2021-03-01'.

    On PostgreSQL the key is the period's number among the office-local period starts from the first item's to the
    last item's (width_bucket over their UTC instants, computed here): converting and formatting every item's time
    in SQL took half of the grouped statement's time. SQLite formats each item's local date."""
    if clock.dialect != "postgresql":
        return _sql.period(FeedbackItem.received_at, clock.dialect, clock.timezone, unit), str
    first, last = session.execute(select(func.min(FeedbackItem.received_at), func.max(FeedbackItem.received_at))
                                  .where(*conditions)).one()
    if first is None:
        return literal(0), str
    zone = ZoneInfo(clock.timezone)
    starts = _sql.period_starts(first.astimezone(zone).date(), last.astimezone(zone).date(), unit)
    instants = bindparam("period_starts", [start_of_local_day(day, clock.timezone) for day in starts],
                         type_=ARRAY(DateTime(timezone=True)))
    labels = [f"{day:%Y-%m}" if unit == "month" else day.isoformat() for day in starts]
    return func.width_bucket(FeedbackItem.received_at, instants), lambda number: labels[int(number) - 1]


def _sum(groups: list[_Group]) -> dict[str, int]:
    return {name: sum(g.counts[name] for g in groups) for name in COUNTS}


def _tally(groups: list[_Group], attribute: str, codes: tuple[str, ...]) -> dict[str, int]:
    """Items received per value of attribute, every code listed (0 when none) and any other value found after."""
    found: dict[str, int] = {}
    for g in groups:
        found[getattr(g, attribute)] = found.get(getattr(g, attribute), 0) + g.counts["received"]
    return {code: found.get(code, 0) for code in codes} | {k: v for k, v in found.items() if k not in codes}
