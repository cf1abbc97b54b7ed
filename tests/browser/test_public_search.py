"""Searching the public site from a phone (375 × 740, Chinese and English): the header box finds measure 35-3 for
劳模补助; the header and navigation take at most a quarter of the screen; the search and answers pages are axe clean;
a failed opinion form puts the focus on its error summary; a 通报 has a table of contents."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import db
from portal.models import ProgressReport
from portal.services.ops.demo import DEMO_SLUG
from tests.browser.fixtures import new_page
from tests.browser.test_a11y import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: a quarter of a 375 × 740 phone screen
QUARTER = 185
LOCALES = [pytest.param("zh-CN", id="zh"), pytest.param("en", id="en")]


def phone(browser, locale: str):
    return new_page(browser, width=375, height=740, locale=locale, is_mobile=True, has_touch=True)


def header_height(page) -> float:
    box = page.locator("header.site-header").bounding_box()
    assert box is not None
    return box["height"]


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375, page.url


@pytest.mark.parametrize("locale", LOCALES)
def test_search_from_the_header_on_a_phone_finds_measure_35_3(browser, live_portal, locale):
    page = phone(browser, locale)
    try:
        page.goto(live_portal.url + "/")
        assert header_height(page) <= QUARTER
        page.locator("#site-search-q").fill("劳模补助")
        page.locator("#site-search-q").press("Enter")
        page.wait_for_url(re.compile(r"/search\?"))
        assert header_height(page) <= QUARTER
        no_sideways_scroll(page)
        measures = page.locator("#group-measure")
        expect(measures.locator("mark", has_text=re.compile("^劳模补助$")).first).to_be_visible()
        expect(measures.locator("a[href$='/measures/34-1']")).to_be_visible()
        measures.locator("a[href$='/measures/35-3']").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("35-3")
        assert header_height(page) <= QUARTER
        no_sideways_scroll(page)
    finally:
        page.context.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_header_fits_a_quarter_of_the_phone_screen_on_every_kind_of_public_page(browser, live_portal, locale):
    with live_portal.app.app_context():
        report_id = db.session().scalar(select(ProgressReport.id).limit(1))
    page = phone(browser, locale)
    try:
        for path in ("/", f"/campaigns/{DEMO_SLUG}/problems/35", f"/campaigns/{DEMO_SLUG}/reports/{report_id}",
                     "/feedback", "/lookup", "/answers", "/contact"):
            page.goto(live_portal.url + path)
            assert header_height(page) <= QUARTER, path
            no_sideways_scroll(page)
    finally:
        page.context.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_search_and_answers_pages_have_no_serious_accessibility_violation(browser, live_portal, locale):
    page = phone(browser, locale)
    found = []
    try:
        for path in ("/search", "/search?q=劳模补助", "/search?q=劳模补助&type=report", "/search?q=wage+arrears",
                     "/search?q=%01", "/answers", "/answers?measure=35-1", "/answers?from=2021-13-01"):
            page.goto(live_portal.url + path)
            found += serious_violations(page)
    finally:
        page.context.close()
    assert not found, "\n".join(found)


def test_a_failed_opinion_puts_the_focus_on_the_error_summary(browser, live_portal):
    page = phone(browser, "zh-CN")
    try:
        page.goto(live_portal.url + "/feedback")
        page.locator("form.form button[type=submit]").click()
        expect(page.locator(".error-summary")).to_be_focused()
    finally:
        page.context.close()


def test_a_report_has_a_table_of_contents_whose_links_reach_their_sections(browser, live_portal):
    with live_portal.app.app_context():
        report_id = db.session().scalar(select(ProgressReport.id).limit(1))
    page = phone(browser, "zh-CN")
    try:
        page.goto(f"{live_portal.url}/campaigns/{DEMO_SLUG}/reports/{report_id}")
        toc = page.locator("nav.report-toc a")
        expect(toc).to_have_count(8)
        toc.nth(2).click()
        target = page.locator(".report-text p:target")
        expect(target).to_contain_text("（一）针对履行党组核心职能有差距")
        expect(target).to_be_in_viewport()
    finally:
        page.context.close()
