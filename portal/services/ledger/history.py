"""整改台账的历史: the ledger as it stood at any moment, replayed from the measures' append-only history, and the
figures it published then (`flask figures --as-of`).

A measure existed from its "created" entry; its status is the latest "status" entry up to the moment (the created
entry's status before any); its problem is the latest "problem" entry up to the moment, else the problem it left at
its first later move, else its problem now. Problems and categories are taken as they are now (their titles and
deadline classes are not historised): a problem counts from its first measure.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from portal.models import (
    DONE,
    AuditEvent,
    Campaign,
    Category,
    Measure,
    MeasureUpdate,
    Problem,
    ProgressUpdate,
    Recheck,
)
from portal.models.base import UTCDateTime
from portal.models.progress import APPROVED
from portal.services.ledger.figures import figures_of

REPLAYED_FIELDS = ("created", "status", "problem")
#: the audit action of a ledger upload confirmed in the browser (portal.services.ledger.import_preview.confirm)
LEDGER_IMPORT = "ledger.import"


def end_of_day(day: date, timezone: str) -> datetime:
    """The first moment after day in the portal's time zone (BABEL_DEFAULT_TIMEZONE), as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=ZoneInfo(timezone))


class LedgerHistory:
    """The campaign's measure history and problems, read once (three queries) and replayed at any moment."""

    def __init__(self, session: Session, campaign: Campaign) -> None:
        self.campaign = campaign
        self.current: dict[int, int] = {measure_id: problem_number for measure_id, problem_number in session.execute(
            select(Measure.id, Problem.number).join(Problem).where(Measure.campaign_id == campaign.id))}
        self.entries = session.execute(
            select(MeasureUpdate.measure_id, MeasureUpdate.field, MeasureUpdate.old_value, MeasureUpdate.new_value,
                   MeasureUpdate.changed_at)
            .join(Measure).where(Measure.campaign_id == campaign.id, MeasureUpdate.field.in_(REPLAYED_FIELDS))
            .order_by(MeasureUpdate.changed_at, MeasureUpdate.id)).all()
        self.problems = session.execute(
            select(Problem.number, Category.title, Problem.deadline_label).join(Category)
            .where(Problem.campaign_id == campaign.id).order_by(Category.position, Problem.number)).all()

    def measures_at(self, moment: datetime) -> dict[int, tuple[int, str]]:
        """measure id → (problem number, status) of every measure the ledger held before moment."""
        status: dict[int, str] = {}
        number: dict[int, int] = {}
        moved_later: dict[int, int] = {}
        for measure_id, field, old, new, at in self.entries:
            if at >= moment:
                if field == "problem" and measure_id not in moved_later and old is not None:
                    moved_later[measure_id] = int(old)
                continue
            if field in ("created", "status") and new is not None:
                status[measure_id] = new
            elif field == "problem" and new is not None:
                number[measure_id] = int(new)
        for mid, old_number in moved_later.items():
            number.setdefault(mid, old_number)
        return {mid: (number.get(mid, self.current[mid]), state) for mid, state in status.items()
                if mid in self.current}

    def figures_on(self, day: date, timezone: str) -> dict:
        """The figures campaign_figures published at the end of day."""
        return self.figures_on_days([day], timezone)[0]

    def figures_on_days(self, days: list[date], timezone: str) -> list[dict]:
        """figures_on for each of days (oldest first), in one walk through the history: each measure's counted
        (problem, done) is moved as its entries are passed, and measures that ever changed problem are placed again
        at each day."""
        moves: dict[int, list[tuple[datetime, str | None, str | None]]] = defaultdict(list)
        for measure_id, field, old, new, at in self.entries:
            if field == "problem" and measure_id in self.current:
                moves[measure_id].append((at, old, new))
        tally: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        placed: dict[int, tuple[int, bool]] = {}
        status: dict[int, str] = {}

        def place(measure_id: int, moment: datetime) -> None:
            number = _number_at(moves[measure_id], moment, self.current[measure_id]) if measure_id in moves \
                else self.current[measure_id]
            counted = (number, status[measure_id] == DONE)
            before = placed.get(measure_id)
            if before == counted:
                return
            if before is not None:
                tally[before[0]][0] -= 1
                tally[before[0]][1] -= before[1]
            tally[number][0] += 1
            tally[number][1] += counted[1]
            placed[measure_id] = counted

        found, position = [], 0
        for day in days:
            moment = end_of_day(day, timezone)
            while position < len(self.entries) and self.entries[position].changed_at < moment:
                measure_id, field, _old, new, _at = self.entries[position]
                position += 1
                if field in ("created", "status") and new is not None and measure_id in self.current:
                    status[measure_id] = new
                    place(measure_id, moment)
            for measure_id in moves:
                if measure_id in status:
                    place(measure_id, moment)
            held = [(title, label, (tally[n][0], tally[n][1])) for n, title, label in self.problems
                    if tally.get(n, (0, 0))[0] > 0]
            figures = figures_of(self.campaign.slug, list(dict.fromkeys(title for title, _l, _c in held)), held)
            figures["as_of"] = day.isoformat()
            found.append(figures)
        return found

    def change_days(self, timezone: str) -> list[date]:
        """Every local day on which the replayed history changed, oldest first."""
        return sorted({local_date(at, timezone) for *_values, at in self.entries})


