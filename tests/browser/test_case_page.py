"""The citizen's own case on a 375-pixel phone, in Chinese and English: submit an opinion, keep the chunked query
code from a printable confirmation page, look the case up (a wrong code keeps the case number), read the timeline,
leave the case; axe finds no serious violation on the confirmation page, the failed lookup or the case page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import AXE, new_page
from tests.browser.test_a11y import serious_violations
from tests.browser.test_journeys import TEXT, no_horizontal_scroll, submit_opinion

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTH = 375
WORDS = {
    "zh": {"print": "打印/保存为PDF", "not_found": "未找到该件", "received": "已收到，正在分办",
           "steps": ["收到", "决定受理", "交办承办部门", "作出答复"],
           "due": "期限：", "leave": "退出查询", "mine": "我提交的内容"},
    "en": {"print": "Print / save as PDF", "not_found": "No case found", "received": "Received, being sorted",
           "steps": ["Received", "Accepted for handling", "Assigned to a department", "Answered"],
           "due": "Due by", "leave": "Leave this case",
           "mine": "What I submitted"},
}
CONTENT = {"zh": "建议公开劳模补助资金的发放名单和发放时间，方便职工监督。",
           "en": "Please publish when the model-worker subsidy is paid and to whom, so that workers can check it."}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_citizen_files_an_opinion_and_follows_the_case_on_a_phone(browser, live_portal, lang):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run the tests with scripts/test, which installs axe-core")
    t, w = TEXT[lang], WORDS[lang]
    page = new_page(browser, width=WIDTH, height=740, is_mobile=True, has_touch=True)  # English: the site's switch
    case_number, code = submit_opinion(page, live_portal, f"case-page-{lang}@example.org", CONTENT[lang], lang,
                                       width=WIDTH)

    shown = page.locator(".query-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4} [A-Z0-9]{4}", shown) and shown.replace(" ", "") == code
    receipt = page.locator(".receipt")
    expect(receipt).to_contain_text(t["kind"])
    expect(page.get_by_role("button", name=w["print"])).to_be_visible()
    assert serious_violations(page) == []
    page.emulate_media(media="print")
    expect(receipt).to_be_visible()
    for outside in ("header.site-header", "footer.site-footer"):
        expect(page.locator(outside)).to_be_hidden()
    page.emulate_media(media="screen")

    page.locator("main").get_by_role("link", name=t["lookup"]).click()
    assert code not in page.url and case_number in page.url
    expect(page.get_by_label(t["case"])).to_have_value(case_number)
    expect(page.get_by_label(t["code"])).to_have_value("")
    page.get_by_label(t["code"]).fill("WRONG234")
    page.get_by_role("button", name=t["check"], exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(w["not_found"])
    expect(page.get_by_label(t["case"])).to_have_value(case_number)
    expect(page.get_by_label(t["code"])).to_have_value("")
    assert serious_violations(page) == []

    page.get_by_label(t["code"]).fill(shown.lower())
    page.get_by_role("button", name=t["check"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/case$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(case_number)
    expect(page.locator("main")).to_contain_text(w["received"])
    steps = page.locator("ol.timeline > li")
    expect(steps).to_have_count(4)
    for step, name in zip(steps.all(), w["steps"], strict=True):
        expect(step.locator(".step-name")).to_have_text(name)
    expect(steps.nth(0).locator("time")).to_be_visible()
    expect(steps.nth(1)).to_contain_text(w["due"])
    expect(page.get_by_role("heading", name=w["mine"])).to_be_visible()
    expect(page.locator("main")).to_contain_text(CONTENT[lang])
    no_horizontal_scroll(page, WIDTH)
    assert serious_violations(page) == []

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case_number)
    page.get_by_role("button", name=w["leave"]).click()
    expect(page).to_have_url(re.compile(r"/lookup$"))
    page.goto(live_portal.url + "/case")
    expect(page).to_have_url(re.compile(r"/lookup$"))
    assert page.dialogs == []
    page.context.close()
