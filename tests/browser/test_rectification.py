"""The rectification office (整改办) keeps the ledger in Chromium: from its home page it opens the campaign's ledger,
uploads the current ledger with three measures changed, sees exactly those changes and the public figures before →
after, confirms, and the public measure page shows the new status; a second upload with a broken row lists its
第N行 errors and writes nothing. Chinese and English on a desktop, Chinese on a 375-pixel phone; axe finds nothing
serious on the ledger pages."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from portal import db
from portal.models import IN_PROGRESS, Campaign, Measure, MeasureUpdate, User
from portal.services.accounts.users import create_user
from portal.services.ledger.exporter import export_ledger
from tests.browser.fixtures import AXE, PASSWORD
from tests.browser.test_a11y import serious_violations
from tests.browser.test_home import home
from tests.browser.test_journeys import STAFF_VARIANTS, fits, staff_page, ui

pytestmark = [pytest.mark.browser, pytest.mark.slow]
#: the variants change different in-progress measures of the shared demo ledger
OFFSETS = {"zh": 0, "en": 3, "phone-375": 6}
CODE, STATUS, DONE_ON, NOTE, TEXT = 8, 10, 11, 12, 9


def office_account(portal) -> None:
    """An account of the rectification office, once per portal."""
    if "rectification" in portal.accounts:
        return
    with portal.app.test_request_context():
        session = db.session()
        if session.scalar(select(User).where(User.email == "office@browser.test")) is None:
            create_user(session, "office@browser.test", "测试整改办", "rectification", PASSWORD)
            session.commit()
    portal.accounts["rectification"] = "office@browser.test"


def changed_ledger(portal, folder: Path, offset: int, *, broken: bool = False) -> tuple[Path, list[str]]:
    """The campaign's current ledger as CSV with three in-progress measures changed: the first done (with a
    date), the second's 进展说明 and the third's text reworded; with broken, the first's status unreadable too."""
    with portal.app.test_request_context():
        session = db.session()
        campaign = session.scalar(select(Campaign))
        path = folder / f"ledger-{offset}{'-broken' if broken else ''}.csv"
        export_ledger(session, campaign, path)
        codes = list(session.scalars(select(Measure.code).where(Measure.status == IN_PROGRESS)
                                     .order_by(Measure.position)))[offset:offset + 3]
    with path.open(encoding="utf-8-sig", newline="") as data:
        rows = list(csv.reader(data))
    for row in rows[1:]:
        if row[CODE] == codes[0]:
            row[STATUS], row[DONE_ON] = ("差不多" if broken else "已完成"), "2021-04-01"
        elif row[CODE] == codes[1]:
            row[NOTE] = "已完成调研，正在起草制度。"
        elif row[CODE] == codes[2]:
            row[TEXT] += "（修订）"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)
    return path, codes


def history_rows(portal) -> int:
    with portal.app.test_request_context():
        return db.session().scalar(select(func.count()).select_from(MeasureUpdate))


@pytest.mark.parametrize(("lang", "width"), STAFF_VARIANTS)
def test_office_uploads_a_changed_ledger_checks_the_diff_confirms_and_the_public_sees_it(
        browser, live_portal, tmp_path, request, lang, width):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    t = lambda msgid: ui(lang, msgid)  # noqa: E731
    office_account(live_portal)
    variant = request.node.callspec.id
    path, (finished, noted, reworded) = changed_ledger(live_portal, tmp_path, OFFSETS[variant])

    page = staff_page(browser, live_portal, "rectification", lang, width)
    home(page, live_portal, lang)
    page.locator("#campaigns").get_by_role("link", name=re.compile("省委第八巡视组")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("整改台账"))
    fits(page)
    assert serious_violations(page) == []

    page.get_by_label(t("台账文件（.xlsx 或 .csv）")).set_input_files(str(path))
    page.get_by_role("button", name=t("上传并预览")).click()
    preview = page.locator("#ledger-preview")
    expect(preview.get_by_role("heading", level=2)).to_have_text(t("导入预览：尚未写入"))
    changed = preview.locator("table.ledger-diff")
    expect(changed).to_have_count(1)  # nothing added, no problem changed: only the three measures
    codes = changed.locator("tbody th[scope=row]").all_inner_texts()
    assert sorted(set(codes)) == sorted({finished, noted, reworded})
    expect(changed.locator("tbody tr", has_text=noted)).to_contain_text("已完成调研，正在起草制度。")
    figures = preview.locator("table").first
    done_row = figures.locator("tbody tr", has_text=t("已完成措施"))
    before, after = (int(re.match(r"\d+", text)[0]) for text in done_row.locator("td").all_inner_texts())
    assert after == before + 1
    fits(page)
    assert serious_violations(page) == []

    page.get_by_role("button", name=t("确认导入")).click()
    expect(page.locator(".flash")).to_contain_text("Ledger imported" if lang == "en" else "已导入整改台账")
    public = page.context.new_page()
    public.goto(f"{live_portal.url}/campaigns/gansu-2020/measures/{finished}")
    expect(public.locator(".head-status")).to_have_text(t("已完成"))
    public.close()

    bad, _codes = changed_ledger(live_portal, tmp_path, OFFSETS[variant] + 9, broken=True)
    written = history_rows(live_portal)
    page.get_by_label(t("台账文件（.xlsx 或 .csv）")).set_input_files(str(bad))
    page.get_by_role("button", name=t("上传并预览")).click()
    errors = page.locator("#ledger-errors")
    expect(errors.locator("li").first).to_contain_text(re.compile(r"^第\d+行，“完成情况”列：无法识别的完成情况“差不多”"))
    expect(page.get_by_role("button", name=t("确认导入"))).to_have_count(0)
    assert history_rows(live_portal) == written
    fits(page)
    assert serious_violations(page) == []
    page.context.close()
