"""A department's and the research office's hand-offs in Chromium: from the handler's home page, send a mis-assigned
item back to triage and ask for the extension (each two clicks from home); the research office grants it from its
home page and edits a draft while approving it; the triager sees the send-back's reason and the author the edit.
Chinese and English on a desktop, Chinese on a 375-pixel phone; axe finds nothing serious on the new forms."""
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
from portal.services.replies import drafting
from tests.browser.fixtures import AXE
from tests.browser.test_a11y import serious_violations
from tests.browser.test_home import back_home, home, nav_count
from tests.browser.test_journeys import STAFF_VARIANTS, fits, staff_page, ui

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def assigned_items(portal, label: str) -> tuple[str, str, str]:
    """Three items assigned to the demo handler's department (政研室): to send back, to extend, and one whose
    draft the handler has submitted for review; their case numbers."""
    with portal.app.test_request_context():
        session = db.session()
        settings = IntakeSettings.from_config(portal.app.config)
        campaign_id = session.scalar(select(Campaign.id).limit(1))
        triager = session.scalar(select(User).where(User.email == portal.accounts["triager"]))
        handler = session.scalar(select(User).where(User.email == portal.accounts["handler"]))
        office = department_named(session, "政研室")
        numbers = []
        for what in ("退回", "延期", "审核"):
            item, _code = create_item(session, NewItem(channel="web", kind="inquiry", campaign_id=campaign_id,
                                                       content=f"关于职工书屋建设的意见（{what}，{label}）"), settings)
            workflow.apply(session, item, "accept", triager, settings.clocks)
            workflow.apply(session, item, "assign", triager, settings.clocks, department=office)
            numbers.append(item.case_number)
        reply = drafting.start_draft(session, handler, item, "经核查，职工书屋已建成。", settings.clocks)
        drafting.submit(session, handler, reply)
        session.commit()
        return numbers[0], numbers[1], numbers[2]


def no_serious_violations(page) -> None:
    assert serious_violations(page) == []


@pytest.mark.parametrize(("lang", "width"), STAFF_VARIANTS)
def test_handler_sends_back_and_asks_for_the_extension_the_office_decides_and_edits(browser, live_portal, lang,
                                                                                   width):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    t = lambda msgid: ui(lang, msgid)  # noqa: E731
    wrong, late, drafted = assigned_items(live_portal, f"{lang}-{width}")

    handler = staff_page(browser, live_portal, "handler", lang, width)
    home(handler, live_portal, lang)
    handler.locator("#open tbody tr", has_text=wrong).get_by_role("link").first.click()  # 1 click: the item
    expect(handler.locator("h1")).to_have_text(wrong)
    fits(handler)
    no_serious_violations(handler)
    handler.locator("#t-send_back-reason").fill("应由组织部办理，不属于本部门职责。")
    handler.get_by_role("button", name=t("退回分办")).click()  # 2 clicks: sent back, back home
    expect(handler.get_by_role("heading", level=1)).to_have_text(t("工作台"))
    expect(handler.locator("#open")).not_to_contain_text(wrong)

    handler.locator("#open tbody tr", has_text=late).get_by_role("link").first.click()  # 1 click: the other item
    handler.locator("#extension-days").fill("20")
    handler.locator("#extension-reason").fill("需要到基层单位补充调查。")
    handler.get_by_role("button", name=t("提交延期申请")).click()  # 2 clicks: requested
    expect(handler.locator("#extension")).to_contain_text(t("等待审批"))
    back_home(handler, lang)
    expect(handler.locator("#my_extension_requests")).to_contain_text(late)
    handler.context.close()

    triager = staff_page(browser, live_portal, "triager", lang, width)
    home(triager, live_portal, lang)
    expect(nav_count(triager, lang, "退回分办")).to_be_visible()
    sent_back = triager.locator("#sent_back li", has_text=wrong)
    expect(sent_back).to_contain_text("应由组织部办理")
    no_serious_violations(triager)
    triager.context.close()

    research = staff_page(browser, live_portal, "research", lang, width)
    home(research, live_portal, lang)
    expect(nav_count(research, lang, "延期申请")).to_be_visible()
    research.locator("#extension_requests li", has_text=late).get_by_role("link", name=late).click()  # 1 click
    expect(research.locator("#extension")).to_contain_text("需要到基层单位补充调查")
    fits(research)
    no_serious_violations(research)
    research.get_by_role("button", name=t("同意延期")).click()  # 2 clicks: granted
    expect(research.locator("#extension")).to_contain_text(t("已同意"))

    back_home(research, lang)
    review = research.locator("#submitted li", has_text=drafted)
    review.get_by_role("link", name=re.compile("^" + re.escape(t("打开答复稿")))).click()  # 1 click: the review
    fits(research)
    no_serious_violations(research)
    research.locator("#approve-text").fill("经核查，职工书屋已于3月建成并开放。")
    research.locator("#approve-confirm").check()
    research.get_by_role("button", name=t("审核同意")).click()  # 2 clicks: approved with the edit
    expect(research.locator(".review-edits")).to_contain_text("于3月")
    research.context.close()

    author = staff_page(browser, live_portal, "handler", lang, width)
    home(author, live_portal, lang)
    expect(nav_count(author, lang, "审核修改")).to_be_visible()
    author.locator("#review_edits li", has_text=drafted).get_by_role("link", name=drafted).click()  # 1 click
    expect(author.locator(".review-edits ins").first).to_contain_text("于3月")
    no_serious_violations(author)
    author.get_by_role("button", name=t("已知悉审核修改")).click()
    expect(author.locator(".review-edits")).to_contain_text(t("起草人已知悉"))
    author.context.close()
