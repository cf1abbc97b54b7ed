"""满意度 in Chromium: the citizen follows the 不满意 link of the reply e-mail caught by the SMTP sink, confirms it on a
375-pixel phone, is offered the review, and the research office finds the answer on its home page; another citizen
rates the answer on the case page reached by case number and query code (Chinese and English, on a phone)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from portal import db
from portal.models import AnswerRating, FeedbackItem, User
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import workflow
from portal.services.feedback.intake import Contact, IntakeSettings, NewItem, create_item
from portal.services.replies import drafting
from tests.browser.fixtures import AXE, DEPARTMENT, login, new_page
from tests.browser.test_a11y import serious_violations
from tests.browser.test_journeys import TEXT, no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "rating-citizen@example.org"
PHONE_WIDTH = 375


def answer_by_email(portal, email: str = EMAIL,
                    content: str = "建议公开职工疗休养名单和费用标准，接受监督。") -> tuple[str, str]:
    """An opinion accepted, handled by DEPARTMENT and answered by e-mail through the services; (case number, query
    code)."""
    app, clocks = portal.app, ClockSettings()
    with app.test_request_context():
        session = db.session()
        staff = {role: session.scalars(select(User).where(User.email == portal.accounts[role])).one()
                 for role in ("triager", "dept_handler", "research")}
        item, code = create_item(session, NewItem("web", "suggestion", content, contact=Contact(email=email),
                                                  wants_reply=True), IntakeSettings.from_config(app.config))
        triager, handler = staff["triager"], staff["dept_handler"]
        workflow.apply(session, item, "accept", triager, clocks)
        workflow.apply(session, item, "assign", triager, clocks, department=handler.department_id)
        reply = drafting.start_draft(session, handler, item, "经研究，疗休养名单将于每年年底公开。", clocks)
        drafting.submit(session, handler, reply)
        drafting.approve(session, staff["research"], reply, drafting.ReplySettings.from_config(app.config),
                         confirmed=True)
        session.commit()
        return item.case_number, code


def ratings_stored(portal) -> int:
    with portal.app.app_context():
        return db.session().scalar(select(func.count(AnswerRating.id)))


def rating_of(portal, case_number: str) -> tuple[str, str] | None:
    """(level, source) of the case's rating, None before any."""
    with portal.app.app_context():
        found = db.session().execute(select(AnswerRating.level, AnswerRating.source).join(FeedbackItem)
                                     .where(FeedbackItem.case_number == case_number)).first()
        return tuple(found) if found else None


def test_a_citizen_rates_an_answer_unsatisfied_from_the_email_and_the_research_office_sees_it(browser, live_portal):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    portal = live_portal
    case_number, _code = answer_by_email(portal)
    assert portal.send_mail() >= 1
    [mail] = [m for m in portal.mail_to(EMAIL) if case_number in m.email["Subject"]]
    body = mail.email.get_body(("plain",)).get_content()
    link = re.search(r"^不满意：(\S+)$", body, re.M).group(1)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert path.startswith("/rate/") and "level=unsatisfied" in path

    citizen = new_page(browser, width=PHONE_WIDTH, height=740, is_mobile=True, has_touch=True)
    citizen.goto(portal.url + path)
    expect(citizen.get_by_role("heading", level=1)).to_have_text("评价答复")
    expect(citizen.get_by_label("不满意", exact=True)).to_be_checked()
    assert ratings_stored(portal) == 0, "opening the link recorded a rating"
    assert serious_violations(citizen) == []
    no_horizontal_scroll(citizen, PHONE_WIDTH)
    citizen.get_by_label("意见（可选）").fill("年底才公开太晚，希望每季度公开。")
    citizen.get_by_role("button", name="提交评价").click()
    expect(citizen.get_by_role("status")).to_contain_text("感谢您的评价，已记录为“不满意”")
    offer = citizen.locator("section.review-offer")
    expect(offer).to_contain_text("申请复查")
    expect(offer.get_by_role("link", name="申请复查")).to_have_attribute("href", "/lookup")
    assert serious_violations(citizen) == []
    no_horizontal_scroll(citizen, PHONE_WIDTH)
    assert ratings_stored(portal) == 1
    citizen.context.close()

    research = new_page(browser)
    login(research, portal, "research")
    research.goto(portal.url + "/staff/")
    section = research.locator("section#unsatisfied")
    expect(section).to_contain_text(case_number)
    expect(section).to_contain_text(DEPARTMENT)
    expect(section).to_contain_text("年底才公开太晚")
    expect(research.locator("nav").get_by_role("link", name=re.compile("不满意的答复"))).to_contain_text("1")
    research.locator("section#unsatisfied").get_by_role("link", name=case_number).click()
    expect(research.locator("section#satisfaction")).to_contain_text("邮件链接评价")
    assert serious_violations(research) == []
    research.context.close()


CASE_PAGE_WORDS = {
    "zh": {"rate": "评价答复", "satisfied": "满意", "comment": "意见（可选）", "submit": "提交评价",
           "thanks": "感谢您的评价，已记录为“满意”", "content": "建议食堂公示每周菜谱和价格，接受职工监督。"},
    "en": {"rate": "Rate the answer", "satisfied": "Satisfied", "comment": "Comment (optional)",
           "submit": "Submit rating", "thanks": "Thank you: your rating “Satisfied” has been recorded.",
           "content": "Please post the canteen's weekly menu and prices so that workers can check them."},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_citizen_rates_the_answer_on_the_case_page_after_the_lookup_on_a_phone(browser, live_portal, lang):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    t, w = TEXT[lang], CASE_PAGE_WORDS[lang]
    case_number, code = answer_by_email(live_portal, f"case-rating-{lang}@example.org", w["content"])
    citizen = new_page(browser, width=PHONE_WIDTH, height=740, is_mobile=True, has_touch=True)
    citizen.goto(live_portal.url + ("/lang/en?next=/lookup" if lang == "en" else "/lookup"))
    citizen.get_by_label(t["case"]).fill(case_number)
    citizen.get_by_label(t["code"]).fill(code)
    citizen.get_by_role("button", name=t["check"], exact=True).click()
    citizen.wait_for_url(re.compile(r"/case$"))
    rating = citizen.locator("section.rating")
    expect(rating.get_by_role("heading", name=w["rate"])).to_be_visible()
    assert rating_of(live_portal, case_number) is None
    assert serious_violations(citizen) == []
    no_horizontal_scroll(citizen, PHONE_WIDTH)
    rating.get_by_label(w["satisfied"], exact=True).check()
    rating.get_by_role("button", name=w["submit"]).click()
    expect(citizen.get_by_role("status")).to_contain_text(w["thanks"])
    assert serious_violations(citizen) == []
    no_horizontal_scroll(citizen, PHONE_WIDTH)
    assert rating_of(live_portal, case_number) == ("satisfied", "web")
    citizen.context.close()
