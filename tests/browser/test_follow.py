"""Following measure 35-3 on a phone (375 × 740) in Chinese and English: search 劳模补助 → measure 35-3 → follow →
confirm from the mail the SMTP sink received → a ledger change to 35-3 (a changed ledger imported through the
service) → the follow sender and the outbox sender run → exactly one mail to the follower, with RFC 8058
List-Unsubscribe and List-Unsubscribe-Post → the one-click POST unsubscribes. Every page on the way is axe clean."""
from __future__ import annotations

import csv
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import db
from portal.models import FollowSubscription, utcnow
from portal.services.follow import sender
from portal.services.follow.tokens import FollowSettings
from portal.services.ledger.campaigns import find_campaign
from portal.services.ledger.exporter import export_ledger
from portal.services.ledger.importer import import_ledger
from portal.services.ops.demo import DEMO_SLUG
from tests.browser.test_a11y import serious_violations
from tests.browser.test_public_search import LOCALES, phone

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORDS = {"zh-CN": {"follow": "关注整改措施35-3", "submit": "关注", "sent": "请查收确认邮件", "confirm": "确认关注",
                   "confirmed": "已确认", "unsubscribed": "已退订"},
         "en": {"follow": "Follow Measure 35-3", "submit": "Follow", "sent": "Check your mail to confirm",
                "confirm": "Confirm", "confirmed": "Confirmed", "unsubscribed": "Unsubscribed"}}


def on_portal(portal, url: str) -> str:
    """A link from a mail (written for PUBLIC_BASE_URL) on the live portal's own address."""
    return portal.url + urlsplit(url).path


def change_measure_35_3(portal, tmp_path, note: str) -> None:
    """Export the demo ledger, change 35-3's 进展说明, import it back: what an operator's ledger import does."""
    with portal.app.app_context():
        session = db.session()
        campaign = find_campaign(session, DEMO_SLUG)
        exported = tmp_path / "ledger.csv"
        export_ledger(session, campaign, exported)
        with exported.open(encoding="utf-8-sig", newline="") as source:
            rows = list(csv.reader(source))
        code, note_column = rows[0].index("措施编号"), rows[0].index("进展说明")
        for row in rows[1:]:
            if row[code] == "35-3":
                row[note_column] = note
        changed = tmp_path / "ledger-changed.csv"
        with changed.open("w", encoding="utf-8-sig", newline="") as out:
            csv.writer(out).writerows(rows)
        import_ledger(session, campaign, changed, actor="浏览器测试")
        session.commit()


def run_senders(portal) -> None:
    with portal.app.app_context():
        sender.run(portal.app.extensions["portal.db"], FollowSettings.from_config(portal.app.config), utcnow())
    portal.send_mail()


@pytest.mark.parametrize("locale", LOCALES)
def test_follow_35_3_confirm_hear_of_one_ledger_change_and_unsubscribe_in_one_click(browser, live_portal, locale,
                                                                                   tmp_path):
    words, address = WORDS[locale], f"follower-{locale.lower()}@browser.test"
    page = phone(browser, locale)
    violations: list[str] = []
    try:
        page.goto(live_portal.url + "/")
        page.locator("#site-search-q").fill("劳模补助")
        page.locator("#site-search-q").press("Enter")
        page.locator("#group-measure a[href$='/measures/35-3']").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("35-3")
        violations += serious_violations(page)

        page.get_by_role("link", name=words["follow"]).click()
        violations += serious_violations(page)
        page.get_by_label(re.compile("^(电子邮箱|Email)")).fill(address)
        page.get_by_role("button", name=words["submit"], exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(words["sent"])
        violations += serious_violations(page)

        live_portal.send_mail()
        (confirmation,) = live_portal.mail_to(address)
        confirm_url = re.search(r"https?://\S+/follow/confirm/\S+", confirmation.email.get_content()).group()
        page.goto(on_portal(live_portal, confirm_url))
        violations += serious_violations(page)
        page.get_by_role("button", name=words["confirm"]).click()
        expect(page.get_by_role("status")).to_contain_text(words["confirmed"])
        violations += serious_violations(page)

        change_measure_35_3(live_portal, tmp_path, f"省财政专项补助资金已发放完毕（{locale}核对）。")
        run_senders(live_portal)
        run_senders(live_portal)
        mails = live_portal.mail_to(address)
        assert len(mails) == 2, [m.email["Subject"] for m in mails]
        notice = mails[1].email
        assert "35-3" in notice["Subject"]
        assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe_url = str(notice["List-Unsubscribe"]).strip().strip("<>")

        response = page.request.post(on_portal(live_portal, unsubscribe_url),
                                     form={"List-Unsubscribe": "One-Click"})
        assert response.status == 200
        with live_portal.app.app_context():
            state = db.session().scalar(select(FollowSubscription.state).where(FollowSubscription.email == address))
        assert state == "unsubscribed"
        page.goto(on_portal(live_portal, unsubscribe_url))
        expect(page.get_by_role("status")).to_contain_text(words["unsubscribed"])
        violations += serious_violations(page)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    finally:
        page.context.close()
    assert not violations, "\n".join(violations)
