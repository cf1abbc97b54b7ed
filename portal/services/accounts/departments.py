"""承办部门 as a managed list (admin): create, rename, merge one into another, deactivate; the choices offered for
accounts and assignment."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from portal.models import Department, DepartmentAlias, FeedbackItem, Reply, User
from portal.models.staff import HANDLER
from portal.services.common import audit, authz
from portal.services.common.errors import ServiceError
from portal.services.common.text import clean_text
from portal.services.feedback.retention import FINAL_STATES
from portal.services.ledger.departments import name_problem


class DepartmentError(ServiceError):
    """A department could not be created or changed."""


@dataclass(frozen=True)
class DepartmentRow:
    """One department on the management page, with what refers to it."""

    department: Department
    accounts: int
    active_handlers: int
    open_items: int
    items: int


@dataclass(frozen=True)
class DepartmentChoice:
    """An option of a department dropdown; staffed is False when no active handler works there."""

    id: int
    name: str
    staffed: bool


@dataclass(frozen=True)
class MergePlan:
    """What merging source into target moves: accounts, items (case numbers), replies and former names."""

    source: Department
    target: Department
    accounts: list[User]
    case_numbers: list[str]
    replies: int
    aliases: list[str]


def _staffed_ids(session: Session) -> set[int]:
    return set(session.scalars(select(User.department_id).where(
        User.role == HANDLER, User.active.is_(True), User.department_id.is_not(None))))


def choices(session: Session) -> list[DepartmentChoice]:
    """The active departments, by name, each marked whether an active handler works there."""
    staffed = _staffed_ids(session)
    return [DepartmentChoice(d.id, d.name, d.id in staffed)
            for d in session.scalars(select(Department).where(Department.active.is_(True)).order_by(Department.name))]


def overview(session: Session, actor: User) -> list[DepartmentRow]:
    """Every department (active first, then by name) with its accounts, active handlers and items."""
    authz.require(actor, "manage_users")

    def counts(query) -> dict[int, int]:
        return {department_id: count for department_id, count in session.execute(query)}
    accounts = counts(select(User.department_id, func.count(User.id)).group_by(User.department_id))
    handlers = counts(select(User.department_id, func.count(User.id))
                      .where(User.role == HANDLER, User.active.is_(True)).group_by(User.department_id))
    items = counts(select(FeedbackItem.department_id, func.count()).group_by(FeedbackItem.department_id))
    open_items = counts(select(FeedbackItem.department_id, func.count())
                        .where(FeedbackItem.state.not_in(FINAL_STATES)).group_by(FeedbackItem.department_id))
    departments = session.scalars(select(Department).order_by(Department.active.desc(), Department.name))
    return [DepartmentRow(d, accounts.get(d.id, 0), handlers.get(d.id, 0), open_items.get(d.id, 0), items.get(d.id, 0))
            for d in departments]


def department_for_admin(session: Session, actor: User, department_id: int) -> Department | None:
    authz.require(actor, "manage_users")
    return session.get(Department, department_id)


def _free_name(session: Session, name: str, department: Department | None = None) -> str:
    """name cleaned, when it can name a department and no other department has it; DepartmentError otherwise.

    A former name (alias) taken by a new department stops being an alias."""
    name = clean_text(name)
    if not name:
        raise DepartmentError(_("请填写部门名称。"), "name")
    if problem := name_problem(name):
        raise DepartmentError(_("部门名称无效：%(problem)s。", problem=problem), "name")
    taken = session.scalar(select(Department).where(Department.name == name))
    if taken is not None and taken is not department:
        raise DepartmentError(_("已有名为“%(name)s”的部门。", name=name), "name")
    session.execute(delete(DepartmentAlias).where(DepartmentAlias.name == name))
    return name


def create_department(session: Session, actor: User, name: str) -> Department:
    authz.require(actor, "manage_users")
    department = Department(name=_free_name(session, name), active=True)
    session.add(department)
    session.flush()
    audit.record(session, actor, "department.create", "department", department.id, department=department.name)
    return department


def rename_department(session: Session, actor: User, department: Department, name: str) -> None:
    """A new name; the old one becomes an alias, so that a ledger still naming it does not create it again."""
    authz.require(actor, "manage_users")
    new = _free_name(session, name, department)
    old = department.name
    if new == old:
        return
    department.name = new
    session.add(DepartmentAlias(name=old, department_id=department.id))
    audit.record(session, actor, "department.rename", "department", department.id, changes={"name": [old, new]})
    session.flush()


def set_active(session: Session, actor: User, department: Department, active: bool) -> None:
    """Deactivate (no longer offered for accounts or assignment; items keep it) or reactivate a department."""
    authz.require(actor, "manage_users")
    if department.active == active:
        return
    department.active = active
    audit.record(session, actor, "department.reactivate" if active else "department.deactivate", "department",
                 department.id, department=department.name)
    session.flush()


def merge_plan(session: Session, actor: User, source: Department, target_id: int | None) -> MergePlan:
    """What merging source into the department target_id would move; DepartmentError when target is not one."""
    authz.require(actor, "manage_users")
    target = session.get(Department, target_id) if target_id is not None else None
    if target is None:
        raise DepartmentError(_("请选择要并入的部门。"), "target")
    if target.id == source.id:
        raise DepartmentError(_("不能把部门并入它自己。"), "target")
    return MergePlan(
        source, target,
        list(session.scalars(select(User).where(User.department_id == source.id).order_by(User.name, User.email))),
        list(session.scalars(select(FeedbackItem.case_number).where(FeedbackItem.department_id == source.id)
                             .order_by(FeedbackItem.case_number))),
        session.scalar(select(func.count(Reply.id)).where(Reply.department_id == source.id)) or 0,
        sorted(session.scalars(select(DepartmentAlias.name).where(DepartmentAlias.department_id == source.id))))


def merge(session: Session, actor: User, plan: MergePlan) -> None:
    """Move everything that refers to plan.source to plan.target, keep the source's name (and its former names) as
    aliases of the target, and remove the source."""
    authz.require(actor, "manage_users")
    source, target = plan.source, plan.target
    for model in (User, FeedbackItem, Reply):
        session.execute(update(model).where(model.department_id == source.id).values(department_id=target.id)
                        .execution_options(synchronize_session=False))
    session.execute(update(DepartmentAlias).where(DepartmentAlias.department_id == source.id)
                    .values(department_id=target.id).execution_options(synchronize_session=False))
    name = source.name
    session.delete(source)
    session.flush()
    session.add(DepartmentAlias(name=name, department_id=target.id))
    audit.record(session, actor, "department.merge", "department", target.id, department=target.name,
                 merged=name, accounts=len(plan.accounts), items=len(plan.case_numbers), replies=plan.replies)
    session.flush()
    session.expire_all()
