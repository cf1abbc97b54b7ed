"""The administrator's journey in Chromium: create a handler by invitation; the invitee opens the emailed link (mail
really sent over SMTP to the sink), sets a password and logs in. Chinese and English desktop, Chinese 375 px."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import DEPARTMENT, new_page
from tests.browser.test_journeys import STAFF_VARIANTS, fits, staff_page, ui

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LINK = re.compile(r"https?://[^/\s]+(/staff/set-password\?token=[A-Za-z0-9_-]+)")
INVITEE_PASSWORD = "invited horse battery 7"


@pytest.mark.parametrize(("lang", "width"), STAFF_VARIANTS)
def test_an_admin_invites_a_handler_who_sets_a_password_from_the_mail_and_logs_in(browser, live_portal, lang,
                                                                                  width):
    invitation_journey(browser, live_portal, lang, width)


@pytest.mark.postgres
def test_the_invitation_journey_on_postgresql(browser, live_portal_pg):
    invitation_journey(browser, live_portal_pg, "zh", None)


def invitation_journey(browser, portal, lang: str, width: int | None) -> None:
    t = lambda msgid: ui(lang, msgid)  # noqa: E731
    email = f"invited-{lang}-{width or 'desktop'}@example.org"

    admin = staff_page(browser, portal, "admin", lang, width)
    admin.goto(portal.url + "/staff/")
    admin.get_by_role("navigation").get_by_role("link", name=t("用户管理")).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(t("用户管理"))
    fits(admin)
    admin.get_by_role("link", name=t("新建账号")).click()
    fits(admin)
    expect(admin.get_by_label(t("角色"))).to_have_value("")  # no role until one is chosen
    admin.get_by_label(t("电子邮箱"), exact=True).fill(email)
    admin.get_by_label(t("姓名"), exact=True).fill("新承办人")
    admin.get_by_role("button", name=t("创建账号")).click()
    expect(admin.locator("#role-error")).to_have_text(t("请选择角色。"))
    fits(admin)
    admin.get_by_label(t("角色")).select_option("handler")
    admin.get_by_label(t("所属部门")).select_option(label=DEPARTMENT)
    admin.get_by_label(t("发送设置密码链接（邮件，%(hours)s小时内有效，由本人设置密码）") % {"hours": 72}).check()
    admin.get_by_role("button", name=t("创建账号")).click()
    expect(admin.locator("main")).to_contain_text(email)
    expect(admin.get_by_role("heading", level=1)).to_have_text(t("用户管理"))
    fits(admin)
    admin.context.close()

    assert portal.send_mail() >= 1
    [mail] = portal.mail_to(email)
    body = mail.email.get_body(("plain",)).get_content()
    path = LINK.search(body).group(1)

    invitee = (new_page(browser, width=width, height=740, is_mobile=True, has_touch=True) if width
               else new_page(browser))
    invitee.phone_width = width
    invitee.goto(portal.url + path)
    if lang == "en":
        invitee.get_by_role("link", name="English").click()
        expect(invitee.locator("html")).to_have_attribute("lang", re.compile("^en"))
    expect(invitee.get_by_role("heading", level=1)).to_have_text(t("设置密码"))
    expect(invitee.locator("main")).to_contain_text(email)
    fits(invitee)
    invitee.get_by_label(t("新密码"), exact=True).fill(INVITEE_PASSWORD)
    invitee.get_by_label(t("再次输入新密码"), exact=True).fill(INVITEE_PASSWORD)
    invitee.get_by_role("button", name=t("设置密码")).click()
    invitee.wait_for_url(re.compile(r"/staff/login"))
    expect(invitee.locator("main")).to_contain_text(t("密码已设置，请用新密码登录。"))
    fits(invitee)
    invitee.get_by_label(t("电子邮箱"), exact=True).fill(email)
    invitee.get_by_label(t("密码"), exact=True).fill(INVITEE_PASSWORD)
    invitee.get_by_role("button", name=t("登录")).click()
    invitee.wait_for_url(re.compile(r"/staff/(?!login)"))
    expect(invitee.locator(".staff-who")).to_contain_text(DEPARTMENT)
    fits(invitee)

    invitee.goto(portal.url + path)  # the link works once
    expect(invitee.locator("main")).to_contain_text(t("链接无效、已使用或已过期，请联系系统管理员重新发送。"))
    invitee.context.close()
