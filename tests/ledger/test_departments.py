"""Departments named in the ledger's 责任部门 column become assignable departments."""
from datetime import date
from pathlib import Path

from sqlalchemy import select

from portal.models import Department
from portal.services.ledger.campaigns import create_campaign
from portal.services.ledger.departments import split_departments
from portal.services.ledger.importer import import_ledger

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "demo" / "sample-ledger.csv"


def test_split_departments_on_chinese_and_ascii_separators():
    assert split_departments("办公室、组织部，财务资产部; 机关党委") == ["办公室", "组织部", "财务资产部", "机关党委"]
    assert split_departments(None) == []


def test_ledger_import_creates_each_department_once(session):
    campaign = create_campaign(session, "d", "测试", date(2020, 11, 16))
    import_ledger(session, campaign, SAMPLE, actor="test")
    names = session.scalars(select(Department.name)).all()
    assert {"办公室", "组织部", "政研室", "机关党委"} <= set(names)
    assert len(names) == len(set(names))
    import_ledger(session, campaign, SAMPLE, actor="test")
    assert len(session.scalars(select(Department.name)).all()) == len(names)
