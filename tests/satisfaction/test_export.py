"""The full export (flask feedback export and the staff download): dates of every step, measures, rating; masked."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import select

from portal.models import AuditEvent
from portal.services.feedback import workflow
from portal.services.feedback.export import EXPORT_COLUMNS
from portal.services.feedback.intake import Contact
from portal.services.satisfaction import ratings
from portal.services.satisfaction.links import token_for
from tests.satisfaction.conftest import CLOCKS

ZONE = ZoneInfo("Asia/Shanghai")
SENT = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(ZONE).replace(tzinfo=None, microsecond=0)


def rated_and_closed(session, answered, staff, rating_settings, small_campaign):
    item, reply = answered(sent_at=SENT, contact=Contact(name="张三丰", phone="13812341762"),
                           campaign_id=small_campaign.id, targets=["2-1", "1-2"])
    rated_at = datetime.now(UTC)
    ratings.rate(session, ratings.target(session, token_for(reply.id, rating_settings.key), rating_settings,
                                         now=SENT + timedelta(days=1)),
                 "basically_satisfied", "", "web", now=SENT + timedelta(days=1))
    workflow.apply(session, item, "close", staff.research, CLOCKS, now=SENT + timedelta(days=2))
    return item, rated_at


def test_cli_export_has_every_step_date_measures_and_the_rating(runner, session, answered, staff, rating_settings,
                                                                small_campaign, new_item, tmp_path):
    item, _ = rated_and_closed(session, answered, staff, rating_settings, small_campaign)
    waiting, _ = new_item(content="尚未受理的意见，请尽快办理。")
    session.commit()
    path = tmp_path / "items.xlsx"
    assert runner.invoke(args=["feedback", "export", str(path)]).exit_code == 0
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == EXPORT_COLUMNS
    by_case = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    done, fresh = by_case[item.case_number], by_case[waiting.case_number]
    assigned = session.scalar(select(AuditEvent.at).where(AuditEvent.action == "item.assign",
                                                          AuditEvent.item_id == item.id))
    assert (done["受理时间"], done["交办时间"].replace(microsecond=0), done["答复时间"], done["办结时间"]) == (
        local(SENT), local(assigned), local(SENT), local(SENT + timedelta(days=2)))
    assert (done["承办部门"], done["关联措施"], done["状态"]) == ("办公室", "1-2、2-1", "已办结")
    assert (done["满意度"], done["评价时间"]) == ("基本满意", local(SENT + timedelta(days=1)))
    assert (done["姓名"], done["电话"]) == ("张**", "138****1762")
    assert [fresh[c] for c in ("受理时间", "交办时间", "答复时间", "办结时间", "满意度", "评价时间")] == [None] * 6


def test_staff_download_is_scoped_masked_and_audited(client, session, answered, staff, rating_settings,
                                                     small_campaign, new_item, login):
    item, _ = rated_and_closed(session, answered, staff, rating_settings, small_campaign)
    elsewhere, _ = new_item(content="别的部门的意见，请尽快办理。")
    workflow.apply(session, elsewhere, "accept", staff.triager, CLOCKS)
    workflow.apply(session, elsewhere, "assign", staff.triager, CLOCKS, department=staff.outsider.department_id)
    login(staff.supervisor)
    home = client.get("/staff/").get_data(as_text=True)
    assert 'href="/staff/export?format=xlsx"' in home and 'href="/staff/export?format=csv"' in home
    response = client.get("/staff/export?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert {row["受理编号"] for row in rows} == {item.case_number, elsewhere.case_number}
    done = next(row for row in rows if row["受理编号"] == item.case_number)
    assert (done["满意度"], done["答复时间"], done["电话"]) == ("基本满意", local(SENT).strftime("%Y-%m-%d %H:%M"),
                                                           "138****1762")
    response = client.get("/staff/export?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == list(EXPORT_COLUMNS) and sheet.max_row == 3
    assert client.get("/staff/export?format=pdf").status_code == 404

    login(staff.outsider)
    rows = list(csv.DictReader(io.StringIO(client.get("/staff/export?format=csv").data.decode("utf-8-sig"))))
    assert [row["受理编号"] for row in rows] == [elsewhere.case_number]
    login(staff.triager)
    assert client.get("/staff/export?format=csv").status_code == 403
    assert "/staff/export" not in client.get("/staff/").get_data(as_text=True)
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "items.export")
                             .order_by(AuditEvent.id)).all()
    assert [(e.actor_id, e.details["count"], e.details["format"]) for e in events] == [
        (staff.supervisor.id, 2, "csv"), (staff.supervisor.id, 2, "xlsx"), (staff.outsider.id, 1, "csv")]
