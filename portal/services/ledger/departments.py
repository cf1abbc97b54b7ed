"""承办部门: the departments items are assigned to, named as the ledger's 责任部门 column names them."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Campaign, Department, Problem

SEPARATORS = re.compile(r"[、，,；;/\s]+")


def split_departments(text: str | None) -> list[str]:
    """办公室、组织部 → [办公室, 组织部]."""
    return [name for name in SEPARATORS.split(text or "") if name]


def sync_from_ledger(session: Session, campaign: Campaign) -> list[Department]:
    """Create a Department for every name the campaign's ledger uses that does not exist yet; return the new ones."""
    named = {name for text in session.scalars(select(Problem.departments).where(Problem.campaign_id == campaign.id))
             for name in split_departments(text)}
    existing = set(session.scalars(select(Department.name).where(Department.name.in_(named))))
    created = [Department(name=name) for name in sorted(named - existing)]
    session.add_all(created)
    session.flush()
    return created
