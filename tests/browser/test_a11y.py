"""Accessibility in Chromium: axe-core finds no serious or critical violation on any public page or the main staff
pages, and the public opinion form, the lookup form and the staff login work with the keyboard alone."""
from __future__ import annotations

import re

import pytest
from tests.browser.fixtures import AXE, PASSWORD, login, new_page
from playwright.sync_api import expect
from sqlalchemy import select

from portal import db
from portal.models import FeedbackItem, FollowSubscription, ProgressReport, Reply
from portal.services.follow import subscriptions, targets
from portal.services.follow.tokens import FollowSettings, confirm_token, manage_token, unsubscribe_token
from portal.services.ledger.campaigns import find_campaign
from portal.services.ops.demo import DEMO_SLUG
from portal.services.satisfaction.links import token_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: public GET endpoints that render no HTML page of their own (data files, JSON, redirects, health checks)
NOT_PAGES = {"public.set_language", "public.feedback_targets", "public.case_file", "health.healthz", "static",
             "public.campaign_feed", "public.problem_feed", "public.measure_feed"}
#: public pages only the browser that submitted a form may open: checked by submitting it (the opinion form here, the
#: lookup in tests/browser/test_case_page.py)
AFTER_SUBMITTING = {"public.feedback_done", "public.case"}


def public_pages(app) -> dict[str, str]:
    """endpoint → a URL of the page, for every public HTML page in the URL map (a new page must be added here)."""
    with app.app_context():
        report_id = db.session().scalar(select(ProgressReport.id).limit(1))
    rating = token_for(demo_cases(app)["reply_id"], app.config["SECRET_KEY"])
    s = DEMO_SLUG
    return {
        "public.home": "/", "public.campaign_home": f"/campaigns/{s}/", "public.category": f"/campaigns/{s}/categories/1",
        "public.problem": f"/campaigns/{s}/problems/35", "public.measure": f"/campaigns/{s}/measures/35-4",
        "public.reports": f"/campaigns/{s}/reports/", "public.report": f"/campaigns/{s}/reports/{report_id}",
        "public.problems": f"/campaigns/{s}/problems/?department=办公室", "public.progress": f"/campaigns/{s}/progress",
        "public.answers": "/answers", "public.feedback": "/feedback", "public.lookup": "/lookup",
        "public.privacy": "/privacy", "public.contact": "/contact", "public.rate": f"/rate/{rating}",
        "public.site_search": "/search?q=劳模补助",
        "public.follow": f"/follow?campaign={s}&measure=35-4", "public.follow_sent": "/follow/sent",
        **follow_pages(app),
    }


def follow_pages(app) -> dict[str, str]:
    """The confirm, unsubscribe and manage pages of a (pending) follower of measure 35-4."""
    with app.test_request_context():
        session, settings = db.session(), FollowSettings.from_config(app.config)
        campaign = find_campaign(session, DEMO_SLUG)
        subscriptions.subscribe(session, settings, [targets.find(session, campaign, measure="35-4")],
                                "a11y@browser.test", "weekly", "zh")
        subscription_id = session.scalar(select(FollowSubscription.id).where(
            FollowSubscription.email == "a11y@browser.test"))
        session.commit()
    return {"public.follow_confirm": f"/follow/confirm/{confirm_token(settings.key, [subscription_id], 'weekly')}",
            "public.follow_unsubscribe": f"/follow/unsubscribe/{unsubscribe_token(settings.key, subscription_id)}",
            "public.follow_manage": f"/follow/manage/{manage_token(settings.key, subscription_id)}"}


def demo_cases(app) -> dict[str, object]:
    """Case numbers of the demo items by state, and the answered item's reply id."""
    with app.app_context():
        session = db.session()
        by_state = {item.state: item.case_number for item in session.scalars(select(FeedbackItem).order_by(FeedbackItem.id))}
        replied = session.scalar(select(FeedbackItem).where(FeedbackItem.state == "replied"))
        reply_id = session.scalar(select(Reply.id).where(Reply.item_id == replied.id))
    return {**by_state, "reply_id": reply_id}


