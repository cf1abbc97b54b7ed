"""部门进展报送 in Chromium: a handler of 组织部 reports a measure done, with a PDF, from their department's list;
the public measure page does not show it until the rectification office, which sees the PDF, approves it from its
home page; then it shows the new status and note. Chinese and English on a desktop, Chinese on a 375-pixel phone; axe finds nothing serious."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import AXE
from tests.browser.test_a11y import serious_violations
from tests.browser.test_home import home
from tests.browser.test_journeys import STAFF_VARIANTS, fits, staff_page, ui
from tests.browser.test_rectification import office_account
from tests.samples import pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]
#: an in-progress measure of the demo ledger whose 责任部门 names 组织部, one per variant
MEASURES = {"zh": "7-3", "en": "10-2", "phone-375": "46-5"}


@pytest.mark.parametrize(("lang", "width"), STAFF_VARIANTS)
def test_a_department_reports_progress_and_it_is_public_only_once_approved(browser, live_portal, request, tmp_path,
                                                                           lang, width):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    t = lambda msgid: ui(lang, msgid)  # noqa: E731
    office_account(live_portal)
    code = MEASURES[request.node.callspec.id]
    note = f"已召开专题会议并印发制度（{code}）。"
    public_url = f"{live_portal.url}/campaigns/gansu-2020/measures/{code}"

    handler = staff_page(browser, live_portal, "dept_handler", lang, width)
    handler.goto(live_portal.url + "/staff/measures")
    expect(handler.get_by_role("heading", level=1)).to_have_text(t("本部门整改措施"))
    handler.locator("tbody tr", has=handler.locator("th", has_text=re.compile(rf"^{re.escape(code)}\b"))) \
        .get_by_role("link", name=t("报送进展")).click()
    expect(handler.get_by_role("heading", level=1)).to_contain_text(t("报送措施进展"))
    fits(handler)
    assert serious_violations(handler) == []
    handler.get_by_role("radio", name=t("已完成")).check()
    handler.get_by_label(t("完成时间（已完成时必填）")).fill("2021-04-20")
    handler.get_by_label(t("进展说明")).fill(note)
    minutes = tmp_path / f"会议纪要-{code}.pdf"
    minutes.write_bytes(pdf())
    handler.get_by_label(t("佐证材料（可选，PDF或图片）")).set_input_files(str(minutes))
    handler.get_by_role("button", name=t("报送整改办审核")).click()
    expect(handler.locator(".flash")).to_contain_text(code)
    public = handler.context.new_page()
    public.goto(public_url)
    expect(public.locator(".head-status")).to_have_text(t("正在整改"))
    expect(public.locator("main")).not_to_contain_text(note)
    handler.context.close()

    office = staff_page(browser, live_portal, "rectification", lang, width)
    home(office, live_portal, lang)
    expect(office.locator("#progress")).to_contain_text(code)
    office.get_by_role("link", name=t("审核进展报送")).click()
    expect(office.get_by_role("heading", level=1)).to_have_text(t("待审核的进展报送"))
    fits(office)
    assert serious_violations(office) == []
    article = office.locator("article", has_text=note)
    expect(article.get_by_role("link", name=minutes.name)).to_have_attribute("href", re.compile("/staff/progress/"))
    article.get_by_role("button", name=t("采纳并公开")).click()
    expect(office.locator(".flash")).to_contain_text(code)
    office.goto(public_url)
    expect(office.locator(".head-status")).to_have_text(t("已完成"))
    expect(office.locator(".history-table")).to_contain_text(note)
    expect(office.locator(".history-table")).to_contain_text("组织部报送")
    office.context.close()
