"""回头看 over HTTP: the office schedules re-checks of completed measures and records their results with evidence; a
反弹 needs its confirmation, reopens the measure and the public figures change on the very next request; refusals
appear beside the form in Chinese; only the office reaches the pages and the files."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Campaign, Measure, Recheck
from portal.services.ledger import rechecks
from portal.services.ledger.campaigns import create_campaign
from tests.samples import pdf

URL = "/staff/campaigns/t/rechecks"
DUE = (date.today() + timedelta(days=7)).isoformat()
DONE_FIGURE = re.compile(r"<dt>已完成措施</dt><dd>(\d+)</dd>")
OPEN_FIGURE = re.compile(r"<dt>正在整改措施</dt><dd>(\d+)</dd>")


@pytest.fixture
def office(session, make_user, login, small_campaign):
    user = make_user("rectification")
    login(user)
    return user


def figures(client) -> tuple[int, int]:
    """已完成措施 and 正在整改措施 as the public campaign page shows them."""
    page = client.get("/campaigns/t/").get_data(as_text=True)
    return int(DONE_FIGURE.search(page)[1]), int(OPEN_FIGURE.search(page)[1])


def _campaign(session) -> Campaign:
    return session.scalar(select(Campaign).where(Campaign.slug == "t"))


def scheduled(session, *codes: str) -> Recheck:
    return session.scalar(select(Recheck).join(Measure).where(Measure.code.in_(codes)).order_by(Recheck.id))


def test_office_schedules_records_a_relapse_with_a_pdf_and_the_public_figures_move_at_once(client, session, office,
                                                                                          post_form):
    page = client.get(URL).get_data(as_text=True)
    assert "没有待记录结果的回头看。" in page and "还没有记录结果的回头看。" in page
    assert 'value="1-1"' in page and 'value="2-2"' not in page  # 2-2 is still in progress: nothing to re-check
    response = post_form(URL, {"due_on": DUE, "codes": ["1-1", "2-1"]}, page=URL)
    assert response.status_code == 302
    listing = client.get(URL).get_data(as_text=True)
    assert "已安排2项回头看" in listing and "记录结果" in listing and 'value="1-1"' not in listing

    before = figures(client)
    recheck = scheduled(session, "1-1")
    url = f"{URL}/{recheck.id}"
    unconfirmed = post_form(url, {"result": "relapsed", "note": "议题审核又被跳过两次。"}, page=url)
    assert "请勾选确认后再记录" in unconfirmed.get_data(as_text=True)
    assert figures(client) == before

    response = post_form(url, {"result": "relapsed", "note": "议题审核又被跳过两次。", "confirm_relapse": "y",
                               "evidence": (io.BytesIO(pdf()), "抽查记录.pdf")}, page=url,
                         content_type="multipart/form-data")
    assert response.status_code == 302
    done, in_progress = figures(client)
    assert (done, in_progress) == (before[0] - 1, before[1] + 1)
    assert "回头看发现反弹：议题审核又被跳过两次。" in client.get("/campaigns/t/measures/1-1").get_data(as_text=True)

    recorded = client.get(url).get_data(as_text=True)
    assert "反弹" in recorded and "议题审核又被跳过两次。" in recorded and "记录回头看结果" not in recorded
    session.expire_all()
    (evidence,) = scheduled(session, "1-1").evidence
    download = client.get(f"{URL}/evidence/{evidence.id}")
    assert download.data == pdf() and download.headers["X-Content-Type-Options"] == "nosniff"
    assert "抽查记录.pdf" in client.get(URL).get_data(as_text=True)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "recheck.record"))
    assert event.actor_id == office.id and event.details["attachments"] == 1


def test_a_held_recheck_changes_no_public_figure(client, session, office, post_form):
    post_form(URL, {"due_on": DUE, "deadline_label": "3个月内整改到位"}, page=URL)
    recheck = scheduled(session, "2-1")
    before = figures(client)
    url = f"{URL}/{recheck.id}"
    assert post_form(url, {"result": "held", "note": "抽查会议记录均符合规定。"}, page=url).status_code == 302
    assert figures(client) == before
    assert "巩固" in client.get(URL).get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    ({"codes": ["1-1"]}, "请填写回头看日期。"),
    ({"due_on": DUE}, "请指定措施编号，或指定整改时限类别（二者选一）。"),
    ({"due_on": DUE, "codes": ["1-1"], "deadline_label": "1个月内整改到位"}, "二者选一"),
    ({"due_on": "2020-01-01", "codes": ["1-1"]}, "回头看日期2020-01-01已过，请选择今天或以后的日期。"),
    ({"due_on": DUE, "codes": ["2-2"]}, "没有可以安排回头看的措施：所选措施尚未完成，或已在等待回头看。"),
    ({"due_on": DUE, "codes": ["9-9"]}, "没有编号为9-9的措施。"),
    ({"due_on": DUE, "deadline_label": "长期坚持"}, "整改时限为“长期坚持”的问题没有措施。"),
])
def test_a_schedule_the_service_refuses_shows_why_and_schedules_nothing(client, session, office, post_form, data,
                                                                        message):
    response = post_form(URL, data, page=URL)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert session.scalar(select(Recheck)) is None


@pytest.mark.parametrize(("data", "message"), [
    ({"result": "held", "note": "  "}, "请填写回头看情况说明。"),
    ({"note": "说明"}, "请选择回头看结果。"),
    ({"result": "held", "note": "说明", "evidence": (b"MZ\x90\x00", "记录.pdf")},
     "文件“记录.pdf”不是PDF、JPEG或PNG文件。"),
])
def test_a_result_the_service_refuses_shows_why_and_records_nothing(client, session, office, post_form, data,
                                                                    message):
    (recheck,) = rechecks.schedule(session, _campaign(session), date.today(), actor="整改办", codes=["1-1"])
    session.commit()
    url = f"{URL}/{recheck.id}"
    if "evidence" in data:
        content, filename = data["evidence"]
        data = {**data, "evidence": (io.BytesIO(content), filename)}
    response = post_form(url, data, page=url, content_type="multipart/form-data")
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Recheck, recheck.id).result is None and session.get(Recheck, recheck.id).evidence == []


def test_overdue_rechecks_are_marked_and_counted_on_the_office_home_and_campaign_list(client, session, office):
    campaign = _campaign(session)
    rechecks.schedule(session, campaign, date.today() - timedelta(days=3), actor="整改办", codes=["1-1"],
                      today=date.today() - timedelta(days=10))
    rechecks.schedule(session, campaign, date.today() + timedelta(days=30), actor="整改办", codes=["1-2"])
    session.commit()
    page = client.get(URL).get_data(as_text=True)
    assert "其中1项已过回头看日期" in page and page.count("badge-overdue") == 1
    assert page.index("1-1") < page.index("1-2")  # due first
    assert "回头看（1项到期）" in client.get("/staff/").get_data(as_text=True)
    assert "1项到期" in client.get("/staff/campaigns").get_data(as_text=True)


def test_recorded_rechecks_are_paged_latest_first(client, session, office):
    campaign = _campaign(session)
    for number in range(22):
        (recheck,) = rechecks.schedule(session, campaign, date.today(), actor="整改办", codes=["1-1"])
        rechecks.record(session, recheck, "held", f"第{number}次抽查符合规定。", actor="整改办")
    session.commit()
    first = client.get(URL).get_data(as_text=True)
    assert "第21次抽查" in first and "第1次抽查" not in first and "第1页，共2页" in first
    second = client.get(URL + "?page=2").get_data(as_text=True)
    assert "第1次抽查" in second and "第0次抽查" in second and "第21次抽查" not in second


def test_another_campaigns_recheck_and_files_are_not_found_under_this_one(client, session, office):
    other = create_campaign(session, "other", "另一轮", date(2021, 1, 1))
    (recheck,) = rechecks.schedule(session, _campaign(session), date.today(), actor="整改办", codes=["1-1"])
    session.commit()
    assert client.get(f"/staff/campaigns/{other.slug}/rechecks/{recheck.id}").status_code == 404
    assert client.get(f"{URL}/{recheck.id}").status_code == 200
    assert client.get(f"{URL}/evidence/999").status_code == 404
    assert client.get("/staff/campaigns/nope/rechecks").status_code == 404


@pytest.mark.parametrize("role", ["triager", "research", "supervisor", "admin", "clerk"])
def test_other_roles_cannot_open_the_rechecks(client, session, make_user, login, small_campaign, role):
    (recheck,) = rechecks.schedule(session, small_campaign, date.today(), actor="整改办", codes=["1-1"])
    login(make_user(role))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/{recheck.id}").status_code == 403