def staff_pages(app) -> list[tuple[str, str]]:
    """(role, path) of the main staff pages, each seen by a role that can work on it."""
    cases = demo_cases(app)
    answered, handling, received = cases["replied"], cases["handling"], cases["received"]
    return [
        ("triager", "/staff/queue"), ("triager", f"/staff/items/{received}"), ("triager", f"/staff/items/{answered}"),
        ("clerk", "/staff/log/phone"), ("clerk", "/staff/log/letter"),
        ("handler", f"/staff/items/{handling}"), ("handler", f"/staff/items/{handling}/replies/new"),
        ("research", f"/staff/items/{answered}/replies/{cases['reply_id']}"),
        ("research", f"/staff/items/{answered}/replies/{cases['reply_id']}/publication"),
        ("research", "/staff/reply-templates"), ("research", "/staff/reply-templates/new"),
        ("research", "/staff/outbox"), ("research", "/staff/inbound"),
        ("admin", "/staff/users"), ("admin", "/staff/users/new"), ("supervisor", "/staff/audit"),
        ("supervisor", "/staff/password"),
        ("admin", "/staff/departments"), ("admin", "/staff/departments/1"), ("admin", "/staff/departments/1/merge"),
        ("admin", "/staff/users/2/deactivate"), ("admin", "/staff/users/2/password"),
        ("triager", "/staff/"), ("clerk", "/staff/"), ("handler", "/staff/"), ("research", "/staff/"),
        ("supervisor", "/staff/"), ("admin", "/staff/"),
    ]


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, as readable lines."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' → ' + v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(' | '));
    }""")
    return [f"{page.url}: {line}" for line in result]


@pytest.fixture(scope="module")
def staff_page(browser, live_portal):
    """staff_page(role) → a page logged in as that role (one per role for the module)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    pages = {}

    def get(role: str):
        if role not in pages:
            pages[role] = new_page(browser)
            login(pages[role], live_portal, role)
        return pages[role]
    yield get
    for p in pages.values():
        p.context.close()


def test_every_public_page_has_no_serious_accessibility_violation(browser, live_portal):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    pages = public_pages(live_portal.app)
    public = {rule.endpoint for rule in live_portal.app.url_map.iter_rules()
              if "GET" in rule.methods and rule.endpoint.startswith("public.")}
    assert public - NOT_PAGES - AFTER_SUBMITTING == set(pages), "add the new public page to public_pages()"
    found = []
    for lang in ("zh-CN", "en"):
        page = new_page(browser, locale=lang)
        for path in pages.values():
            page.goto(live_portal.url + path)
            found += serious_violations(page)
        # the pages as they look after a failed submission, and a case lookup that finds nothing
        page.goto(live_portal.url + "/feedback")
        page.locator("form.form button[type=submit]").click()
        expect(page.locator(".error-summary")).to_be_visible()
        found += serious_violations(page)
        page.locator("form.form textarea[name=content]").fill("建议公开第二批整改措施的完成时间和佐证材料。")
        page.locator("form.form input[name=consent]").check()
        page.locator("form.form button[type=submit]").click()
        expect(page.locator(".query-code")).to_be_visible()
        found += serious_violations(page)
        page.reload()
        expect(page.locator(".case-number")).to_be_visible()
        found += serious_violations(page)
        page.goto(live_portal.url + "/lookup")
        page.locator("form.form input[name=case_number]").fill("GH-2021-999999")
        page.locator("form.form input[name=code]").fill("ABCDEFGH")
        page.locator("form.form button[type=submit]").click()
        expect(page.locator("[role=alert]")).to_be_visible()
        found += serious_violations(page)
        page.goto(live_portal.url + "/no-such-page")
        found += serious_violations(page)
        page.context.close()
    assert not found, "\n".join(found)


def test_the_lookup_of_a_merged_case_has_no_serious_accessibility_violation(page, live_portal):
    from portal.models import User
    from portal.services.common.clocks import ClockSettings
    from portal.services.feedback.intake import IntakeSettings, NewItem, create_item
    from portal.services.feedback.workflow import apply
    app = live_portal.app
    with app.test_request_context():
        session = db.session()
        settings = IntakeSettings.from_config(app.config)
        original, _ = create_item(session, NewItem("web", "suggestion", "建议公开劳模补助资金的发放名单。"), settings)
        duplicate, code = create_item(session, NewItem("web", "suggestion", "劳模补助资金发放名单能公开吗？"), settings)
        triager = session.scalars(select(User).where(User.email == live_portal.accounts["triager"])).one()
        apply(session, duplicate, "merge", triager, ClockSettings(), original=original.case_number)
        session.commit()
    page.goto(live_portal.url + "/lookup")
    page.locator("form.form input[name=case_number]").fill(duplicate.case_number)
    page.locator("form.form input[name=code]").fill(code)
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(f"已并入 {original.case_number}")
    expect(page.locator(".original-status")).to_contain_text("已收到，正在分办")
    assert not serious_violations(page)


