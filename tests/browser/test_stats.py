"""The supervisor's statistics in Chromium: from the staff home to /staff/stats, the charts with their names, a CSV
download of a table, and no serious accessibility violation (axe-core)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

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
