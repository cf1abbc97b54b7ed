"""Browser tests: a live portal on loopback (real HTTP server, demo data, mail over SMTP to a sink) driven by Chromium.

tests/browser/conftest.py provides the fixtures to the browser tests; they import the helpers (login, new_page…).
Chromium is Debian's /usr/bin/chromium driven by Playwright's Python package (no browser download); scripts/test
installs it, fonts-noto-cjk and axe-core when missing. Without chromium or playwright the tests fail, never skip.
Set PORTAL_SCREENSHOTS=1 to (re)write docs/screenshots/*.png from the journeys.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from portal import create_app, db
from portal.models import Base, utcnow
from tests.conftest import fresh_pg_database
from tests.smtp_fixtures import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run"]
AXE = ROOT / ".browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "correct horse battery 1"
#: the department the journeys assign items to, with a handler of its own (the demo handler belongs to 政研室)
DEPARTMENT = "组织部"
CASE_NUMBER = re.compile(r"[A-Z]+-\d{4}-\d{6,}")


@dataclass
class Portal:
    """A running portal: its base URL, the app (for sending the outbox), the SMTP sink, staff logins by role."""

    url: str
    app: object
    sink: SmtpSink
    accounts: dict[str, str] = field(default_factory=dict)  # role → email, password PASSWORD

    def send_mail(self) -> int:
        """Run one batch of the real outbox sender (what `flask mail send` does); the number of messages sent."""
        from portal.services.mail import send as mail_send
        with self.app.app_context():
            result = mail_send.send_due(self.app.extensions["portal.db"], mail_send.Mailer(self.app),
                                        mail_send.SendSettings.from_config(self.app.config), utcnow(), 100,
                                        lambda: False)
        return result.sent

    def mail_to(self, address: str) -> list:
        """Messages the SMTP sink received for address, oldest first."""
        return [m for m in self.sink.messages if address in m.rcpt_tos]


def _serve(app):
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def _fill(app) -> dict[str, str]:
    """Demo campaign, demo items and one account per role (plus a handler of DEPARTMENT); role → email."""
    from portal.services.ops.demo import load_demo
    from portal.services.ops.demo_feedback import create_demo_items
    from portal.services.feedback.intake import IntakeSettings
    from portal.services.accounts.users import create_user
    accounts = {}
    with app.test_request_context():
        session = db.session()
        campaign = load_demo(session)
        users = {}
        for role, department in (("admin", None), ("clerk", None), ("triager", None), ("handler", "政研室"),
                                 ("research", None), ("supervisor", None), ("dept_handler", DEPARTMENT)):
            email = f"{role.replace('_', '-')}@browser.test"
            real_role = "handler" if role == "dept_handler" else role
            users[role] = (create_user(session, email, f"测试{role}", real_role, PASSWORD, department=department),
                           PASSWORD)
            accounts[role] = email
        session.flush()
        create_demo_items(session, campaign, IntakeSettings.from_config(app.config), users)
        session.commit()
    return accounts


def start_portal(db_url: str, instance: Path):
    """(Portal, stop) — a live portal on a free loopback port over db_url (schema created, demo data loaded)."""
    engine = db.make_engine(db_url)
    Base.metadata.create_all(engine)
    engine.dispose()
    sink = SmtpSink()
    sink.start()
    instance.mkdir(parents=True, exist_ok=True)
    app = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "browser-secret", "PUBLIC_VERSION_SECONDS": 0,
                      "FORM_RATE_LIMIT": "1000 per minute", "LOOKUP_RATE_LIMIT": "1000 per minute",
                      "LOGIN_RATE_LIMIT": "1000 per minute", **sink.config()}, instance_path=str(instance))
    accounts = _fill(app)
    server, thread = _serve(app)
    portal = Portal(f"http://127.0.0.1:{server.server_port}", app, sink, accounts)

    def stop() -> None:
        server.shutdown()
        thread.join(10)
        sink.stop()
        app.extensions["portal.db"].kw["bind"].dispose()
    return portal, stop


@pytest.fixture(scope="module")
def live_portal(tmp_path_factory):
    """The portal on SQLite, one per test module."""
    tmp = tmp_path_factory.mktemp("browser-portal")
    portal, stop = start_portal(f"sqlite:///{tmp / 'portal.db'}", tmp / "instance")
    yield portal
    stop()


@pytest.fixture(scope="module")
def live_portal_pg(tmp_path_factory, worker_id):
    """The portal on a PostgreSQL database of its own (from PORTAL_TEST_DATABASE_URL), one per test module."""
    with fresh_pg_database(f"portal_browser_{worker_id}_{os.getpid()}") as url:
        tmp = tmp_path_factory.mktemp("browser-portal-pg")
        portal, stop = start_portal(url, tmp / "instance")
        yield portal
        stop()


@pytest.fixture(scope="module")
def browser():
    """Chromium, started once per test module.

    Not session-scoped: Playwright's sync API marks its event loop as running in this thread until it stops, so
    Chromium stops with each module rather than staying up under the worker's other tests."""
    from playwright import sync_api
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        pytest.fail(f"{CHROMIUM} is not installed: run the tests with scripts/test, which installs Debian's chromium")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser, *, width: int = 1280, height: int = 900, locale: str = "zh-CN", **context_args):
    """A page in a fresh context (own cookies); console errors and dialogs are collected on page.problems."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale,
                                  device_scale_factor=1, **context_args)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.dialogs = []

    def on_dialog(dialog) -> None:
        page.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()
    page.on("dialog", on_dialog)
    return page


@pytest.fixture
def page(browser):
    """A desktop-sized page (1280 wide) in a fresh browser context, closed after the test."""
    page = new_page(browser)
    yield page
    page.context.close()


def login(page, portal: Portal, role: str) -> None:
    """Log in through the real login form as the account of role."""
    page.goto(portal.url + "/staff/login")
    page.get_by_label("电子邮箱").fill(portal.accounts[role])
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/staff/(?!login)"))


def screenshot(page, name: str) -> None:
    """With PORTAL_SCREENSHOTS=1: docs/screenshots/<name>.png, the full page at the page's width."""
    if os.environ.get("PORTAL_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, animations="disabled")