def test_the_main_staff_pages_have_no_serious_accessibility_violation(browser, live_portal, staff_page):
    found = []
    login_page = new_page(browser)
    login_page.goto(live_portal.url + "/staff/login")
    found += serious_violations(login_page)
    login_page.context.close()
    for role, path in staff_pages(live_portal.app):
        page = staff_page(role)
        response = page.goto(live_portal.url + path)
        assert response.status == 200, f"{role} {path}: {response.status}"
        found += serious_violations(page)
    assert not found, "\n".join(found)


def test_the_clerks_receipt_and_correction_pages_have_no_serious_accessibility_violation(live_portal, staff_page):
    """The letter's result page with its 回执, the correction form (masked, after a reveal, with a refusal) and the
    item's history with the correction."""
    page = staff_page("clerk")
    page.goto(live_portal.url + "/staff/log/letter")
    page.locator("select[name=kind]").select_option("report")
    page.locator("input[name=sender_name]").fill("钱来信")
    page.locator("textarea[name=content]").fill("来信反映某基层工会经费使用不公开，请核查。")
    page.locator("form.stack-form > p > button[type=submit]").click()
    expect(page.locator("article.receipt")).to_be_visible()
    found = serious_violations(page)
    page.locator("main a[href*='/staff/items/']").click()
    page.locator(".item-correct a").click()
    found += serious_violations(page)
    page.locator("button[name=reveal]").click()
    expect(page.locator("input[name=name]")).to_have_value("钱来信")
    page.locator("textarea[name=content]").fill("太短")
    page.locator("form.stack-form > p > button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found += serious_violations(page)
    page.locator("textarea[name=content]").fill("来信反映某基层工会经费使用情况不公开，请核查。")
    page.locator("form.stack-form > p > button[type=submit]").click()
    expect(page.locator(".history-changes")).to_be_visible()
    found += serious_violations(page)
    assert not found, "\n".join(found)


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focused element matches selector (what a keyboard user does, reading each label)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def test_the_opinion_form_and_the_lookup_work_with_the_keyboard_alone(page, live_portal):
    page.goto(live_portal.url + "/feedback")
    tab_to(page, "input[name=kind]")
    page.keyboard.press("Space")  # the first choice: 建议意见
    tab_to(page, "textarea[name=content]")
    page.keyboard.type("建议在门户首页增加整改措施的完成时间筛选，方便职工查看。")
    tab_to(page, "input[name=email]")
    page.keyboard.type("keyboard@example.org")
    tab_to(page, "input[name=consent]")
    page.keyboard.press("Space")
    tab_to(page, "form.form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("您的意见已收到")
    case_number = page.locator(".case-number").inner_text().strip()
    code = page.locator(".query-code").inner_text().replace(" ", "")

    page.goto(live_portal.url + "/lookup")
    tab_to(page, "input[name=case_number]")
    page.keyboard.type(case_number)
    tab_to(page, "input[name=code]")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case_number)
    expect(page.locator("main")).to_contain_text("已收到，正在分办")


def test_the_staff_login_works_with_the_keyboard_alone(page, live_portal):
    page.goto(live_portal.url + "/staff/login")
    tab_to(page, "input[name=email]")
    page.keyboard.type(live_portal.accounts["triager"])
    page.keyboard.press("Tab")
    expect(page.locator("input[name=password]")).to_be_focused()
    page.keyboard.type(PASSWORD)
    tab_to(page, "form.account-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/staff/(?!login)"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_skip_link_is_the_first_tab_stop_and_moves_to_the_content(page, live_portal):
    page.goto(live_portal.url + "/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


def test_axe_reports_a_violation_when_there_is_one(page, live_portal):
    """The check above is not vacuous: an image without alt text and an unlabelled field are reported."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    page.goto(live_portal.url + "/privacy")
    assert serious_violations(page) == []
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<img src="/static/none.png"><input type="text" name="unlabelled">');
    }""")
    found = "\n".join(serious_violations(page))
    assert "image-alt" in found and "label" in found, found


def test_every_public_page_reflows_on_a_375_pixel_phone(browser, live_portal):
    """WCAG 1.4.10 reflow: no page of the public site scrolls sideways on a 375-pixel-wide screen."""
    page = new_page(browser, width=375, height=740, is_mobile=True, has_touch=True)
    wide = []
    for path in public_pages(live_portal.app).values():
        page.goto(live_portal.url + path)
        scroll = page.evaluate("document.scrollingElement.scrollWidth")
        if scroll > 375:
            wide.append(f"{path}: {scroll}px")
    page.context.close()
    assert not wide, "pages wider than the screen: " + ", ".join(wide)
