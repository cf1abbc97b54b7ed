"""User journeys in Chromium against a live portal: what a citizen, a clerk, a triager, a handler and the research
office see and do, with mail really going over SMTP. Run alone: pytest -m browser. Screenshots: PORTAL_SCREENSHOTS=1."""
from __future__ import annotations

import re
import struct
import zlib

import pytest
from browser_fixtures import CASE_NUMBER, DEPARTMENT, browser, live_portal, live_portal_pg, login, new_page, page, screenshot  # noqa: F401
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TEXT = {
    "zh": {"give": "对此提意见", "kind": "建议意见", "content": "内容", "email": "电子邮箱", "wants_reply": "希望得到答复",
           "consent": "我已阅读并同意上述个人信息处理规则", "publish": "同意在本平台公开对本件的答复", "submit": "提交",
           "done": "您的意见已收到", "lookup": "办理查询", "case": "受理编号", "code": "查询码", "check": "查询",
           "received": "待分办", "answered": "已答复"},
    "en": {"give": "Give your opinion on this", "kind": "Suggestion", "content": "Content", "email": "Email",
           "wants_reply": "I would like an answer",
           "consent": "I have read and agree to the rules for handling personal information above",
           "publish": "I agree that the answer to my case may be published", "submit": "Submit",
           "done": "Your opinion has been received", "lookup": "Check a case", "case": "Case number",
           "code": "Query code", "check": "Check", "received": "Awaiting triage", "answered": "Answered"},
}


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    """A small real PNG (a grey rectangle), like a scanned page."""
    raw = b"".join(b"\x00" + bytes([128, 128, 128]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def no_horizontal_scroll(page, width: int) -> None:
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
    code = page.locator(".query-code").inner_text().strip()
    assert CASE_NUMBER.fullmatch(case_number) and re.fullmatch(r"[A-Z0-9]{8}", code), (case_number, code)
    expect(page.get_by_text(t["case"], exact=True)).to_be_visible()
    expect(page.get_by_text(t["code"], exact=True)).to_be_visible()
    if shots:
        screenshot(page, "04-done")
    if width:
        no_horizontal_scroll(page, width)
    return case_number, code


def look_up(page, portal, case_number: str, code: str, lang: str = "zh"):
    """办理查询 from the site navigation, with the case number and query code; the status section."""
    t = TEXT[lang]
    page.get_by_role("navigation").get_by_role("link", name=t["lookup"]).click()
    page.get_by_label(t["case"]).fill(case_number)
    page.get_by_label(t["code"]).fill(code.lower())
    page.get_by_role("button", name=t["check"], exact=True).click()
    status = page.locator("section.case-status")
    expect(status.get_by_role("heading", level=2)).to_contain_text(case_number)
    return status


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


def test_a_citizen_submits_an_opinion_gets_the_mail_and_looks_the_case_up(page, live_portal):  # noqa: F811
    citizen_journey(page, live_portal, "citizen-zh@example.org", shots=True)


@pytest.mark.postgres
def test_the_citizen_journey_on_postgresql(browser, live_portal_pg):  # noqa: F811
    page = new_page(browser)
    citizen_journey(page, live_portal_pg, "citizen-pg@example.org")
    page.context.close()


def test_the_citizen_journey_in_english(page, live_portal):  # noqa: F811
    citizen_journey(page, live_portal, "citizen-en@example.org", "en")
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^en"))


def test_the_citizen_journey_on_a_375_pixel_phone(browser, live_portal):  # noqa: F811
    page = new_page(browser, width=375, height=740, is_mobile=True, has_touch=True)
    citizen_journey(page, live_portal, "citizen-phone@example.org", width=375)
    page.context.close()


def read_case_number(page) -> str:
    case_number = page.locator(".case-number").inner_text().strip()
    assert CASE_NUMBER.fullmatch(case_number), case_number
    return case_number


def test_a_clerk_logs_a_phone_call_and_a_letter_with_a_scan(page, live_portal, tmp_path):  # noqa: F811
    login(page, live_portal, "clerk")
    page.goto(live_portal.url + "/staff/log/phone")
    page.get_by_label("诉求类型").select_option(label="咨询")
    page.get_by_label("来电人姓名").fill("张来电")
    page.get_by_label("来电号码").fill("13912345678")
    page.get_by_label("内容摘要").fill("来电询问困难职工帮扶资金的申请条件和办理时限。")
    page.get_by_role("button", name="登记并生成案件编号").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("来电已登记")
    phone_case = read_case_number(page)
    expect(page.locator(".query-code")).to_be_visible()

    scan = tmp_path / "来信扫描.png"
    scan.write_bytes(png_bytes())
    page.goto(live_portal.url + "/staff/log/letter")
    page.get_by_label("诉求类型").select_option(label="检举控告")
    page.get_by_label("来信人姓名").fill("王来信")
    page.get_by_label("通信地址").fill("兰州市城关区示例路8号")
    page.get_by_label("内容摘要").fill("来信反映某基层工会慰问品采购不规范，请核查。")
    page.get_by_label("信件扫描件").set_input_files(str(scan))
    page.get_by_role("button", name="登记并生成案件编号").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("来信已登记")
    letter_case = read_case_number(page)
    assert letter_case != phone_case

    page.goto(f"{live_portal.url}/staff/items/{letter_case}")
    expect(page.get_by_role("link", name=re.compile("来信扫描"))).to_be_visible()


def test_an_opinion_is_triaged_handled_approved_mailed_and_published(browser, live_portal):  # noqa: F811
    portal = live_portal
    citizen = new_page(browser)
    email = "citizen-answer@example.org"
    case_number, code = submit_opinion(citizen, portal, email, "建议把劳模补助资金的发放名单按季度公开，接受职工监督。")
    acknowledgement(portal, email, case_number, code)

    triager = new_page(browser)
    login(triager, portal, "triager")
    triager.goto(portal.url + "/staff/queue")
    screenshot(triager, "07-staff-queue")
    triager.get_by_role("link", name=case_number).click()
    expect(triager.get_by_role("heading", level=1)).to_contain_text(case_number)
    screenshot(triager, "08-item")
    triager.locator("form.transition-form").filter(has=triager.get_by_role("button", name="受理", exact=True)) \
        .get_by_role("button", name="受理", exact=True).click()
    expect(triager.locator(".page-head")).to_contain_text("已受理")
    triager.get_by_label("按编号关联").fill("35-4")
    triager.get_by_role("button", name="关联", exact=True).click()
    expect(triager.locator("#links")).to_contain_text("措施35-4")
    triager.get_by_label("承办部门").select_option(label=DEPARTMENT)
    triager.get_by_role("button", name="交办", exact=True).click()
    expect(triager.locator(".page-head")).to_contain_text("办理中")
    triager.context.close()

    handler = new_page(browser)
    login(handler, portal, "dept_handler")
    handler.goto(f"{portal.url}/staff/items/{case_number}")
    handler.get_by_role("link", name="起草答复").click()
    answer = ("您建议按季度公开劳模补助资金发放名单。经研究，自下季度起在本平台公开发放名单（隐去身份证号码）。"
              "如有疑问，请致电经办人13912345678。")
    handler.get_by_label("答复内容").fill(answer)
    handler.get_by_role("button", name="保存并提交审核").click()
    expect(handler.locator("body")).to_contain_text("待审核")
    handler.context.close()

    research = new_page(browser)
    login(research, portal, "research")
    research.goto(f"{portal.url}/staff/items/{case_number}")
    research.get_by_role("link", name=re.compile("查看和办理")).first.click()
    expect(research.get_by_role("heading", name="审核")).to_be_visible()
    screenshot(research, "09-reply-approval")
    research.get_by_label(re.compile("确认审核同意")).check()
    research.get_by_role("button", name="审核同意").click()
    expect(research.locator(".head-status")).to_contain_text("已发出")

    assert portal.send_mail() >= 1
    [mail] = [m for m in portal.mail_to(email) if "您的意见已收到" not in m.email["Subject"]]
    assert case_number in mail.email["Subject"]
    assert "按季度公开" in mail.email.get_body(("plain",)).get_content()

    status = look_up(citizen, portal, case_number, code)
    expect(status).to_contain_text("已答复")
    expect(status.locator(".answer")).to_contain_text("自下季度起在本平台公开发放名单")

    research.get_by_role("link", name="答复公开").click()
    research.get_by_role("button", name="生成公开文本（自动遮盖个人信息）").click()
    expect(research.get_by_label("公开文本（可修改）")).not_to_contain_text("13912345678")
    research.get_by_label("确认在“答复公开”页面公开已保存的公开文本").check()
    research.get_by_role("button", name="公开", exact=True).click()
    expect(research.get_by_role("heading", name="已公开的文本")).to_be_visible()
    research.context.close()

    citizen.get_by_role("navigation").get_by_role("link", name="答复公开").click()
    main = citizen.locator("main")
    expect(main).to_contain_text("自下季度起在本平台公开发放名单")
    expect(main).not_to_contain_text("13912345678")
    expect(main).to_contain_text("139****5678")  # the number masked, not dropped
    screenshot(citizen, "06-answers")
    citizen.context.close()
