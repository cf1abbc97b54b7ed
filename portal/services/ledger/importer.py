"""整改台账导入: a read ledger applied to a campaign — created or updated in place, every measure change recorded."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Campaign, Category, Measure, MeasureUpdate, Problem, utcnow
from portal.services.follow import events as follow_events
from portal.services.ledger import deadlines, departments
from portal.services.ledger.reader import (
    PROBLEM_COLUMNS,
    CheckedRow,
    LedgerRejected,
    LedgerRow,
    LedgerSheet,
    RowError,
    checked,
    read_ledger,
)

#: LedgerRow attribute of each problem-level column, in ledger order
PROBLEM_ATTRS = dict(zip(PROBLEM_COLUMNS, ("category", "number", "description", "deadline_label",
                                           "lead_leader", "departments", "goal"), strict=True))
#: measure fields whose changes are recorded as MeasureUpdate rows, besides "problem"
MEASURE_FIELDS = ("status", "completed_on", "progress_note", "text")
#: flush this often while applying, so progress reflects the database work too
FLUSH_EVERY = 500

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Change:
    """One field of a measure or problem that the import changed, or in a dry run would change."""

    kind: str  # measure | problem
    key: str  # measure code or problem number
    field: str  # a measure or problem field, or "created"
    old_value: str | None
    new_value: str | None


@dataclass
class ImportResult:
    """What the ledger holds and what importing it changed."""

    categories: int = 0
    problems: int = 0
    measures: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)
    #: anything written at all, ordering included
    modified: bool = False
    #: names in 责任部门 that do not read as department names → why no department is made of them
    skipped_departments: dict[str, str] = field(default_factory=dict)
    #: the ledger's rows as read, in ledger order
    rows: list[CheckedRow] = field(default_factory=list)

    def problem_count(self, created: bool) -> int:
        """How many problems were created (True) or had a field changed (False)."""
        return len({c.key for c in self.changes if c.kind == "problem" and (c.field == "created") == created})


def import_ledger(session: Session, campaign: Campaign, path: Path | str, *, actor: str,
                  dry_run: bool = False, progress: Progress | None = None,
                  recorded_at: datetime | None = None) -> ImportResult:
    """Import a ledger file into campaign, or raise LedgerRejected listing everything wrong with it.

    recorded_at dates the changes in the measures' history (now by default): the moment the ledger describes, for a
    ledger entered after the fact (the demo's sample ledger is the state of 2021-03-31)."""
    sheet = read_ledger(Path(path))
    existing = _Existing(session, campaign)
    errors = (sheet.errors + _consistency_errors(sheet) + _due_date_errors(sheet, campaign)
              + _missing_measures(sheet, existing))
    if errors:
        raise LedgerRejected(errors)
    rows = [checked(row) for row in sheet.rows]
    result = _Applier(session, campaign, existing, actor, dry_run, recorded_at).apply(rows, progress)
    result.skipped_departments = departments.skipped_names([row.departments for row in rows])
    result.rows = rows
    if not dry_run:
        departments.sync_from_ledger(session, campaign)
    return result


class _Existing:
    """The campaign's ledger as the database holds it, keyed as the ledger refers to it."""

    def __init__(self, session: Session, campaign: Campaign) -> None:
        def rows(model):
            return session.scalars(select(model).where(model.campaign_id == campaign.id)).all()

        self.categories = {c.title: c for c in rows(Category)}
        self.problems = {p.number: p for p in rows(Problem)}
        self.measures = {m.code: m for m in rows(Measure)}
        self.category_titles = {c.id: c.title for c in self.categories.values()}
        self.problem_numbers = {p.id: p.number for p in self.problems.values()}


def _consistency_errors(sheet: LedgerSheet) -> list[RowError]:
    """Duplicate measure codes, and problem-level values that differ between the rows of one problem."""
    errors = []
    first_of_code: dict[str, int] = {}
    first_of_problem: dict[int, LedgerRow] = {}
    for row in sheet.rows:
        if row.code is not None:
            if row.code in first_of_code:
                errors.append(RowError(row.row, sheet.columns["措施编号"],
                                       f"措施编号“{row.code}”与第{first_of_code[row.code]}行重复"))
            first_of_code.setdefault(row.code, row.row)
        if row.number is None:
            continue
        first = first_of_problem.setdefault(row.number, row)
        for column, attr in PROBLEM_ATTRS.items():
            mine, theirs = getattr(row, attr), getattr(first, attr)
            if None not in (mine, theirs) and mine != theirs:
                errors.append(RowError(row.row, sheet.columns[column],
                                       f"问题{row.number}的{column}与第{first.row}行不一致"))
    return errors


def _due_date_errors(sheet: LedgerSheet, campaign: Campaign) -> list[RowError]:
    """Deadlines whose due date falls past the calendar's end (9000年内整改到位)."""
    errors = []
    for row in sheet.rows:
        if row.deadline_label is not None:
            try:
                deadlines.due_date(campaign.feedback_date, row.deadline_label)
            except ValueError as exc:
                errors.append(RowError(row.row, sheet.columns["整改时限"], str(exc)))
    return errors


def _missing_measures(sheet: LedgerSheet, existing: _Existing) -> list[RowError]:
    """Measures already imported that the ledger lacks: an import never deletes a measure."""
    in_ledger = {row.code for row in sheet.rows}
    last_row_of_problem = {row.number: row.row for row in sheet.rows}
    return [RowError(last_row_of_problem.get(existing.problem_numbers[m.problem_id], sheet.header_row),
                     sheet.columns["措施编号"],
                     f"台账缺少已导入的措施“{code}”（问题{existing.problem_numbers[m.problem_id]}）：导入不能删除措施")
            for code, m in sorted(existing.measures.items()) if code not in in_ledger]


def _value(value: object) -> str | None:
    """A field value as MeasureUpdate stores it."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


class _Applier:
    """Applies validated rows: matches categories by title, problems by number, measures by code."""

    def __init__(self, session: Session, campaign: Campaign, existing: _Existing, actor: str, dry_run: bool,
                 recorded_at: datetime | None = None):
        self.session, self.campaign, self.existing = session, campaign, existing
        self.actor, self.dry_run = actor, dry_run
        self.now = recorded_at or utcnow()
        self.result = ImportResult()

    def apply(self, rows: list[CheckedRow], progress: Progress | None) -> ImportResult:
        """Bring the campaign's ledger in line with rows, in ledger order, and say what changed."""
        categories = self._categories(rows)
        first_rows: dict[int, CheckedRow] = {}
        for row in rows:
            first_rows.setdefault(row.number, row)
        problems = {n: self._problem(row, categories[row.category]) for n, row in first_rows.items()}
        self.result.categories, self.result.problems, self.result.measures = len(categories), len(problems), len(rows)
        for position, row in enumerate(rows, 1):
            self._measure(row, position, problems[row.number])
            if progress is not None:
                progress(position, len(rows))
            if not self.dry_run and position % FLUSH_EVERY == 0:
                self.session.flush()
        self._drop_emptied_categories(set(categories), set(problems))
        if self.result.modified and not self.dry_run:
            self.campaign.touch()
            self.session.flush()
        return self.result

    def _categories(self, rows: list[CheckedRow]) -> dict[str, Category | None]:
        """Ledger title → category (None for a new one in a dry run), positioned in ledger order."""
        found: dict[str, Category | None] = {}
        for position, title in enumerate(dict.fromkeys(row.category for row in rows), 1):
            category = self.existing.categories.get(title)
            if category is None:
                self.result.modified = True
                if not self.dry_run:
                    category = Category(campaign=self.campaign, title=title, position=position)
                    self.session.add(category)
            elif category.position != position:
                self.result.modified = True
                if not self.dry_run:
                    category.position = position
            found[title] = category
        return found

    def _drop_emptied_categories(self, titles: set[str], numbers: set[int]) -> None:
        """Delete categories the ledger no longer names once none of the campaign's problems is left in them."""
        still_used = {p.category_id for n, p in self.existing.problems.items() if n not in numbers}
        for title, category in self.existing.categories.items():
            if title not in titles and category.id not in still_used:
                self.result.modified = True
                if not self.dry_run:
                    self.campaign.categories.remove(category)

    def _problem(self, row: CheckedRow, category: Category | None) -> Problem | None:
        """Create or update the problem of row; None for a new problem in a dry run."""
        values = {"description": row.description, "deadline_label": row.deadline_label,
                  "due_date": deadlines.due_date(self.campaign.feedback_date, row.deadline_label),
                  "lead_leader": row.lead_leader, "departments": row.departments, "goal": row.goal}
        problem = self.existing.problems.get(row.number)
        key = str(row.number)
        if problem is None:
            self._note(Change("problem", key, "created", None, row.description))
            if self.dry_run:
                return None
            problem = Problem(campaign_id=self.campaign.id, category=category, number=row.number, **values)
            self.session.add(problem)
            return problem
        old_category = self.existing.category_titles[problem.category_id]
        if old_category != row.category:
            self._note(Change("problem", key, "category", old_category, row.category))
            if not self.dry_run:
                problem.category = category
        for name, new in values.items():
            if getattr(problem, name) != new:
                self._note(Change("problem", key, name, _value(getattr(problem, name)), _value(new)))
                if not self.dry_run:
                    setattr(problem, name, new)
        return problem

    def _measure(self, row: CheckedRow, position: int, problem: Problem | None) -> None:
        """Create or update the measure of row, recording one MeasureUpdate per changed field."""
        measure = self.existing.measures.get(row.code)
        if measure is None:
            self.result.created += 1
            if not self.dry_run:
                measure = Measure(campaign_id=self.campaign.id, problem=problem, code=row.code, position=position,
                                  text=row.text, status=row.status, completed_on=row.completed_on,
                                  progress_note=row.progress_note)
                self.session.add(measure)
            self._record(measure, row.code, "created", None, row.status)
            return
        if measure.position != position:
            self.result.modified = True
            if not self.dry_run:
                measure.position = position
        changes = [(name, getattr(measure, name), getattr(row, name)) for name in MEASURE_FIELDS
                   if getattr(measure, name) != getattr(row, name)]
        old_number = self.existing.problem_numbers[measure.problem_id]
        if old_number != row.number:
            changes.append(("problem", old_number, row.number))
        if not changes:
            self.result.unchanged += 1
            return
        self.result.changed += 1
        for name, old, new in changes:
            if not self.dry_run:
                if name == "problem":
                    measure.problem = problem
                else:
                    setattr(measure, name, new)
            self._record(measure, row.code, name, _value(old), _value(new))

    def _record(self, measure: Measure | None, code: str, name: str, old: str | None, new: str | None) -> None:
        """Note a measure change and, unless in a dry run, append it to the measure's history."""
        self._note(Change("measure", code, name, old, new))
        if not self.dry_run:
            self.session.add(MeasureUpdate(measure=measure, actor=self.actor, changed_at=self.now,
                                           field=name, old_value=old, new_value=new))
            if measure is not None and measure.id is not None:
                follow_events.measure_changed(self.session, measure, name, old, new, self.now)

    def _note(self, change: Change) -> None:
        """Note a change in the result."""
        self.result.changes.append(change)
        self.result.modified = True
