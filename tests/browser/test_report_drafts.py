"""The rectification office (整改办) publishes a 进展通报 in Chromium: from the campaign list it opens the campaign's
reports, pastes a report with one garbled place and one wrong figure, sees the place highlighted and listed by line
and the disagreement named in words, corrects the text, publishes after the confirmation page, and the public
report page shows the corrected text. Chinese and English on a desktop, Chinese on a 375-pixel phone; axe finds
nothing serious on the office's pages."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import db
from portal.models import Campaign
from portal.services.ledger.figures import campaign_figures
from tests.browser.fixtures import AXE
from tests.browser.test_a11y import serious_violations
from tests.browser.test_journeys import STAFF_VARIANTS, fits, staff_page, ui
from tests.browser.test_rectification import office_account

pytestmark = [pytest.mark.browser, pytest.mark.slow]
MARK = re.compile(r"【待核对：[^】]*】")


def report_text(title: str, figures: dict) -> str:
    """A short report: its title, its figures with 已整改 one too many, and a line garbled on its way (UTF-8 read as
    GBK with a byte lost), which the repair cannot read back."""
    return (f"{title}\n共{figures['categories']}个方面{figures['problems']}个问题，整改措施{figures['measures']}条，"
            f"已整改{figures['done'] + 1}条。\n全总下?lián)芎和省总列支的专项资金已拨付到位。\n")


def current_figures(portal) -> dict:
    with portal.app.test_request_context():
        session = db.session()
        return campaign_figures(session, session.scalar(select(Campaign)))


@pytest.mark.parametrize(("lang", "width"), STAFF_VARIANTS)
def test_office_pastes_a_report_fixes_the_garbled_place_sees_the_disagreement_and_publishes_it(
        browser, live_portal, request, lang, width):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    t = lambda msgid: ui(lang, msgid)  # noqa: E731
    office_account(live_portal)
    figures = current_figures(live_portal)
    title = f"关于巡视整改进展情况的通报（浏览器测试 {request.node.callspec.id}）"

    page = staff_page(browser, live_portal, "rectification", lang, width)
    page.goto(live_portal.url + "/staff/campaigns")
    page.get_by_role("link", name=re.compile("^" + re.escape(t("进展通报")))).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("进展通报"))
    fits(page)
    assert serious_violations(page) == []

    page.get_by_role("link", name=t("新建进展通报")).first.click()
    page.get_by_label(t("截至日期")).fill(date.today().isoformat())
    page.get_by_label(t("粘贴通报正文")).fill(report_text(title, figures))
    fits(page)
    assert serious_violations(page) == []
    page.get_by_role("button", name=t("保存草稿并核对")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(t("核对进展通报"))
    places = page.locator("#draft-marks li")
    expect(places).to_have_count(1)
    expect(places.first).to_contain_text(ui(lang, "第%(line)d行") % {"line": 3})
    expect(places.first.locator("mark")).to_contain_text("【待核对：")
    expect(page.locator(".report-text mark.unrepaired")).to_have_count(1)
    said = (f"通报称已整改{figures['done'] + 1}条，台账截至" if lang == "zh" else
            f"The report says {figures['done'] + 1} measures rectified; the ledger shows {figures['done']} as of")
    expect(page.locator("#disagreements")).to_contain_text(said)
    expect(page.locator(".compare-table tr.mismatch")).to_have_count(1)
    fits(page)
    assert serious_violations(page) == []

    body = page.get_by_label(t("通报正文（可直接修改）"))
    body.fill(MARK.sub("拨", body.input_value()))
    page.get_by_role("button", name=t("保存并重新核对")).click()
    expect(page.locator(".flash")).to_contain_text(t("已保存草稿，并重新核对了数字。"))
    expect(page.locator("#draft-marks")).to_have_count(0)
    expect(page.get_by_text(t("正文中没有待核对的文字。"))).to_be_visible()

    page.get_by_role("link", name=t("发布…")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("发布进展通报"))
    expect(page.locator("#disagreements")).to_contain_text(said)
    fits(page)
    assert serious_violations(page) == []
    page.get_by_role("button", name=t("确认发布")).click()

    page.wait_for_url(re.compile(r"/campaigns/[^/]+/reports/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".report-text")).to_contain_text("全总下拨")
    expect(page.locator(".report-text mark.unrepaired")).to_have_count(0)
    expect(page.locator(".figure-check tr.mismatch")).to_have_count(1)
    page.context.close()
