"""The triage queue in Chromium: a triager selects every item on the page, bulk-accepts them through the confirmation
page, sorts by a column and saves the view; axe finds nothing serious on the queue or the confirmation page, on a
desktop and at 375 px, where the table scrolls sideways inside its own region and the page does not."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import db
from portal.models import FeedbackItem, SavedQueueView
from tests.browser.fixtures import AXE, login, new_page
from tests.browser.test_a11y import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def states(portal) -> dict[str, str]:
    with portal.app.app_context():
        return {item.case_number: item.state for item in db.session().scalars(select(FeedbackItem))}


def test_triager_bulk_accepts_sorts_and_saves_a_view(browser, live_portal):
    assert AXE.exists(), "run the tests with scripts/test, which installs axe-core"
    waiting = sorted(case for case, state in states(live_portal).items() if state == "received")
    assert waiting, "the demo has items awaiting triage"
    page = new_page(browser)
    login(page, live_portal, "triager")
    page.goto(live_portal.url + "/staff/queue?state=received")
    assert serious_violations(page) == []

    page.get_by_label(re.compile(r"本页全部\d+件")).check()
    page.get_by_role("button", name="批量受理").click()
    expect(page.get_by_role("heading", name="确认批量受理")).to_be_visible()
    expect(page.locator(".bulk-summary")).to_have_text(f"共选择{len(waiting)}件：将变更{len(waiting)}件，跳过0件。")
    assert serious_violations(page) == []
    assert {case for case, state in states(live_portal).items() if state == "received"} == set(waiting)
    page.get_by_label("我已核对以上清单，确认执行").check()
    page.get_by_role("button", name="批量受理").click()
    expect(page.locator(".flash-success")).to_contain_text(f"已处理{len(waiting)}件，跳过0件。")
    after = states(live_portal)
    assert all(after[case] == "accepted" for case in waiting)

    page.goto(live_portal.url + "/staff/queue")
    page.get_by_role("link", name="收到日期").click()
    expect(page).to_have_url(re.compile(r"sort=received"))
    expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("收到日期")
    page.get_by_role("link", name=re.compile("收到日期")).click()
    expect(page).to_have_url(re.compile(r"sort=-received"))
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("收到日期")

    page.get_by_label("把当前筛选、排序和搜索保存为视图").fill("最新收到的在前")
    page.get_by_role("button", name="保存视图").click()
    expect(page.locator(".flash-success")).to_contain_text("已保存视图“最新收到的在前”")
    expect(page.locator(".view-list").get_by_role("link", name="最新收到的在前")).to_have_attribute(
        "href", "/staff/queue?sort=-received")
    assert serious_violations(page) == []
    with live_portal.app.app_context():
        assert db.session().scalars(select(SavedQueueView.name)).all() == ["最新收到的在前"]
    page.context.close()


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_at_375_px_the_queue_table_scrolls_inside_its_region_and_the_pages_are_clean(browser, live_portal, lang):
    page = new_page(browser, width=375, height=800)
    login(page, live_portal, "triager")
    page.context.add_cookies([{"name": "lang", "value": lang, "url": live_portal.url}])
    page.goto(live_portal.url + "/staff/queue")
    expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-Hans")
    region = page.locator(".table-scroll")
    sizes = region.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] > sizes[1], "the eleven columns are wider than a phone: the region scrolls"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the page itself does not scroll sideways"
    assert serious_violations(page) == []
    page.locator('input[name="scope"][value="page"]').check()
    page.locator('button[name="action"][value="assign"]').click()
    expect(page.locator(".bulk-summary")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(page) == []
    page.context.close()
