"""The supervisor's statistics in Chromium: from the staff home to /staff/stats, the charts with their names, a CSV
download of a table, the month's 通报 downloaded from the English page (a Word document whose figures are the page's),
and no serious accessibility violation (axe-core)."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from portal.services.common.clocks import ClockSettings
from portal.services.ops.demo import DEMO_SLUG

from tests.browser.fixtures import AXE, login, new_page
from tests.browser.test_a11y import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_supervisor_opens_stats_from_the_staff_home_and_downloads_a_csv(browser, live_portal):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    page = new_page(browser, accept_downloads=True)
    login(page, live_portal, "supervisor")
    page.goto(live_portal.url + "/staff/")
    page.get_by_role("navigation", name="后台导航").get_by_role("link", name="统计").click()
    expect(page.get_by_role("heading", name="统计", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="按渠道")).to_be_visible()
    expect(page.get_by_role("table", name="按渠道")).to_be_visible()
    expect(page.get_by_role("heading", name="指标说明")).to_be_visible()
    assert not serious_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="按渠道（CSV）").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-channel.csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["渠道", "件数"]
    shown = page.get_by_role("table", name="按渠道").locator("tbody tr")
    assert [row[0] for row in rows[1:]] == [shown.nth(i).locator("th").inner_text() for i in range(shown.count())]
    page.context.close()


def test_supervisor_downloads_the_months_bulletin_in_english_with_the_pages_figures(browser, live_portal):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    page = new_page(browser, accept_downloads=True)
    login(page, live_portal, "supervisor")
    page.goto(live_portal.url + "/lang/en?next=/staff/")
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^en"))
    today = ClockSettings().today()
    month = f"{today:%Y-%m}"
    last = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    page.goto(f"{live_portal.url}/staff/stats?campaign={DEMO_SLUG}&date_from={today:%Y-%m}-01&date_to={last}"
              "&period=week")
    expect(page.get_by_role("heading", name="Statistics", exact=True)).to_be_visible()
    figures = page.locator("dl.figures")
    received = figures.locator("div", has=page.locator("dt", has_text=re.compile("^Received$"))).locator("dd")
    answered = figures.locator("div", has=page.locator("dt", has_text=re.compile("^Answered$"))).locator("dd")
    shown = {"received": int(received.inner_text()), "answered": int(answered.inner_text())}
    assert shown["received"] > 0, "the demo items of this month are missing"
    assert not serious_violations(page)
    page.get_by_label("Month", exact=True).fill(month)
    expect(page.get_by_role("button", name="Create the bulletin (PDF)")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Create the bulletin (Word)").click()
    download = download_info.value
    assert download.suggested_filename == f"tongbao-{DEMO_SLUG}-{month}.docx"
    document = Document(download.path())
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert document.paragraphs[0].text == f"关于{today.year}年{today.month}月群众意见建议办理情况的通报"
    assert f"本月共收到群众意见建议{shown['received']}件" in text
    assert f"已答复{shown['answered']}件" in text
    page.context.close()
