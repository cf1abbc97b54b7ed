"""回头看 in Chromium: the rectification office opens a campaign's re-checks from its home page, schedules two
completed measures of the demo campaign, records a 反弹 with a note and a PDF — refused until the relapse is
confirmed — and the public campaign page then shows one measure fewer done and one more in progress, and the
measure's page the reason; a 巩固 of the other measure changes no figure. Chinese and English on a desktop, Chinese
on a 375-pixel phone; axe finds nothing serious on the re-check pages."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import db
from portal.models import DONE, Campaign, Measure
from portal.services.common.clocks import ClockSettings
from tests.browser.fixtures import AXE
from tests.browser.test_a11y import serious_violations
from tests.browser.test_home import home
from tests.browser.test_journeys import STAFF_VARIANTS, fits, staff_page, ui
from tests.browser.test_rectification import office_account
from tests.samples import pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SLUG = "gansu-2020"
#: the variants re-check different completed measures of the shared demo ledger
OFFSETS = {"zh": 0, "en": 2, "phone-375": 4}


def completed(portal, offset: int) -> tuple[str, str]:
    """Two completed measures of the demo campaign: the one to relapse and the one that holds."""
    with portal.app.test_request_context():
        session = db.session()
        codes = list(session.scalars(select(Measure.code).join(Campaign).where(Campaign.slug == SLUG,
                                                                               Measure.status == DONE)
                                     .order_by(Measure.position)))
    relapsing, holding = codes[offset:offset + 2]
    return relapsing, holding


def figures(page, portal, t) -> tuple[int, int]:
    """已完成措施 and 正在整改措施 as the public campaign page shows them now."""
    page.goto(f"{portal.url}/campaigns/{SLUG}/")
    stats = page.locator("dl.stats > div")
    done = stats.filter(has=page.get_by_text(t("已完成措施"), exact=True)).locator("dd").inner_text()
    in_progress = stats.filter(has=page.get_by_text(t("正在整改措施"), exact=True)).locator("dd").inner_text()
    return int(done), int(in_progress)


def record(page, t, code: str, result: str, note: str) -> None:
    """Open the re-check of code from the list and record result with note (the form stays for a refusal)."""
    page.get_by_role("link", name=f"{t('记录结果')} {code}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    page.get_by_role("radio", name=t(result)).check()
    page.get_by_label(t("情况说明")).fill(note)


@pytest.mark.parametrize(("lang", "width"), STAFF_VARIANTS)
def test_office_schedules_records_a_relapse_and_the_public_figures_move(browser, live_portal, tmp_path, request,
                                                                          lang, width):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    t = lambda msgid: ui(lang, msgid)  # noqa: E731
    office_account(live_portal)
    relapsing, holding = completed(live_portal, OFFSETS[request.node.callspec.id])
    today = ClockSettings.from_config(live_portal.app.config).today()
    evidence = tmp_path / "抽查记录.pdf"
    evidence.write_bytes(pdf())

    page = staff_page(browser, live_portal, "rectification", lang, width)
    public = page.context.new_page()
    before = figures(public, live_portal, t)
    home(page, live_portal, lang)
    due = re.escape(t("回头看（%(count)d项到期）")).replace(re.escape("%(count)d"), r"\d+")
    page.locator("#campaigns").get_by_role("link", name=re.compile(due)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("回头看"))
    fits(page)
    assert serious_violations(page) == []

    page.get_by_label(t("回头看日期")).fill(today.isoformat())
    for code in (relapsing, holding):
        page.get_by_role("checkbox", name=re.compile(f"^{re.escape(code)} ")).check()
    page.get_by_role("button", name=t("安排新的回头看")).click()
    expect(page.locator(".flash")).to_contain_text("2 re-checks scheduled" if lang == "en" else "已安排2项回头看")
    waiting = page.locator("#open-rechecks tbody")
    expect(waiting.locator("th[scope=row]", has_text=relapsing)).to_have_count(1)
    expect(waiting.locator("th[scope=row]", has_text=holding)).to_have_count(1)
    fits(page)

    record(page, t, relapsing, "反弹", "回头看抽查发现议题审核又被跳过两次。")
    page.get_by_label(t("佐证材料（可选，PDF或图片）")).set_input_files(str(evidence))
    page.get_by_role("button", name=t("记录结果")).click()
    expect(page.locator(".field-error")).to_contain_text(
        t("反弹将把措施恢复为正在整改，公开页面的整改数字随之变化：请勾选确认后再记录。"))
    assert figures(public, live_portal, t) == before
    fits(page)
    assert serious_violations(page) == []

    page.get_by_role("checkbox", name=t("确认反弹：反弹将把措施恢复为正在整改，公开页面的整改数字随之变化")).check()
    page.get_by_label(t("佐证材料（可选，PDF或图片）")).set_input_files(str(evidence))
    page.get_by_role("button", name=t("记录结果")).click()
    expect(page.locator(".flash")).to_contain_text(relapsing)
    expect(page.locator("dl.facts")).to_contain_text(t("反弹"))
    expect(page.get_by_role("link", name="抽查记录.pdf")).to_have_count(1)
    fits(page)
    assert serious_violations(page) == []

    done, in_progress = figures(public, live_portal, t)
    assert (done, in_progress) == (before[0] - 1, before[1] + 1)
    public.goto(f"{live_portal.url}/campaigns/{SLUG}/measures/{relapsing}")
    expect(public.locator(".head-status")).to_have_text(t("正在整改"))
    expect(public.locator(".history-table")).to_contain_text("回头看发现反弹：回头看抽查发现议题审核又被跳过两次。")

    page.get_by_role("link", name=t("返回回头看列表")).click()
    record(page, t, holding, "巩固", "抽查近三个月会议记录，均按规定执行。")
    page.get_by_role("button", name=t("记录结果")).click()
    expect(page.locator("dl.facts")).to_contain_text(t("巩固"))
    assert figures(public, live_portal, t) == (done, in_progress)
    page.get_by_role("link", name=t("返回回头看列表")).click()
    recorded = page.locator("#recorded-rechecks")
    expect(recorded.locator("tbody tr", has_text=relapsing)).to_contain_text("抽查记录.pdf")
    expect(recorded.locator("tbody tr", has_text=holding)).to_contain_text(t("巩固"))
    fits(page)
    assert serious_violations(page) == []
    page.context.close()
