"""Fixtures of the browser tests (tests/browser/fixtures.py): live_portal, live_portal_pg, browser and page."""
from tests.browser.fixtures import browser, live_portal, live_portal_pg, page  # noqa: F401
