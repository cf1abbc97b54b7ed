"""工作台 in Chromium: every role starts at /staff/ and reaches each of its tasks in at most two clicks (Chinese and
English on a desktop, Chinese on a 375-pixel phone), with the counts in the navigation."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import db
from portal.models import Campaign, User
from portal.services.accounts.users import department_named
from portal.services.feedback import workflow
from portal.services.feedback.intake import IntakeSettings, NewItem, create_item
from tests.browser.test_journeys import STAFF_VARIANTS, fits, staff_page, ui

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def home(page, portal, lang: str):
    """Open /staff/ (where login lands anyway) and check it is the role's home page."""
    page.goto(portal.url + "/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ui(lang, "工作台"))
    fits(page)


def back_home(page, lang: str) -> None:
    page.get_by_role("navigation", name=ui(lang, "后台导航")).get_by_role("link", name=ui(lang, "工作台")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ui(lang, "工作台"))


def handling_item(portal, content: str) -> str:
    """A new item about measure 3-3, accepted and assigned to the demo handler's department (政研室); its case number.
    Each variant works on its own item: the portal is shared by the module."""
    with portal.app.test_request_context():
        session = db.session()
        settings = IntakeSettings.from_config(portal.app.config)
        campaign_id = session.scalar(select(Campaign.id).limit(1))
        triager = session.scalar(select(User).where(User.email == portal.accounts["triager"]))
        item, _code = create_item(session, NewItem(channel="web", kind="inquiry", content=content,
                                                   campaign_id=campaign_id, targets=["3-3"]), settings)
        workflow.apply(session, item, "accept", triager, settings.clocks)
        office = department_named(session, "政研室")
        workflow.apply(session, item, "assign", triager, settings.clocks, department=office)
        session.commit()
        return item.case_number


def nav_count(page, lang: str, msgid: str):
    return page.get_by_role("navigation", name=ui(lang, "后台导航")).get_by_role(
        "link", name=re.compile("^" + re.escape(ui(lang, msgid)) + r" \d+$"))


@pytest.mark.parametrize(("lang", "width"), STAFF_VARIANTS)
def test_each_role_reaches_its_tasks_from_its_home_page(browser, live_portal, lang, width):
    t = lambda msgid: ui(lang, msgid)  # noqa: E731
    question = f"请问“十四五”职工文化建设规划何时征求意见？（{lang}-{width}）"
    case_number = handling_item(live_portal, question)

    # login lands on the home page
    clerk = staff_page(browser, live_portal, "clerk", lang, width)
    assert clerk.url.endswith("/staff/")
    home(clerk, live_portal, lang)
    clerk.locator("main").get_by_role("link", name=t("登记来电")).click()  # 1 click: the phone form
    expect(clerk.get_by_role("heading", level=1)).to_have_text(t("登记来电"))
    back_home(clerk, lang)
    clerk.locator("main").get_by_role("link", name=t("登记来信")).click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text(t("登记来信"))
    clerk.context.close()

    triager = staff_page(browser, live_portal, "triager", lang, width)
    home(triager, live_portal, lang)
    expect(nav_count(triager, lang, "待分办")).to_be_visible()
    received = triager.locator("#received")
    received.locator("tbody a").first.click()  # 1 click: the oldest item waiting, with its 受理 button
    expect(triager.get_by_role("button", name=t("受理"), exact=True)).to_be_visible()
    fits(triager)
    back_home(triager, lang)
    nav_count(triager, lang, "待分办").click()  # 1 click: the queue filtered to 待分办
    expect(triager).to_have_url(re.compile(r"/staff/queue\?state=received$"))
    triager.context.close()

    handler = staff_page(browser, live_portal, "handler", lang, width)
    home(handler, live_portal, lang)
    expect(nav_count(handler, lang, "本部门在办")).to_be_visible()
    handler.locator("#open tbody tr", has_text=case_number).get_by_role("link").first.click()  # 1 click: the item
    handler.get_by_role("link", name=t("起草答复")).click()  # 2 clicks: drafting its reply
    fits(handler)
    handler.get_by_label(t("答复内容"), exact=True).fill("经研究，“十四五”发展规划已征求基层职工意见，将于年内印发。")
    handler.get_by_role("button", name=t("保存并提交审核")).click()
    expect(handler.locator("body")).to_contain_text(t("待审核"))
    handler.context.close()

    research = staff_page(browser, live_portal, "research", lang, width)
    home(research, live_portal, lang)
    expect(nav_count(research, lang, "待审核")).to_be_visible()
    review = research.locator("#submitted li", has_text=case_number)
    expect(review).to_contain_text(question)  # the citizen's question beside the draft, with the measure's status
    expect(review).to_contain_text(t("措施%(code)s").replace("%(code)s", "3-3"))
    review.get_by_role("link", name=re.compile("^" + re.escape(t("打开答复稿")))).click()  # 1 click: the review
    expect(research.get_by_role("heading", name=t("审核"))).to_be_visible()
    fits(research)
    back_home(research, lang)
    see_all = t("在待发邮件页查看全部（共%(total)d封）").split("%(total)d")[0]
    research.locator("#waiting").get_by_role("link", name=re.compile(re.escape(see_all))).click()
    expect(research.get_by_role("heading", level=1)).to_have_text(t("待发邮件"))  # 1 click: the outbox
    research.context.close()

    supervisor = staff_page(browser, live_portal, "supervisor", lang, width)
    home(supervisor, live_portal, lang)
    overdue = supervisor.locator("#overdue")
    expect(overdue.locator("tbody tr")).to_have_count(1)  # the demo letter, past its 15 days to accept
    overdue.locator("tbody a").first.click()  # 1 click: the overdue item
    expect(supervisor.locator("h1")).to_contain_text(re.compile(r"[A-Z]+-\d{4}-\d{6,}"))
    back_home(supervisor, lang)
    nav_count(supervisor, lang, "已逾期").click()  # 1 click: the queue filtered to overdue items
    expect(supervisor).to_have_url(re.compile(r"/staff/queue\?overdue=1$"))
    supervisor.context.close()

    admin = staff_page(browser, live_portal, "admin", lang, width)
    home(admin, live_portal, lang)
    admin.locator("#accounts").get_by_role("link", name=t("新建账号")).click()  # 1 click: a new account
    expect(admin).to_have_url(re.compile(r"/staff/users/new$"))
    back_home(admin, lang)
    admin.locator("#accounts").get_by_role("link", name=t("用户管理")).click()
    expect(admin).to_have_url(re.compile(r"/staff/users$"))
    admin.context.close()
