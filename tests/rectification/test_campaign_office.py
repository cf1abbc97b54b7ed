"""整改办 keeps its campaigns: create, edit (due dates follow the feedback date), choose the home page's; audited."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Problem
from portal.services.common.authz import PermissionDenied
from portal.services.ledger import campaign_office
from portal.services.ledger.campaign_office import CampaignDetails
from portal.services.ledger.campaigns import CampaignError, default_campaign, default_campaign_id

DETAILS = CampaignDetails("省委第八巡视组反馈意见整改", date(2020, 11, 16), unit="中共甘肃省总工会党组",
                          inspecting_body="省委第八巡视组", contact_phone="0931-8821762",
                          contact_email="zhenggai@example.org")


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_office_creates_a_campaign_with_its_public_contact_channels(session, make_user):
    office = make_user("rectification")
    campaign = campaign_office.create(session, office, "round-2", DETAILS)
    assert (campaign.slug, campaign.unit, campaign.contact_phone) == ("round-2", "中共甘肃省总工会党组", "0931-8821762")
    assert actions(session)[-1] == "campaign.create"


@pytest.mark.parametrize("role", ["admin", "handler", "supervisor", "research"])
def test_other_roles_may_not_create_campaigns(session, make_user, role):
    user = make_user(role, department="办公室" if role == "handler" else None)
    with pytest.raises(PermissionDenied):
        campaign_office.create(session, user, "round-2", DETAILS)


@pytest.mark.parametrize(("slug", "details", "field", "message"), [
    ("Bad Slug", DETAILS, "slug", "标识“Bad Slug”无效"),
    ("ok", CampaignDetails(" ", date(2020, 1, 1)), "title", "标题不能为空"),
    ("ok", CampaignDetails("标题", None), "feedback_date", "请填写反馈日期"),
    ("ok", CampaignDetails("标题", date(2020, 1, 1), contact_email="not-an-address"), "contact_email", "电子邮箱格式"),
    ("ok", CampaignDetails("标题", date(2020, 1, 1), contact_phone="1" * 51), "contact_phone", "内容过长"),
])
def test_invalid_details_are_refused_in_chinese_naming_the_field(session, make_user, slug, details, field, message):
    office = make_user("rectification")
    with pytest.raises(CampaignError) as caught:
        campaign_office.create(session, office, slug, details)
    assert caught.value.field == field and message in caught.value.message


def test_a_taken_slug_is_refused(session, make_user, small_campaign):
    with pytest.raises(CampaignError, match="已存在"):
        campaign_office.create(session, make_user("rectification"), "t", DETAILS)


def test_editing_records_each_change_and_moves_due_dates_with_the_feedback_date(session, make_user, small_campaign):
    office = make_user("rectification")
    version = small_campaign.data_version
    changes = campaign_office.edit(session, office, small_campaign,
                                   CampaignDetails("新标题", date(2021, 1, 1), contact_phone="12351"))
    assert changes["title"] == ["测试", "新标题"]
    assert changes["feedback_date"] == ["2020-11-16", "2021-01-01"]
    problem = session.scalar(select(Problem).where(Problem.number == 1))
    assert problem.due_date == date(2021, 2, 1)  # 1个月内整改到位, counted from the new date
    assert small_campaign.data_version == version + 1
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.update"))
    assert event.details["changes"]["contact_phone"] == [None, "12351"]


def test_editing_nothing_records_nothing(session, make_user, small_campaign):
    office = make_user("rectification")
    assert campaign_office.edit(session, office, small_campaign, campaign_office.details_of(small_campaign)) == {}
    assert "campaign.update" not in actions(session)


def test_the_chosen_campaign_is_shown_on_home_before_the_configured_and_the_newest(session, make_user,
                                                                                    small_campaign):
    office = make_user("rectification")
    newer = campaign_office.create(session, office, "newer", DETAILS)
    assert default_campaign(session, None).id == newer.id
    assert default_campaign(session, "t").id == small_campaign.id
    campaign_office.show_on_home(session, office, small_campaign)
    assert default_campaign(session, None).id == small_campaign.id
    assert default_campaign_id(session, None) == small_campaign.id
    campaign_office.show_on_home(session, office, newer)
    assert default_campaign(session, "t").id == newer.id
    assert default_campaign_id(session, "t") == newer.id
    assert not small_campaign.shown_on_home
    rows = campaign_office.overview(session, office, None)
    assert [(r.campaign.slug, r.on_home) for r in rows] == [("t", False), ("newer", True)]
    assert (rows[0].measures, rows[0].done, rows[0].rate) == (5, 4, "80.00")
    assert actions(session).count("campaign.home") == 2
