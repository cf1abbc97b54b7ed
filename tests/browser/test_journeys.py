"""User journeys in Chromium against a live portal: what a citizen, a clerk, a triager, a handler and the research
office see and do, with mail really going over SMTP. Run alone: pytest -m browser. Screenshots: PORTAL_SCREENSHOTS=1."""
from __future__ import annotations

import re
import struct
import zlib
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import db
from portal.models import FeedbackItem
from tests.browser.fixtures import CASE_NUMBER, DEPARTMENT, PASSWORD, login, new_page, screenshot
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = {
    "zh": {"give": "对此提意见", "kind": "建议意见", "content": "内容", "email": "电子邮箱", "wants_reply": "希望得到答复",
           "consent": "我已阅读并同意上述个人信息处理规则", "publish": "同意在本平台公开对本件的答复", "submit": "提交",
           "done": "您的意见已收到", "lookup": "办理查询", "case": "受理编号", "code": "查询码", "check": "查询",
           "received": "已收到，正在分办", "answered": "已答复"},
    "en": {"give": "Give your opinion on this", "kind": "Suggestion", "content": "Content", "email": "Email",
           "wants_reply": "I would like an answer",
           "consent": "I have read and agree to the rules for handling personal information above",
           "publish": "I agree that the answer to my case may be published", "submit": "Submit",
           "done": "Your opinion has been received", "lookup": "Check a case", "case": "Case number",
           "code": "Query code", "check": "Check", "received": "Received, being sorted", "answered": "Answered"},
}


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    """A small real PNG (a grey rectangle), like a scanned page."""
    raw = b"".join(b"\x00" + bytes([128, 128, 128]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def no_horizontal_scroll(page, width: int) -> None:
    page.wait_for_load_state()  # a click may still be navigating: measure the page it leads to
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways on a {width}px screen ({scroll}px wide)"


def submit_opinion(page, portal, email: str, content: str, lang: str = "zh", *, shots: bool = False,
                   width: int | None = None) -> tuple[str, str]:
    """Home → category → problem → 对此提意见 → form with an email address → done page; (case number, query code)."""
    t = TEXT[lang]
    page.goto(portal.url + "/")
    if lang == "en":
        page.get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", re.compile("^en"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if shots:
        screenshot(page, "01-home")
    if width:
        no_horizontal_scroll(page, width)
    page.locator("main a[href*='/categories/']").first.click()
    expect(page).to_have_url(re.compile(r"/categories/\d+"))
    if width:
        no_horizontal_scroll(page, width)
    page.locator("main td a[href*='/problems/']").first.click()
    expect(page).to_have_url(re.compile(r"/problems/\d+"))
    if shots:
        screenshot(page, "02-problem")
    if width:
        no_horizontal_scroll(page, width)
    page.get_by_role("link", name=t["give"]).click()
    expect(page).to_have_url(re.compile(r"/feedback\?"))
    expect(page.get_by_label(re.compile("涉及的问题或措施|Problem or measure", re.I))).not_to_have_value("")
    page.get_by_label(t["kind"], exact=True).check()
    page.get_by_label(t["content"]).fill(content)
    page.get_by_label(t["email"]).fill(email)
    page.get_by_label(t["wants_reply"]).check()
    page.get_by_label(t["consent"]).check()
    page.get_by_label(t["publish"]).check()
    if shots:
        screenshot(page, "03-form")
    if width:
        no_horizontal_scroll(page, width)
    page.get_by_role("button", name=t["submit"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t["done"])
    case_number = page.locator(".case-number").inner_text().strip()
    code = page.locator(".query-code").inner_text().replace(" ", "")
    assert CASE_NUMBER.fullmatch(case_number) and re.fullmatch(r"[A-Z0-9]{8}", code), (case_number, code)
    expect(page.get_by_text(t["case"], exact=True)).to_be_visible()
    expect(page.get_by_text(t["code"], exact=True)).to_be_visible()
    if shots:
        screenshot(page, "04-done")
    if width:
        no_horizontal_scroll(page, width)
    return case_number, code


def look_up(page, portal, case_number: str, code: str, lang: str = "zh"):
    """办理查询 from the site navigation, with the case number and query code; the case page's main part."""
    t = TEXT[lang]
    page.get_by_role("navigation").get_by_role("link", name=t["lookup"]).click()
    page.get_by_label(t["case"]).fill(case_number)
    page.get_by_label(t["code"]).fill(code.lower())
    page.get_by_role("button", name=t["check"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case_number)
    return page.locator("main")


def acknowledgement(portal, email: str, case_number: str, code: str):
    assert portal.send_mail() >= 1
    [mail] = [m for m in portal.mail_to(email) if case_number in m.email["Subject"]]
    body = mail.email.get_body(("plain",)).get_content()
    assert case_number in body and code in body, body
    return mail


def citizen_journey(page, portal, email: str, lang: str = "zh", *, shots: bool = False, width: int | None = None):
    content = {"zh": "建议公开劳模补助资金的发放标准和申请流程，方便职工监督。",
               "en": "Please publish the payment standards of the model-worker subsidy so that workers can check them."}[lang]
    case_number, code = submit_opinion(page, portal, email, content, lang, shots=shots, width=width)
    acknowledgement(portal, email, case_number, code)
    status = look_up(page, portal, case_number, code, lang)
    expect(status).to_contain_text(TEXT[lang]["received"])
    if shots:
        screenshot(page, "05-lookup")
    if width:
        no_horizontal_scroll(page, width)
    return case_number, code


def test_a_citizen_submits_an_opinion_gets_the_mail_and_looks_the_case_up(page, live_portal):
    citizen_journey(page, live_portal, "citizen-zh@example.org", shots=True)


@pytest.mark.postgres
def test_the_citizen_journey_on_postgresql(browser, live_portal_pg):
    page = new_page(browser)
    citizen_journey(page, live_portal_pg, "citizen-pg@example.org")
    page.context.close()


def test_the_citizen_journey_in_english(page, live_portal):
    citizen_journey(page, live_portal, "citizen-en@example.org", "en")
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^en"))


def test_the_citizen_journey_on_a_375_pixel_phone(browser, live_portal):
    page = new_page(browser, width=375, height=740, is_mobile=True, has_touch=True)
    citizen_journey(page, live_portal, "citizen-phone@example.org", width=375)
    page.context.close()


def stored_items(portal) -> int:
    with portal.app.app_context():
        return db.session().scalar(select(func.count()).select_from(FeedbackItem))


def test_reloading_the_result_page_files_nothing_and_hides_the_code(page, live_portal):
    case_number, _ = submit_opinion(page, live_portal, "citizen-reload@example.org", "建议公开劳模专项补助资金的发放时间。")
    stored = stored_items(live_portal)
    page.reload()
    expect(page.locator(".case-number")).to_have_text(case_number)
    expect(page.locator(".query-code")).to_have_count(0)
    page.go_back()
    page.go_forward()
    expect(page.locator(".case-number")).to_have_text(case_number)
    assert stored_items(live_portal) == stored


def read_case_number(page) -> str:
    case_number = page.locator(".case-number").inner_text().strip()
    assert CASE_NUMBER.fullmatch(case_number), case_number
    return case_number


CATALOGUE = Path(__file__).resolve().parents[2] / "portal" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
#: the staff journeys: Chinese on a desktop, English on a desktop, Chinese on a 375-pixel phone
STAFF_VARIANTS = [pytest.param("zh", None, id="zh"), pytest.param("en", None, id="en"),
                  pytest.param("zh", 375, id="phone-375")]


@cache
def _english() -> dict[str, str]:
    from babel.messages.pofile import read_po
    with CATALOGUE.open("rb") as po:
        return {m.id: m.string for m in read_po(po) if isinstance(m.id, str)}


def ui(lang: str, msgid: str) -> str:
    """msgid as the UI shows it in lang: itself in Chinese, its translation from the English catalogue."""
    if lang == "zh":
        return msgid
    translated = _english().get(msgid)
    assert translated, f"{msgid!r} is missing or untranslated in {CATALOGUE.name}"
    return translated


def staff_page(browser, portal, role: str, lang: str = "zh", width: int | None = None):
    """A fresh context logged in as role; English chosen first with the login page's language link; a phone at width."""
    page = (new_page(browser, width=width, height=740, is_mobile=True, has_touch=True) if width
            else new_page(browser))
    page.phone_width = width
    if lang == "zh":
        login(page, portal, role)
        return page
    page.goto(portal.url + "/staff/login")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/staff/login$"))
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^en"))
    page.get_by_label(ui(lang, "电子邮箱")).fill(portal.accounts[role])
    page.get_by_label(ui(lang, "密码")).fill(PASSWORD)
    page.get_by_role("button", name=ui(lang, "登录")).click()
    page.wait_for_url(re.compile(r"/staff/(?!login)"))
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^en"))  # the lang cookie holds on staff pages
    return page


def fits(page) -> None:
    """On a phone: the staff page reflows (no sideways scrolling)."""
    if page.phone_width:
        no_horizontal_scroll(page, page.phone_width)


@pytest.mark.parametrize(("lang", "width"), STAFF_VARIANTS)
def test_a_clerk_logs_a_phone_call_and_a_letter_with_a_scan(browser, live_portal, tmp_path, lang, width):
    t = lambda msgid: ui(lang, msgid)  # noqa: E731
    page = staff_page(browser, live_portal, "clerk", lang, width)
    page.goto(live_portal.url + "/staff/log/phone")
    fits(page)
    page.get_by_label(t("诉求类型")).select_option(label=t("咨询"))
    page.get_by_label(t("来电人姓名（可选）")).fill("张来电")
    page.get_by_label(t("来电号码（可选）")).fill("13912345678")
    page.get_by_label(t("内容摘要")).fill("来电询问困难职工帮扶资金的申请条件和办理时限。")
    page.get_by_role("button", name=t("登记并生成受理编号")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("来电已登记"))
    phone_case = read_case_number(page)
    expect(page.locator(".query-code")).to_be_visible()
    fits(page)
    stored = stored_items(live_portal)
    page.reload()
    expect(page.locator(".query-code")).to_have_count(0)
    assert read_case_number(page) == phone_case and stored_items(live_portal) == stored

    scan = tmp_path / "来信扫描.png"
    scan.write_bytes(png_bytes())
    page.goto(live_portal.url + "/staff/log/letter")
    fits(page)
    page.get_by_label(t("诉求类型")).select_option(label=t("检举控告"))
    page.get_by_label(t("来信人姓名（可选）")).fill("王来信")
    page.get_by_label(t("通信地址（可选）")).fill("兰州市城关区示例路8号")
    page.get_by_label(t("内容摘要")).fill("来信反映某基层工会慰问品采购不规范，请核查。")
    page.get_by_label(t("信件扫描件（可选）")).set_input_files(str(scan))
    page.get_by_role("button", name=t("登记并生成受理编号")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("来信已登记"))
    letter_case = read_case_number(page)
    assert letter_case != phone_case
    fits(page)

    page.goto(f"{live_portal.url}/staff/items/{letter_case}")
    expect(page.get_by_role("link", name=re.compile("来信扫描"))).to_be_visible()
    fits(page)
    page.context.close()


@pytest.mark.parametrize(("lang", "width"), STAFF_VARIANTS)
def test_a_clerk_prints_the_receipt_of_a_letter_and_corrects_a_typo(browser, live_portal, lang, width):
    """From the clerk's start page: log a letter, print its 回执 (the receipt alone on paper), then correct a typo in
    the content and find before → after in the case history."""
    t = lambda msgid: ui(lang, msgid)  # noqa: E731
    page = staff_page(browser, live_portal, "clerk", lang, width)
    page.goto(live_portal.url + "/staff/")
    page.locator("nav.site-nav").get_by_role("link", name=t("登记来信")).click()
    page.get_by_label(t("诉求类型")).select_option(label=t("检举控告"))
    page.get_by_label(t("来信人姓名（可选）")).fill("赵来信")
    page.get_by_label(t("通信地址（可选）")).fill("兰州市七里河区示例路9号")
    page.get_by_label(t("内容摘要")).fill("来信反映某基层工会慰问品采购不规饭，请核查。")
    page.get_by_label(t("来信人同意公开答复")).check()
    page.get_by_role("button", name=t("登记并生成受理编号")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("来信已登记"))
    case_number = read_case_number(page)
    code = page.locator(".query-code").inner_text()
    receipt = page.locator("article.receipt")
    expect(receipt).to_be_visible()
    expect(page.get_by_role("button", name=t("打印回执"))).to_be_visible()
    fits(page)

    page.emulate_media(media="print")
    expect(receipt).to_be_visible()
    for text in ("受理回执", case_number, code, "/lookup", "受理期限"):
        expect(receipt).to_contain_text(text)
    for outside in ("nav.site-nav", "header.site-header", "main > h1", "main > .notice", "main > ul.actions",
                    "footer.site-footer"):
        expect(page.locator(outside)).to_be_hidden()
    page.emulate_media(media="screen")
    expect(page.locator("nav.site-nav")).to_be_visible()

    page.get_by_role("link", name=t("查看本件")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(case_number)
    page.get_by_role("link", name=t("更正登记信息")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("更正登记信息"))
    fits(page)
    page.get_by_label(t("内容摘要")).fill("来信反映某基层工会慰问品采购不规范，请核查。")
    page.get_by_role("button", name=t("保存更正")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(case_number)
    expect(page.locator(".flash-success")).to_contain_text(t("内容摘要"))
    changes = page.locator("#history .history-changes")
    expect(changes).to_contain_text(t("内容摘要"))
    expect(changes.locator("del")).to_contain_text("不规饭")
    expect(changes.locator("ins")).to_contain_text("不规范")
    expect(page.locator(".item-content")).to_have_text("来信反映某基层工会慰问品采购不规范，请核查。")
    fits(page)
    page.context.close()


@pytest.mark.parametrize(("lang", "width"), STAFF_VARIANTS)
def test_an_opinion_is_triaged_handled_approved_mailed_and_published(browser, live_portal, lang, width):
    portal = live_portal
    t = lambda msgid: ui(lang, msgid)  # noqa: E731
    shots = lang == "zh" and not width
    citizen = new_page(browser)
    email = f"citizen-answer-{lang}-{width or 'desktop'}@example.org"
    case_number, code = submit_opinion(citizen, portal, email, "建议把劳模补助资金的发放名单按季度公开，接受职工监督。",
                                       lang)
    acknowledgement(portal, email, case_number, code)

    triager = staff_page(browser, portal, "triager", lang, width)
    triager.goto(portal.url + "/staff/queue")
    if shots:
        screenshot(triager, "07-staff-queue")
    fits(triager)
    triager.get_by_role("link", name=case_number).click()
    expect(triager.get_by_role("heading", level=1)).to_contain_text(case_number)
    if shots:
        screenshot(triager, "08-item")
    fits(triager)
    accept = triager.get_by_role("button", name=t("受理"), exact=True)
    triager.locator("form.transition-form").filter(has=accept).get_by_role("button", name=t("受理"), exact=True).click()
    expect(triager.locator(".page-head")).to_contain_text(t("已受理"))
    triager.get_by_label(t("按编号关联")).fill("35-4")
    triager.get_by_role("button", name=t("关联"), exact=True).click()
    expect(triager.locator("#links")).to_contain_text(t("措施%(code)s") % {"code": "35-4"})
    triager.get_by_label(t("承办部门")).select_option(label=DEPARTMENT)
    triager.get_by_role("button", name=t("交办"), exact=True).click()
    expect(triager.locator(".page-head")).to_contain_text(t("办理中"))
    fits(triager)
    triager.context.close()

    handler = staff_page(browser, portal, "dept_handler", lang, width)
    handler.goto(f"{portal.url}/staff/items/{case_number}")
    handler.get_by_role("link", name=t("起草答复")).click()
    fits(handler)
    answer = ("您建议按季度公开劳模补助资金发放名单。经研究，自下季度起在本平台公开发放名单（隐去身份证号码）。"
              "如有疑问，请致电经办人13912345678。")
    handler.get_by_label(t("答复内容"), exact=True).fill(answer)
    handler.get_by_role("button", name=t("保存并提交审核")).click()
    expect(handler.locator("body")).to_contain_text(t("待审核"))
    fits(handler)
    handler.context.close()

    research = staff_page(browser, portal, "research", lang, width)
    research.goto(f"{portal.url}/staff/items/{case_number}")
    research.get_by_role("link", name=t("查看和办理")).first.click()
    expect(research.get_by_role("heading", name=t("审核"))).to_be_visible()
    if shots:
        screenshot(research, "09-reply-approval")
    fits(research)
    confirm = t("确认审核同意，并立即将答复发送至 %(address)s").split("%(address)s")[0]  # the address is masked
    research.get_by_label(re.compile("^" + re.escape(confirm.strip()))).check()
    research.get_by_role("button", name=t("审核同意")).click()
    expect(research.locator(".head-status")).to_contain_text(t("已答复"))
    expect(research.locator(".facts")).to_contain_text(t("等待发送"))

    assert portal.send_mail() >= 1
    research.reload()
    expect(research.locator(".facts")).to_contain_text(t("已发出"))
    [mail] = [m for m in portal.mail_to(email) if "您的意见已收到" not in m.email["Subject"]
              and "received your opinion" not in m.email["Subject"]]
    assert case_number in mail.email["Subject"]
    assert "按季度公开" in mail.email.get_body(("plain",)).get_content()

    status = look_up(citizen, portal, case_number, code, lang)
    expect(status).to_contain_text(TEXT[lang]["answered"])
    expect(status.locator(".answer")).to_contain_text("自下季度起在本平台公开发放名单")

    research.get_by_role("link", name=t("答复公开")).click()
    fits(research)
    research.get_by_role("button", name=t("生成公开文本（自动遮盖个人信息）")).click()
    expect(research.get_by_label(t("公开文本（可修改）"))).not_to_contain_text("13912345678")
    research.get_by_label(t("确认在“答复公开”页面公开已保存的公开文本")).check()
    research.get_by_role("button", name=t("公开"), exact=True).click()
    expect(research.get_by_role("heading", name=t("已公开的文本"))).to_be_visible()
    fits(research)
    research.context.close()

    citizen.get_by_role("navigation").get_by_role("link", name=t("答复公开")).click()
    main = citizen.locator("main")
    expect(main).to_contain_text("自下季度起在本平台公开发放名单")
    expect(main).not_to_contain_text("13912345678")
    expect(main).to_contain_text("139****5678")  # the number masked, not dropped
    if shots:
        screenshot(citizen, "06-answers")
    citizen.context.close()


def test_a_triager_links_a_suggested_measure_in_one_click(browser, live_portal):
    portal = live_portal
    clerk = staff_page(browser, portal, "clerk")
    clerk.goto(portal.url + "/staff/log/phone")
    clerk.get_by_label("诉求类型").select_option(label="咨询")
    clerk.get_by_label("内容摘要").fill("来电询问劳模补助资金什么时候发放，发放标准是什么，到哪里申请。")
    clerk.get_by_role("button", name="登记并生成受理编号").click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text("来电已登记")
    case_number = read_case_number(clerk)
    clerk.context.close()

    triager = staff_page(browser, portal, "triager")
    triager.goto(f"{portal.url}/staff/items/{case_number}")
    links = triager.locator("#links")
    expect(links).to_contain_text("尚未关联问题或措施。")
    best = links.locator("ol.suggestions > li").first
    expect(best.locator("mark").first).to_be_visible()  # the words that matched are highlighted
    code = re.fullmatch(r"措施(\d+-\d+)", best.locator(".link-target").inner_text().strip()).group(1)
    best.get_by_role("button", name=f"关联 措施{code}").click()  # the one click: no code typed, no search

    expect(triager.locator(".flashes")).to_contain_text("已关联。")
    expect(links.locator(".link-list")).to_contain_text(f"措施{code}")
    expect(links.locator("ol.suggestions > li").first).to_contain_text("已关联")
    expect(triager.locator("#history tr", has_text="关联问题或措施")).to_contain_text(f"措施{code}")
    triager.context.close()

    from sqlalchemy import select

    from portal import db
    from portal.models import AuditEvent, FeedbackItem, FeedbackLink, Measure, User
    with portal.app.app_context():
        session = db.session()
        item = session.scalars(select(FeedbackItem).where(FeedbackItem.case_number == case_number)).one()
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.item_id == item.id,
                                                           AuditEvent.action == "item.link")).all()
        assert event.details["target"] == f"措施{code}"
        assert session.get(User, event.actor_id).email == portal.accounts["triager"]
        [link] = session.scalars(select(FeedbackLink).where(FeedbackLink.item_id == item.id)).all()
        assert session.get(Measure, link.measure_id).code == code
