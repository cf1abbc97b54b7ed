"""The opinion form's script stops a selection of files the server would refuse, before anything is sent, and the
text stays; when a submission is still too large, Back returns to the form with the text."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.services.feedback.attachments import MAX_BYTES
from tests import samples

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONTENT = "建议公开第二批整改措施的完成时间和佐证材料，附上现场照片。"


def pdf(name: str, size: int = 1000) -> dict:
    """A real one-page PDF (the server parses what it accepts), about size bytes long: an unused stream pads it."""
    padding = max(size - 400, 0)
    document = samples.pdf({4: b"<< /Length %d >>\nstream\n" % padding + b"0" * padding + b"\nendstream"})
    return {"name": name, "mimeType": "application/pdf", "buffer": document}


def typed_form(page, portal) -> list[str]:
    """The form with the content typed; the list fills with every submission of the form (a POST that navigates;
    the target picker's suggestions are POSTs too, but fetched)."""
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url)
            if request.method == "POST" and request.is_navigation_request() else None)
    page.goto(portal.url + "/feedback")
    page.get_by_label("内容").fill(CONTENT)
    page.get_by_label("我已阅读并同意上述个人信息处理规则").check()
    return posts


def test_six_files_are_stopped_at_the_field_and_nothing_is_sent(page, live_portal):
    posts = typed_form(page, live_portal)
    page.get_by_label("附件").set_input_files([pdf(f"证明{i}.pdf") for i in range(6)])
    error = page.locator("#attachments-client-error")
    expect(error).to_have_text("最多上传5个附件，您选择了6个。请减少后再提交，填写的内容不受影响。")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(error).to_be_visible()
    expect(page.get_by_label("附件")).to_be_focused()
    expect(page.get_by_label("附件")).to_have_attribute("aria-invalid", "true")
    assert posts == [] and page.url.endswith("/feedback")
    expect(page.get_by_label("内容")).to_have_value(CONTENT)


def test_a_file_over_the_limit_is_named_and_a_good_selection_clears_the_error(page, live_portal):
    posts = typed_form(page, live_portal)
    page.get_by_label("附件").set_input_files([pdf("小.pdf"), pdf("扫描件.pdf", MAX_BYTES + 1)])
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("#attachments-client-error")).to_have_text(re.compile("附件“扫描件.pdf”超过10MB"))
    assert posts == []
    expect(page.get_by_label("内容")).to_have_value(CONTENT)
    page.get_by_label("附件").set_input_files([pdf("小.pdf")])
    expect(page.locator("#attachments-client-error")).to_have_count(0)
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("您的意见已收到")
    assert len(posts) == 1


def test_back_from_the_too_large_page_returns_to_the_form_with_the_text(page, live_portal):
    typed_form(page, live_portal)
    live_portal.app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        page.get_by_label("附件").set_input_files([pdf("证明.pdf", 5000)])
        page.get_by_role("button", name="提交", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("文件过大")
        expect(page.get_by_text(re.compile("按浏览器的“后退”键返回表单，您填写的文字仍在"))).to_be_visible()
    finally:
        live_portal.app.config["MAX_CONTENT_LENGTH"] = 60 * 1024 * 1024
    page.go_back()
    expect(page.get_by_label("内容")).to_have_value(CONTENT)
