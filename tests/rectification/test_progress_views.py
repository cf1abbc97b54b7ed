"""部门进展报送 over HTTP: the handler's list and form, the office's review page; the public measure page shows the
update only once approved, with its date."""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from portal.models import Measure, Problem
from portal.models.progress import ProgressUpdate
from tests.samples import pdf


def responsible(session, small_campaign) -> Measure:
    session.scalar(select(Problem).where(Problem.number == 2)).departments = "组织部"
    session.commit()
    return session.scalar(select(Measure).where(Measure.code == "2-2"))


def test_handler_reports_office_approves_and_the_public_sees_it(client, session, make_user, login, post_form,
                                                               small_campaign):
    measure = responsible(session, small_campaign)
    handler, office = make_user("handler", department="组织部"), make_user("rectification")
    login(handler)
    listing = client.get("/staff/measures").get_data(as_text=True)
    assert "2-2" in listing and "1-1" not in listing
    url = f"/staff/measures/{measure.id}/progress"
    page = post_form(url, {"status": "done", "progress_note": "已印发。"}, page=url).get_data(as_text=True)
    assert "已完成的措施请填写完成时间。" in page
    response = post_form(url, {"status": "done", "completed_on": "2021-04-20", "progress_note": "制度已印发。",
                               "evidence": (io.BytesIO(pdf()), "印发通知.pdf")}, page=url,
                         content_type="multipart/form-data")
    assert response.status_code == 302
    public = f"/campaigns/{small_campaign.slug}/measures/2-2"
    assert "制度已印发。" not in client.get(public).get_data(as_text=True)

    login(office)
    review = client.get("/staff/progress").get_data(as_text=True)
    assert "制度已印发。" in review and "组织部" in review
    update = session.scalar(select(ProgressUpdate))
    evidence = f"/staff/progress/evidence/{update.evidence[0].id}"
    assert "印发通知.pdf" in review and evidence in review
    assert client.get(evidence).data == pdf()
    assert post_form(f"/staff/progress/{update.id}/approve", page="/staff/progress").status_code == 302
    page = client.get(public).get_data(as_text=True)
    assert "制度已印发。" in page and "组织部报送" in page and date.today().isoformat()[:4] in page


def test_office_returns_an_update_and_the_handler_reads_why(client, session, make_user, login, post_form,
                                                           small_campaign):
    measure = responsible(session, small_campaign)
    handler, office = make_user("handler", department="组织部"), make_user("rectification")
    login(handler)
    url = f"/staff/measures/{measure.id}/progress"
    post_form(url, {"status": "in_progress", "progress_note": "起草中。"}, page=url)
    login(office)
    update = session.scalar(select(ProgressUpdate))
    post_form(f"/staff/progress/{update.id}/return", {"comment": "请写明进度。"}, page="/staff/progress")
    login(handler)
    assert "请写明进度。" in client.get("/staff/measures").get_data(as_text=True)


def test_a_handler_of_another_department_cannot_open_the_form(client, session, make_user, login, small_campaign):
    measure = responsible(session, small_campaign)
    login(make_user("handler", department="宣传部"))
    assert client.get(f"/staff/measures/{measure.id}/progress").status_code == 404
    assert client.get("/staff/progress").status_code == 403


def test_overdue_measures_are_marked_for_the_department_and_listed_for_the_office(client, session, make_user, login,
                                                                                 small_campaign):
    measure = responsible(session, small_campaign)
    measure.problem.due_date = date(2021, 2, 16)
    session.commit()
    login(make_user("handler", department="组织部"))
    assert "已逾期" in client.get("/staff/measures").get_data(as_text=True)
    login(make_user("rectification"))
    page = client.get("/staff/progress").get_data(as_text=True)
    assert "逾期未完成的措施" in page and "2-2" in page
