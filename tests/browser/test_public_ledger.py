"""The public side of the ledger in Chromium: the home page lists both campaigns (the one shown on home first, in full)
and says when the ledger last changed; its 责任部门 filter narrows the 问题清单 to fewer problems with the count shown
and a way back; the completion-rate chart has its data table. Chinese and English on a desktop, Chinese on a
375-pixel phone; axe finds nothing serious on these pages."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import db
from portal.models import Campaign, User
from portal.services.accounts.users import create_user
from portal.services.ledger.campaign_office import CampaignDetails, create, show_on_home
from portal.services.ops.demo import DEMO_SLUG
from tests.browser.fixtures import AXE, PASSWORD, new_page
from tests.browser.test_a11y import serious_violations
from tests.browser.test_journeys import STAFF_VARIANTS, no_horizontal_scroll, ui

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SECOND = "round-2"


def second_campaign(portal) -> None:
    """A second campaign, created once per portal by the rectification office's services, which keep the demo
    campaign on the home page."""
    with portal.app.test_request_context():
        session = db.session()
        if session.scalar(select(Campaign.id).where(Campaign.slug == SECOND)) is not None:
            return
        office = session.scalar(select(User).where(User.email == "ledger-office@browser.test"))
        if office is None:
            office = create_user(session, "ledger-office@browser.test", "测试整改办", "rectification", PASSWORD)
        create(session, office, SECOND, CampaignDetails("第二轮巡视反馈意见整改", date(2022, 5, 10),
                                                          unit="某市总工会党组", inspecting_body="省委第三巡视组"))
        show_on_home(session, office, session.scalar(select(Campaign).where(Campaign.slug == DEMO_SLUG)))
        session.commit()


def checked(page, width: int | None) -> None:
    if width:
        no_horizontal_scroll(page, width)
    assert serious_violations(page) == []


def listed_problems(page) -> int:
    return page.locator("table.problem-table tbody tr").count()


@pytest.mark.parametrize(("lang", "width"), STAFF_VARIANTS)
def test_the_public_filters_the_ledger_reads_its_chart_and_sees_both_campaigns(browser, live_portal, lang, width):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    t = lambda msgid: ui(lang, msgid)  # noqa: E731
    second_campaign(live_portal)
    page = (new_page(browser, width=width, height=740, is_mobile=True, has_touch=True) if width
            else new_page(browser, locale="en-US" if lang == "en" else "zh-CN"))

    page.goto(live_portal.url + "/")
    as_of = "Ledger data as of March 31, 2021" if lang == "en" else "台账数据截至 2021年3月31日"
    expect(page.locator("main .as-of").first).to_have_text(as_of)
    campaigns = page.locator("table.campaign-table")
    expect(campaigns.locator("caption")).to_have_text(t("各整改任务的措施完成情况，本页所示任务在前"))
    rows = campaigns.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("88.08%")
    expect(rows.nth(0)).to_contain_text("March 31, 2021" if lang == "en" else "2021年3月31日")
    expect(rows.nth(1)).to_contain_text("第二轮巡视反馈意见整改")
    expect(rows.nth(1)).to_contain_text(t("尚无台账"))
    checked(page, width)

    page.get_by_label(t("责任部门")).select_option("办公室")
    page.locator("form.ledger-filter").get_by_role("button", name=t("筛选")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("问题清单"))
    count = page.locator("#filter-count")
    expect(count).to_contain_text("Filtered:" if lang == "en" else "筛选结果：")
    shown = int(re.search(r"\d+", count.inner_text())[0])
    assert 0 < shown < 54
    assert listed_problems(page) == shown
    expect(page.get_by_label(t("责任部门"))).to_have_value("办公室")
    checked(page, width)

    page.locator("form.ledger-filter").get_by_role("link", name=t("清除筛选")).click()
    expect(count).to_contain_text("54 problems, 193 measures" if lang == "en" else "共54个问题、193条措施")
    assert listed_problems(page) == 54

    page.get_by_label(t("牵头领导")).select_option(index=1)
    page.get_by_label(t("责任部门")).select_option("办公室")
    page.locator("form.ledger-filter").get_by_role("button", name=t("筛选")).click()
    assert listed_problems(page) <= shown

    page.goto(live_portal.url + "/")
    page.get_by_role("link", name=t("整改完成率变化图")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("整改完成率变化"))
    expect(page.get_by_role("img", name=t("整改完成率变化图"))).to_be_visible()
    table = page.get_by_role("table", name=t("整改完成率变化图的数据"))
    expect(table.locator("tbody tr").first).to_contain_text("88.08%")
    expect(table.locator("tbody tr").first).to_contain_text(t("整改台账"))
    expect(table.locator("tbody tr").nth(1)).to_contain_text(t("进展通报：").strip())
    checked(page, width)
    page.context.close()