def _number_at(moves: list[tuple[datetime, str | None, str | None]], moment: datetime, now: int) -> int:
    """A measure's problem number before moment, from its problem moves (oldest first) as measures_at reads them."""
    earlier = [int(new) for at, _old, new in moves if at < moment and new is not None]
    if earlier:
        return earlier[-1]
    later = [int(old) for at, old, _new in moves if at >= moment and old is not None]
    return later[0] if later else now


def measures_as_of(session: Session, campaign: Campaign, moment: datetime) -> dict[int, tuple[int, str]]:
    """measure id → (problem number, status) of every measure the ledger held before moment."""
    return LedgerHistory(session, campaign).measures_at(moment)


def figures_as_of(session: Session, campaign: Campaign, day: date, timezone: str) -> dict:
    """The figures campaign_figures published at the end of day, replayed from the history."""
    return LedgerHistory(session, campaign).figures_on(day, timezone)


def last_changes(session: Session, campaign_ids: list[int]) -> dict[int, datetime]:
    """台账数据截至: campaign id → the moment of the last approved change to its ledger, in one query.

    That is the latest of: a change in a measure's history (an import dates its changes by the moment its ledger
    describes, so the demo's sample ledger says 2021-03-31; an approved department update; a 回头看 reopening a
    measure), the approval of a department update (even one that changed nothing), a recorded 回头看 (巩固 confirms
    the ledger without changing it) and a ledger upload confirmed in the browser (even one that changed problems
    only, which have no history). Campaigns whose ledger never changed are absent."""
    if not campaign_ids:
        return {}
    sources = union_all(
        select(Measure.campaign_id.label("campaign_id"), func.max(MeasureUpdate.changed_at).label("at"))
        .join(Measure).where(Measure.campaign_id.in_(campaign_ids)).group_by(Measure.campaign_id),
        select(Measure.campaign_id, func.max(ProgressUpdate.reviewed_at)).join(Measure)
        .where(Measure.campaign_id.in_(campaign_ids), ProgressUpdate.state == APPROVED).group_by(Measure.campaign_id),
        select(Recheck.campaign_id, func.max(Recheck.recorded_at))
        .where(Recheck.campaign_id.in_(campaign_ids), Recheck.recorded_at.is_not(None)).group_by(Recheck.campaign_id),
        select(AuditEvent.object_id, func.max(AuditEvent.at))
        .where(AuditEvent.action == LEDGER_IMPORT, AuditEvent.object_type == "campaign",
               AuditEvent.object_id.in_(campaign_ids)).group_by(AuditEvent.object_id),
    ).subquery()
    rows = session.execute(select(sources.c.campaign_id, func.max(sources.c.at, type_=UTCDateTime))
                           .where(sources.c.at.is_not(None)).group_by(sources.c.campaign_id))
    return {campaign_id: at for campaign_id, at in rows if at is not None}


def ledger_as_of(session: Session, campaign: Campaign, timezone: str) -> date | None:
    """台账数据截至: the local date (timezone: BABEL_DEFAULT_TIMEZONE) of the campaign's last approved ledger change
    (last_changes); None when its ledger never changed."""
    moment = last_changes(session, [campaign.id]).get(campaign.id)
    return local_date(moment, timezone) if moment is not None else None


def local_date(moment: datetime, timezone: str) -> date:
    """The date moment falls on in timezone."""
    return moment.astimezone(ZoneInfo(timezone)).date()
