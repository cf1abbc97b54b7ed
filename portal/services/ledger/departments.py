"""承办部门: the departments items are assigned to, named as the ledger's 责任部门 column names them."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Campaign, Department, DepartmentAlias, Problem
from portal.models.staff import DEPARTMENT_NAME_LENGTH

SEPARATORS = re.compile(r"[、，,；;/\s]+")
#: what a department's name may hold besides letters and digits of any script, e.g. 办公室（党建办）, 第一纪检监察室
NAME_MARKS = "（）()·・-－—_"


def name_problem(name: str) -> str | None:
    """Why name cannot be a department's (markup, control characters, punctuation junk, too long), or None.

    The 责任部门 column is free text; a department is created for each name in it, so only names that read as
    names become departments."""
    if len(name) > DEPARTMENT_NAME_LENGTH:
        return f"过长（{len(name)}个字符，最多{DEPARTMENT_NAME_LENGTH}个）"
    odd = next((ch for ch in name if not (ch.isalnum() or ch in NAME_MARKS)), None)
    if odd is not None:
        shown = odd if odd.isprintable() else f"U+{ord(odd):04X}"
        return f"含有不能用于部门名称的字符“{shown}”（部门名称只能由文字、数字和括号组成）"
    if not any(ch.isalpha() for ch in name):
        return "不含文字"
    return None


def split_departments(text: str | None) -> list[str]:
    """办公室、组织部 → [办公室, 组织部]."""
    return [name for name in SEPARATORS.split(text or "") if name]


def skipped_names(texts: list[str | None]) -> dict[str, str]:
    """Names in 责任部门 texts that will not become departments, each with why; the texts themselves are kept."""
    return {name: problem for text in texts for name in split_departments(text)
            if (problem := name_problem(name)) is not None}


def sync_from_ledger(session: Session, campaign: Campaign) -> list[Department]:
    """Create a Department for every name the campaign's ledger uses that does not exist yet; return the new ones.

    Names that cannot be a department's are left out (the import reports them, see skipped_names), and so are former
    names of departments (merged or renamed by an administrator: DepartmentAlias)."""
    named = {name for text in session.scalars(select(Problem.departments).where(Problem.campaign_id == campaign.id))
             for name in split_departments(text) if name_problem(name) is None}
    existing = set(session.scalars(select(Department.name).where(Department.name.in_(named))))
    existing |= set(session.scalars(select(DepartmentAlias.name).where(DepartmentAlias.name.in_(named))))
    created = [Department(name=name) for name in sorted(named - existing)]
    session.add_all(created)
    session.flush()
    return created
