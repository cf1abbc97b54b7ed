"""建议交办: the department an item should go to, from the 责任部门 of the measures or problems it is linked to."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import Department, DepartmentAlias, FeedbackItem, FeedbackLink, Measure, Problem, User
from portal.models.staff import HANDLER
from portal.services.ledger.departments import split_departments


@dataclass(frozen=True)
class SuggestedDepartment:
    department: Department
    #: why, in words: which measure's or problem's 责任部门 it is
    reason: str


def suggested_department(session: Session, item: FeedbackItem) -> SuggestedDepartment | None:
    """The first 责任部门, in ledger order, of the item's first linked measure or problem that has an active handler
    (an item sent to a department nobody works in would wait unseen); None when there is none."""
    staffed = set(session.scalars(select(User.department_id).where(
        User.role == HANDLER, User.active.is_(True), User.department_id.is_not(None))))
    if not staffed:
        return None
    departments = {d.name: d for d in session.scalars(select(Department).where(Department.id.in_(staffed),
                                                                               Department.active.is_(True)))}
    departments.update({name: d for name, d in session.execute(
        select(DepartmentAlias.name, Department).join(Department, Department.id == DepartmentAlias.department_id)
        .where(Department.id.in_(staffed), Department.active.is_(True)))})
    rows = session.execute(
        select(Measure.code, Problem.number, Problem.departments)
        .select_from(FeedbackLink)
        .outerjoin(Measure, Measure.id == FeedbackLink.measure_id)
        .join(Problem, Problem.id == func.coalesce(Measure.problem_id, FeedbackLink.problem_id))
        .where(FeedbackLink.item_id == item.id).order_by(FeedbackLink.id))
    for code, number, names in rows:
        for name in split_departments(names):
            if name in departments:
                where = _("措施%(code)s", code=code) if code else _("问题%(number)s", number=number)
                return SuggestedDepartment(departments[name], _("%(target)s的责任部门", target=where))
    return None
