"""我要提意见: the public form stores an item through intake, or stores nothing and keeps what was typed."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.models import Attachment, FeedbackItem
from portal.services.ledger.campaigns import create_campaign
from tests.samples import image, pdf

CONTENT = "建议公开第二批整改措施的完成时间和佐证材料。"
VALID = {"kind": "suggestion", "content": CONTENT, "consent": "y"}
CASE_NUMBER = re.compile(r'class="case-number">([A-Z]+-\d{4}-\d{6,})<')
QUERY_CODE = re.compile(r'class="query-code">([A-Z0-9]{4}) ([A-Z0-9]{4})<')
CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def submit(post_form, **fields):
    """The form sent once; a success is followed to its result page."""
    return post_form("/feedback", {**VALID, **fields}, page="/feedback", follow_redirects=True)


def items(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(FeedbackItem))


def error_of(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no error next to {field}"
    return match.group(1)


def selected_option(html: str) -> str | None:
    chosen = [attrs for attrs in re.findall(r"<option ([^>]*)>", html) if "selected" in attrs]
    return re.search(r'value="([^"]*)"', chosen[0]).group(1) if chosen else None


def test_valid_submission_stores_the_item_and_shows_its_codes_once(client, session, small_campaign, post_form):
    session.commit()
    response = submit(post_form, kind="report", target="1-2", name="张三", email="zhang@example.org",
                      phone="13812341762", wants_reply="y", consent_publish="y")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    number, code = CASE_NUMBER.search(html).group(1), "".join(QUERY_CODE.search(html).groups())
    assert len(code) == 8 and code not in response.headers.get("Location", "")
    assert "15日内" in html and f'href="/lookup?case={number}"' in html

    item = session.scalar(select(FeedbackItem))
    assert (item.case_number, item.channel, item.kind, item.content) == (number, "web", "report", CONTENT)
    assert item.campaign_id == small_campaign.id
    assert (item.contact.name, item.contact.email, item.contact.phone) == ("张三", "zhang@example.org", "13812341762")
    assert [link.measure.code for link in item.links] == ["1-2"]
    assert item.wants_reply and item.consent_publish

    lookup = post_form("/lookup", {"case_number": number, "code": code}, page="/lookup", follow_redirects=True)
    assert lookup.status_code == 200 and "已收到，正在分办" in lookup.get_data(as_text=True)


def test_anonymous_submission_without_link_or_publication_consent(client, session, small_campaign, post_form):
    session.commit()
    assert submit(post_form).status_code == 200
    item = session.scalar(select(FeedbackItem))
    assert item.contact is None and item.links == []
    assert not item.wants_reply and not item.consent_publish


def test_post_without_csrf_token_is_refused_and_stores_nothing(client, session):
    response = client.post("/feedback", data=VALID)
    assert response.status_code == 400
    assert items(session) == 0


def test_filled_honeypot_stores_nothing(client, session, post_form):
    response = submit(post_form, website="http://spam.example")
    assert response.status_code == 422
    assert "提交失败，请稍后再试。" in response.get_data(as_text=True)
    assert items(session) == 0


def test_sixth_post_within_a_minute_from_one_address_gets_429(db_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                      "FORM_RATE_LIMIT": "5 per minute"}, instance_path=str(tmp_path / "limited"))
    client = app.test_client()
    token = CSRF_TOKEN.search(client.get("/feedback").get_data(as_text=True)).group(1)
    statuses = [client.post("/feedback", data={**VALID, "csrf_token": token}).status_code for _ in range(6)]
    assert statuses == [303] * 5 + [429]
    last = client.post("/feedback", data={**VALID, "csrf_token": token})
    assert last.status_code == 429 and "操作过于频繁" in last.get_data(as_text=True)
    assert client.get("/feedback").status_code == 200
    app.extensions["portal.db"].kw["bind"].dispose()


def test_attachment_claiming_to_be_pdf_but_not_is_refused_next_to_the_field(client, session, post_form):
    response = submit(post_form, attachments=(io.BytesIO(b"MZ\x90\x00 not a pdf"), "scan.pdf"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "不是PDF、JPEG或PNG文件" in error_of(html, "attachments")
    assert items(session) == 0
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_english_visitors_get_the_services_refusals_in_english(client, session, post_form):
    client.set_cookie("lang", "en")
    response = submit(post_form, content="太短", email="not-an-address",
                      attachments=[(io.BytesIO(b"MZ\x90\x00 not a pdf"), "scan.pdf"), (io.BytesIO(b""), "empty.png")])
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and '<html lang="en">' in html
    assert error_of(html, "content").endswith("</span>The content must be 10 to 5000 characters long (it is 2).")
    assert error_of(html, "email").endswith("</span>The email address is not valid.")
    assert error_of(html, "attachments").endswith("</span>The file &#34;scan.pdf&#34; is not a PDF, JPEG or PNG file.")
    assert items(session) == 0


def test_real_pdf_and_png_attachments_are_stored(client, session, post_form):
    files = [(io.BytesIO(pdf()), "证明.pdf"), (io.BytesIO(image("PNG", 640, 480)), "photo.png")]
    assert submit(post_form, attachments=files).status_code == 200
    stored = session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [(a.filename, a.content_type) for a in stored] == [("证明.pdf", "application/pdf"),
                                                              ("photo.png", "image/png")]


def test_content_of_5001_characters_is_refused_and_kept(client, session, post_form):
    long_text = "长" * 5001
    response = submit(post_form, content=long_text, name="李四", email="li@example.org")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "5000" in error_of(html, "content") and "5001" in error_of(html, "content")
    assert f"{long_text}</textarea>" in html
    assert 'value="李四"' in html and 'value="li@example.org"' in html
    assert items(session) == 0


def test_every_typed_value_is_kept_when_consent_is_missing(client, session, small_campaign, post_form):
    session.commit()
    response = submit(post_form, consent="", kind="appeal", target="2", subject="关于食堂", phone="0931-8821762",
                      wants_reply="y")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "同意" in error_of(html, "consent")
    assert f"{CONTENT}</textarea>" in html
    assert re.search(r'<input checked id="kind-\d" name="kind" type="radio" value="appeal">', html)
    assert selected_option(html) == "2"
    assert 'value="关于食堂"' in html and 'value="0931-8821762"' in html
    assert re.search(r'<input[^>]*checked[^>]*id="wants_reply"', html)
    assert items(session) == 0


def test_wants_reply_without_email_or_phone_is_refused(client, session, post_form):
    response = submit(post_form, wants_reply="y", name="王五")
    assert response.status_code == 422
    assert "电子邮箱或电话" in error_of(response.get_data(as_text=True), "email")
    assert items(session) == 0


def test_every_error_is_listed_in_the_summary_with_a_link_to_its_field(client, session, post_form):
    html = submit(post_form, content="太短", email="not-an-address", consent="").get_data(as_text=True)
    start = html.index('class="error-summary"')
    summary = html[start:html.index("</ul>", start)]
    for field in ("content", "email", "consent"):
        assert f'href="#{field}"' in summary
        assert f'aria-describedby="{field}-hint {field}-error"' in html or f'aria-describedby="{field}-error"' in html


@pytest.mark.parametrize(("query", "expected"), [("?measure=1-2", "1-2"), ("?problem=2", "2"), ("?measure=１-２", "1-2"),
                                                  ("", ""), ("?measure=99-9", None)])
def test_link_from_a_problem_or_measure_page_preselects_it(client, session, small_campaign, query, expected):
    session.commit()
    html = client.get(f"/feedback{query}").get_data(as_text=True)
    assert selected_option(html) == expected


def test_picker_groups_problems_and_measures_by_category(client, session, small_campaign):
    session.commit()
    html = client.get("/feedback").get_data(as_text=True)
    first, second = html.index('<optgroup label="甲方面">'), html.index('<optgroup label="乙方面">')
    assert html.index("问题1：问题1") > first and html.index("措施2-2：措施") < second < html.index("问题3：问题3")


def test_unknown_target_is_refused_next_to_the_picker(client, session, small_campaign, post_form):
    session.commit()
    response = submit(post_form, target="9-9")
    assert response.status_code == 422
    assert "9-9" in error_of(response.get_data(as_text=True), "target")
    assert items(session) == 0


def test_form_and_privacy_notice_state_who_why_how_long_and_rights(client, session, small_campaign):
    small_campaign.unit = "测试单位党组"
    small_campaign.contact_email = "gsghzys@163.com"
    session.commit()
    form = client.get("/feedback").get_data(as_text=True)
    consent = form[form.index("个人信息处理规则"):form.index('id="consent"')]
    for words in ("测试单位党组", "政研室", "办理和答复", "办结后保存3年", "更正", "删除", "gsghzys@163.com",
                  'href="/privacy"'):
        assert words in consent
    notice = client.get("/privacy")
    assert notice.status_code == 200
    assert "测试单位党组" in notice.get_data(as_text=True) and "3年" in notice.get_data(as_text=True)


def test_retention_period_follows_configuration(app, client):
    app.config["PRIVACY_RETENTION_YEARS"] = 5
    assert "办结后保存5年" in client.get("/feedback").get_data(as_text=True)
    assert "办结后保存5年" in client.get("/privacy").get_data(as_text=True)


def test_honeypot_is_hidden_from_people_and_keyboards(client):
    html = client.get("/feedback").get_data(as_text=True)
    honeypot = html[html.index('<div class="visually-hidden" aria-hidden="true">'):]
    assert '<label for="website">请勿填写</label>' in honeypot and 'tabindex="-1"' in honeypot
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None and "style=" not in html, "no inline script or style"


def test_link_from_another_campaign_offers_and_stores_that_campaign(client, session, small_campaign, post_form):
    newer = create_campaign(session, "newer", "另一项整改", date(2022, 1, 1))
    session.commit()
    html = client.get("/feedback?campaign=t&problem=2").get_data(as_text=True)
    assert selected_option(html) == "2" and 'name="campaign" type="hidden" value="t"' in html
    assert submit(post_form, campaign="t", target="2").status_code == 200
    item = session.scalar(select(FeedbackItem))
    assert item.campaign_id == small_campaign.id != newer.id
    assert [link.problem.number for link in item.links] == [2]


@pytest.mark.parametrize("email", ["a<attacker@evil.example>", "citizen@example.org, attacker@evil.example",
                                   '"attacker@evil.example"@example.org', "citizen＠example.org"])
def test_an_address_that_is_not_one_mailbox_is_refused_and_nothing_queued(client, session, post_form, email):
    from portal.models import OutboxMessage
    response = submit(post_form, name="张三", email=email, wants_reply="y")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "电子邮箱格式不正确" in error_of(html, "email")
    assert CONTENT in html
    assert items(session) == 0
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_address_is_stored_and_acknowledged_in_its_normalised_form(client, session, post_form):
    from portal.models import OutboxMessage
    response = submit(post_form, email=" Zhang@Example.ORG ", wants_reply="y")
    assert response.status_code == 200
    item = session.scalar(select(FeedbackItem))
    assert item.contact.email == "Zhang@example.org"
    assert session.scalars(select(OutboxMessage.to_address)).all() == ["Zhang@example.org"]


def test_attachments_sent_with_a_refused_opinion_must_be_chosen_again_and_the_page_says_so(client, session,
                                                                                          post_form):
    files = [(io.BytesIO(pdf()), "证明.pdf"), (io.BytesIO(image("PNG", 64, 64)), "photo.png")]
    response = submit(post_form, consent="", attachments=files)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and items(session) == 0
    assert '<p class="field-notice" id="attachments-again">您选择的2个附件没有保存，请重新选择后再提交。</p>' in html
    assert re.search(r'<input[^>]*aria-describedby="attachments-hint attachments-again"[^>]*id="attachments"', html)
    summary = '<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>'
    assert summary in html


def test_a_refused_opinion_without_attachments_says_nothing_about_them(client, session, post_form):
    html = submit(post_form, consent="").get_data(as_text=True)
    assert "附件没有保存" not in html and 'class="error-summary"' in html
