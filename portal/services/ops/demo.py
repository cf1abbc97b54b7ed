"""示例数据: the founding campaign (甘肃省总工会, 省委第八巡视组) with the sample ledger and the 2021 report."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from portal.models import Campaign
from portal.services.ledger.campaigns import create_campaign, find_campaign
from portal.services.ledger.importer import import_ledger
from portal.services.reports.importer import import_report

DEMO_DIR = Path(__file__).resolve().parents[3] / "data" / "demo"
DEMO_SLUG = "gansu-2020"


def load_demo(session: Session) -> Campaign | None:
    """Create the founding campaign with its sample ledger and report; None when it is already there."""
    if find_campaign(session, DEMO_SLUG) is not None:
        return None
    campaign = create_campaign(
        session, DEMO_SLUG, "省委第八巡视组反馈意见整改落实情况", date(2020, 11, 16),
        unit="中共甘肃省总工会党组",
        inspecting_body="省委第八巡视组",
        inspection_start=date(2020, 7, 20),
        inspection_end=date(2020, 9, 20),
        contact_phone="0931-8821762",
        contact_address="兰州市东郊巷26号甘肃省总工会政研室",
        contact_email="gsghzys@163.com",
        is_sample=True,
    )
    # the sample ledger is the state the 2021-03-31 report describes: its history is dated so (flask figures --as-of)
    import_ledger(session, campaign, DEMO_DIR / "sample-ledger.xlsx", actor="示例数据",
                  recorded_at=datetime(2021, 3, 31, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    import_report(session, campaign, (DEMO_DIR / "report-2021-zh-Hans.txt").read_text(encoding="utf-8"),
                  as_of=date(2021, 3, 31), title="中共甘肃省总工会党组关于巡视整改进展情况的通报")
    return campaign
