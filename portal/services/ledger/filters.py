"""问题清单的筛选: the campaign's problems (and so their measures) narrowed by 责任部门 and 牵头领导.

The choices are the department names the ledger's 责任部门 column uses (split as portal.services.ledger.departments
splits them) and its 牵头领导 values as written; a value that is not one of the choices matches nothing, so a
hostile query string never reaches the database."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.models import DONE, Campaign, Category, Problem
from portal.services.ledger.departments import name_problem, split_departments
from portal.services.ledger.figures import ProblemProgress


@dataclass(frozen=True)
class FilterChoices:
    """The values the two selects offer, in ledger order."""

    departments: list[str]
    leaders: list[str]


@dataclass(frozen=True)
class LedgerFilter:
    """责任部门 and 牵头领导 as asked for ("" for any)."""

    department: str = ""
    leader: str = ""

    @property
    def active(self) -> bool:
        return bool(self.department or self.leader)

    def known(self, choices: FilterChoices) -> bool:
        """Whether every value asked for is one of the choices."""
        return ((not self.department or self.department in choices.departments)
                and (not self.leader or self.leader in choices.leaders))

    def matches(self, problem: Problem) -> bool:
        return ((not self.department or self.department in split_departments(problem.departments))
                and (not self.leader or (problem.lead_leader or "").strip() == self.leader))


@dataclass(frozen=True)
class FilteredProblems:
    """The problems the filter keeps, their progress, and how many measures they hold (共N个问题、M条措施)."""

    problems: list[Problem] = field(default_factory=list)
    progress: dict[int, ProblemProgress] = field(default_factory=dict)

    @property
    def measures(self) -> int:
        return sum(p.measures for p in self.progress.values())


def filter_choices(session: Session, campaign: Campaign) -> FilterChoices:
    """Every department name and 牵头领导 the campaign's problems name, in ledger order, in one query."""
    rows = session.execute(select(Problem.departments, Problem.lead_leader).join(Category)
                           .where(Problem.campaign_id == campaign.id).order_by(Category.position, Problem.number))
    departments: dict[str, None] = {}
    leaders: dict[str, None] = {}
    for text, leader in rows:
        departments.update(dict.fromkeys(name for name in split_departments(text) if name_problem(name) is None))
        if leader and leader.strip():
            leaders[leader.strip()] = None
    return FilterChoices(list(departments), list(leaders))


def ledger_filter(department: str | None, leader: str | None) -> LedgerFilter:
    """The filter a query string asks for, its values stripped."""
    return LedgerFilter((department or "").strip(), (leader or "").strip())


def narrowed(problems: list[Problem], progress: dict[int, ProblemProgress], wanted: LedgerFilter,
             choices: FilterChoices) -> FilteredProblems:
    """The problems (with progress) that wanted keeps; none when it asks for a value the ledger does not use."""
    if not wanted.known(choices):
        return FilteredProblems()
    kept = [p for p in problems if wanted.matches(p)]
    return FilteredProblems(kept, {p.id: progress[p.id] for p in kept})


def problem_list(session: Session, campaign: Campaign, wanted: LedgerFilter,
                 choices: FilterChoices) -> FilteredProblems:
    """问题清单: the campaign's problems that wanted keeps, with their category and measures, in two queries (none for
    an unknown value); the database narrows by the department's name and the leader, the filter by whole names."""
    if not wanted.known(choices):
        return FilteredProblems()
    query = (select(Problem).join(Category).where(Problem.campaign_id == campaign.id)
             .options(joinedload(Problem.category), selectinload(Problem.measures))
             .order_by(Category.position, Problem.number))
    if wanted.department:
        query = query.where(Problem.departments.contains(wanted.department, autoescape=True))
    if wanted.leader:
        query = query.where(Problem.lead_leader.contains(wanted.leader, autoescape=True))
    problems = list(session.scalars(query).unique())
    progress = {p.id: ProblemProgress(len(p.measures), sum(m.status == DONE for m in p.measures), p.due_date)
                for p in problems}
    return narrowed(problems, progress, wanted, choices)
