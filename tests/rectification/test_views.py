"""The rectification office's pages over HTTP: campaigns listed, created, edited, chosen for the home page; the
ledger uploaded, previewed, confirmed by its hash, downloaded; every other role refused."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from tests.ledger_files import ROWS, campaign, counts, measure, write_csv
from tests.rectification.test_ledger_upload import changed_rows

from portal.models import AuditEvent, Campaign, User
from portal.services.ledger.importer import import_ledger

HASH = re.compile(r'name="sha256" type="hidden" value="([0-9a-f]{64})"')
NEW = {"slug": "round-2", "title": "第二轮巡视整改", "feedback_date": "2021-06-01", "unit": "某单位",
       "inspecting_body": "省委第二巡视组", "contact_phone": "12351", "contact_address": "", "contact_email": ""}


@pytest.fixture
def office(make_user, login):
    user = make_user("rectification")
    login(user)
    return user


@pytest.fixture
def ledger(session, tmp_path):
    c = campaign(session)
    import_ledger(session, c, write_csv(tmp_path / "first.csv", ROWS), actor="test")
    session.commit()
    return c


def upload(post_form, slug: str, data: bytes, name: str):
    url = f"/staff/campaigns/{slug}/ledger"
    return post_form(url, {"ledger": (io.BytesIO(data), name)}, page=url, content_type="multipart/form-data")


def test_office_creates_a_campaign_and_sees_chinese_messages_for_bad_input(client, session, office, post_form):
    page = post_form("/staff/campaigns/new", {**NEW, "slug": "Round 2"}, page="/staff/campaigns/new")
    assert 'id="slug-error">标识“Round 2”无效' in page.get_data(as_text=True)
    page = post_form("/staff/campaigns/new", {**NEW, "contact_email": "nobody"}, page="/staff/campaigns/new")
    assert 'id="contact_email-error">电子邮箱格式不正确。' in page.get_data(as_text=True)
    page = post_form("/staff/campaigns/new", {**NEW, "feedback_date": ""}, page="/staff/campaigns/new")
    assert "请填写反馈日期。" in page.get_data(as_text=True)
    assert post_form("/staff/campaigns/new", NEW, page="/staff/campaigns/new").status_code == 302
    created = session.scalar(select(Campaign).where(Campaign.slug == "round-2"))
    assert (created.title, created.feedback_date, created.contact_phone) == ("第二轮巡视整改", date(2021, 6, 1), "12351")
    listing = client.get("/staff/campaigns").get_data(as_text=True)
    assert "第二轮巡视整改" in listing and "首页展示中" in listing


def test_office_edits_a_campaign_and_chooses_the_home_page_campaign(client, session, office, post_form, ledger):
    url = f"/staff/campaigns/{ledger.slug}/edit"
    edited = {k: v for k, v in NEW.items() if k != "slug"} | {"title": "改过的标题", "contact_email": "a@example.org"}
    assert post_form(url, edited, page=url).status_code == 302
    session.expire_all()
    assert session.get(Campaign, ledger.id).contact_email == "a@example.org"
    post_form("/staff/campaigns/new", NEW, page="/staff/campaigns/new")
    assert post_form(f"/staff/campaigns/{ledger.slug}/home", page="/staff/campaigns").status_code == 302
    assert "改过的标题" in client.get("/").get_data(as_text=True)
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"campaign.update", "campaign.create", "campaign.home"} <= actions


def test_upload_previews_then_confirm_imports_exactly_that_file(client, session, office, post_form, ledger, tmp_path):
    data = write_csv(tmp_path / "changed.csv", changed_rows()).read_bytes()
    before = counts(session)
    page = upload(post_form, ledger.slug, data, "changed.csv").get_data(as_text=True)
    assert "导入预览" in page and "2-2" in page and "会议减少三成" in page
    assert "66.67" in page and "75.00" in page
    assert counts(session) == before
    sha = HASH.search(page)[1]
    url = f"/staff/campaigns/{ledger.slug}/ledger"
    confirm = {"sha256": sha, "filename": "changed.csv", "data_version": str(ledger.data_version)}
    response = post_form(f"{url}/confirm", confirm, page=url)
    assert response.status_code == 302
    session.expire_all()
    assert measure(session, "1-2").status == "done" and measure(session, "2-2") is not None
    again = post_form(f"{url}/confirm", confirm, page=url).get_data(as_text=True)
    assert "找不到预览过的台账文件" in again


def test_a_broken_upload_lists_row_errors_and_writes_nothing(client, session, office, post_form, ledger, tmp_path):
    rows = changed_rows()
    rows[1][11] = "明年"
    before = counts(session)
    page = upload(post_form, ledger.slug, write_csv(tmp_path / "bad.csv", rows).read_bytes(), "bad.csv")
    text = page.get_data(as_text=True)
    assert "台账未导入：发现1处问题" in text
    assert "第3行，“完成时间”列：无法识别的日期“明年”" in text
    assert 'name="sha256"' not in text
    assert counts(session) == before


def test_a_confirm_with_a_forged_hash_is_refused(client, session, office, post_form, ledger):
    url = f"/staff/campaigns/{ledger.slug}/ledger"
    page = post_form(f"{url}/confirm", {"sha256": "0" * 64, "filename": "x.csv", "data_version": "0"}, page=url)
    assert "找不到预览过的台账文件" in page.get_data(as_text=True)


def test_the_current_ledger_downloads_as_xlsx(client, office, ledger):
    response = client.get(f"/staff/campaigns/{ledger.slug}/ledger.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(2, 9).value == "措施编号" and sheet.cell(3, 9).value == "1-1"


def test_office_home_lists_its_campaigns(client, office, ledger):
    page = client.get("/staff/").get_data(as_text=True)
    assert "巡视反馈意见整改" in page and f"/staff/campaigns/{ledger.slug}/ledger" in page
    assert "/staff/queue" not in page and "发送失败" not in page  # no opinions, no mail: nothing to count


@pytest.mark.parametrize("role", ["admin", "triager", "supervisor"])
def test_other_roles_are_refused(client, make_user, login, ledger, role):
    login(make_user(role))
    for url in ("/staff/campaigns", "/staff/campaigns/new", f"/staff/campaigns/{ledger.slug}/edit",
                f"/staff/campaigns/{ledger.slug}/ledger", f"/staff/campaigns/{ledger.slug}/ledger.xlsx"):
        assert client.get(url).status_code == 403, url


def test_an_admin_gives_the_rectification_role_on_the_users_page(client, session, make_user, login, post_form):
    login(make_user("admin"))
    assert '<option value="rectification">整改办</option>' in client.get("/staff/users/new").get_data(as_text=True)
    response = post_form("/staff/users/new", {"email": "office@example.org", "name": "整改办干部",
                                              "role": "rectification", "department": "", "method": "link"},
                         page="/staff/users/new")
    assert response.status_code in (200, 302, 303)
    assert session.scalar(select(User.role).where(User.email == "office@example.org")) == "rectification"
