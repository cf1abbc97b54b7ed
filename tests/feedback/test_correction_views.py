"""The clerk's pages after logging: the letter's 回执 on the one-time result page, consent to publish on both forms,
and 更正登记信息 over HTTP (masked contact until revealed, history before → after, refusals)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, FeedbackItem
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import workflow

LETTER_TEXT = "来信反映某单位整改措施没有落时到位，请核查。"
CODE_SHOWN = re.compile(r'class="query-code">([A-Z0-9]{4}) ([A-Z0-9]{4})<')


@pytest.fixture
def clerk(make_user, login_as):
    return login_as(make_user("clerk"))


@pytest.fixture
def campaign(session, small_campaign):
    small_campaign.unit = "甘肃省总工会"
    small_campaign.contact_phone, small_campaign.contact_address = "0931-8821762", "兰州市城关区某路100号"
    small_campaign.contact_email = "zhenggai@example.org"
    session.commit()
    return small_campaign


def letter(**fields) -> dict:
    return {"kind": "report", "content": LETTER_TEXT, "received_on": "2021-04-02", "postmark_date": "2021-03-30",
            "sender_name": "李四", "address": "兰州市城关区某路1号", "target": "1-2", **fields}


def call(**fields) -> dict:
    return {"kind": "inquiry", "content": "来电询问职工书屋什么时候开放借阅。", "call_at": "2021-03-31T10:05",
            "phone_line": "12351", "caller_name": "张三", "caller_phone": "13812341762", **fields}


def logged(session) -> FeedbackItem:
    session.expire_all()
    return session.scalars(select(FeedbackItem).order_by(FeedbackItem.id.desc())).first()


def log(post_form, kind: str, data: dict):
    return post_form(f"/staff/log/{kind}", data, page=f"/staff/log/{kind}")


def audit(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# 回执

def test_the_letters_result_page_carries_the_receipt_once(client, session, clerk, campaign, post_form):
    done = log(post_form, "letter", letter())
    item = logged(session)
    html = client.get(done.headers["Location"]).get_data(as_text=True)

    code = "".join(CODE_SHOWN.search(html).groups())
    receipt = html[html.index('<article class="receipt"'):html.index("</article>")]
    assert "受理回执" in receipt and "甘肃省总工会" in receipt
    assert item.case_number in receipt and f"{code[:4]} {code[4:]}" in receipt
    assert "2021年4月2日" in receipt and "2021年4月17日" in receipt and "15日内" in receipt
    assert "http://127.0.0.1:5000/lookup" in receipt
    for channel in ("0931-8821762", "兰州市城关区某路100号", "zhenggai@example.org"):
        assert channel in receipt
    assert "李四" not in receipt and "某路1号" not in receipt
    assert 'data-print hidden' in html and "js/print.js" in html

    again = client.get(done.headers["Location"]).get_data(as_text=True)
    assert 'class="receipt"' not in again and "受理回执" not in again and code not in again


def test_a_call_has_no_receipt(client, session, clerk, campaign, post_form):
    html = client.get(log(post_form, "phone", call()).headers["Location"]).get_data(as_text=True)
    assert CODE_SHOWN.search(html) and 'class="receipt"' not in html and "受理回执" not in html


# consent to publish

def test_the_phone_form_reads_the_consent_question_out(client, clerk):
    html = client.get("/staff/log/phone").get_data(as_text=True)
    assert 'name="consent_publish"' in html and "请问您是否同意我们在本平台公开对您这件事的答复" in html
    assert re.search(r'id="consent_publish"[^>]*aria-describedby="consent_publish-hint"', html) or \
        re.search(r'aria-describedby="consent_publish-hint"[^>]*id="consent_publish"', html)


@pytest.mark.parametrize(("kind", "data", "consent"), [("phone", call(consent_publish="y"), True),
                                                       ("phone", call(), False),
                                                       ("letter", letter(consent_publish="y"), True),
                                                       ("letter", letter(), False)])
def test_consent_is_stored_audited_and_shown(client, session, clerk, campaign, post_form, kind, data, consent):
    assert log(post_form, kind, data).status_code == 303
    item = logged(session)
    assert item.consent_publish is consent
    [created] = audit(session, "item.create")
    assert created.details["consent_publish"] is consent
    page = client.get(f"/staff/items/{item.case_number}").get_data(as_text=True)
    shown = "是" if consent else "否"
    assert re.search(rf"<dt>同意公开</dt><dd>{shown}</dd>", page)
    assert re.search(rf"同意公开答复：</span>{shown}</p>", page)


# 更正登记信息

def test_the_clerk_corrects_a_typo_and_sees_it_in_the_history(client, session, clerk, campaign, post_form):
    log(post_form, "letter", letter())
    item = logged(session)
    page = client.get(f"/staff/items/{item.case_number}").get_data(as_text=True)
    url = f"/staff/items/{item.case_number}/correct"
    assert f'href="{url}"' in page

    form = client.get(url).get_data(as_text=True)
    assert LETTER_TEXT in form and 'value="2021-04-02"' in form and 'value="2021-03-30"' in form
    assert "李*" in form and "李四" not in form and 'name="sender_name"' not in form and 'name="name"' not in form
    fixed = LETTER_TEXT.replace("落时", "落实")
    response = post_form(url, {"kind": "report", "content": fixed, "received_on": "2021-04-02",
                               "postmark_date": "2021-03-30"}, page=url)

    assert response.status_code == 303 and response.headers["Location"] == f"/staff/items/{item.case_number}#history"
    assert logged(session).content == fixed and logged(session).contact.name == "李四"
    [event] = audit(session, "item.correct")
    assert event.actor_id == clerk.id and set(event.details["changes"]) == {"content"}
    history = client.get(f"/staff/items/{item.case_number}").get_data(as_text=True)
    assert "已更正：内容摘要。" in history and "更正登记信息" in history
    assert re.search(r'内容摘要：</span><del lang="zh-Hans">[^<]*落时到位[^<]*</del> → '
                     r'<ins lang="zh-Hans">[^<]*落实到位', history)


def test_the_contact_is_shown_for_correcting_only_after_an_audited_reveal(client, session, clerk, campaign,
                                                                         post_form):
    log(post_form, "letter", letter())
    item = logged(session)
    url = f"/staff/items/{item.case_number}/correct"
    typed = {"kind": "report", "content": LETTER_TEXT + "附照片。", "received_on": "2021-04-02",
             "postmark_date": "2021-03-30"}
    revealed = post_form(url, {**typed, "reveal": "1"}, page=url)

    html = revealed.get_data(as_text=True)
    assert revealed.status_code == 200 and 'value="李四"' in html and 'value="兰州市城关区某路1号"' in html
    assert LETTER_TEXT + "附照片。" in html, "what was typed before revealing stays in the form"
    assert len(audit(session, "item.reveal_contact")) == 1 and audit(session, "item.correct") == []
    assert logged(session).content == LETTER_TEXT

    post_form(url, {**typed, "contact_shown": "1", "name": "李思", "address": "兰州市城关区某路1号", "phone": "",
                    "email": "lisi@example.org"}, page=url)
    item = logged(session)
    assert (item.contact.name, item.contact.email) == ("李思", "lisi@example.org")
    [event] = audit(session, "item.correct")
    assert event.details["changes"]["name"] == ["李*", "李*"]
    assert event.details["changes"]["email"] == ["", "l***@example.org"]
    assert "李思" not in str(event.details) and "lisi@" not in str(event.details)


def test_an_implausible_date_is_refused_next_to_its_field(client, session, clerk, campaign, post_form):
    log(post_form, "phone", call())
    item = logged(session)
    url = f"/staff/items/{item.case_number}/correct"
    response = post_form(url, {"kind": "inquiry", "content": item.content, "call_at": "2999-01-01T09:00"}, page=url)

    html = response.get_data(as_text=True)
    assert response.status_code == 422 and re.search(r'id="call_at-error">.*来电时间不能晚于现在', html)
    assert 'value="2999-01-01T09:00"' in html
    assert logged(session).call_at.year == 2021 and audit(session, "item.correct") == []


def test_every_refusal_is_shown_at_once(client, session, clerk, campaign, post_form):
    log(post_form, "phone", call())
    item = logged(session)
    url = f"/staff/items/{item.case_number}/correct"
    response = post_form(url, {"kind": "", "content": "太短", "call_at": ""}, page=url)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="call_at-error">.*请填写来电时间', html) and re.search(r'id="content-error">.*10到5000', html)
    assert re.search(r'id="kind-error">.*请选择诉求类型', html)
    assert logged(session).content == item.content and audit(session, "item.correct") == []


def test_after_triage_the_form_is_refused_with_a_clear_message(client, session, clerk, campaign, post_form,
                                                                 make_user):
    log(post_form, "phone", call())
    item = logged(session)
    workflow.apply(session, item, "accept", make_user("triager"), ClockSettings())
    session.commit()
    url = f"/staff/items/{item.case_number}/correct"

    assert f'href="{url}"' not in client.get(f"/staff/items/{item.case_number}").get_data(as_text=True)
    shown = client.get(url)
    assert shown.status_code == 409 and "已不是“待分办”（现为“已受理”）" in shown.get_data(as_text=True)
    assert 'name="content"' not in shown.get_data(as_text=True)
    posted = post_form(url, {"kind": "praise", "content": item.content, "call_at": "2021-03-31T10:05"}, page=url)
    assert posted.status_code == 409 and logged(session).kind == "inquiry"
    assert audit(session, "item.correct") == []


@pytest.mark.parametrize(("role", "status"), [("clerk", 403), ("handler", 404), ("research", 403),
                                              ("supervisor", 403), ("admin", 403)])
def test_other_staff_may_not_correct(client, session, campaign, post_form, make_user, login, role, status):
    """Another clerk too: a clerk corrects only what they logged; a handler does not see an unassigned item."""
    login(make_user("clerk"))
    log(post_form, "phone", call())
    item = logged(session)
    url = f"/staff/items/{item.case_number}/correct"
    login(make_user(role, department="办公室" if role == "handler" else None))

    assert client.get(url).status_code == status
    assert post_form(url, {"kind": "praise", "content": item.content, "call_at": "2021-03-31T10:05"},
                     page="/staff/password").status_code == status
    if status == 403:
        assert f'href="{url}"' not in client.get(f"/staff/items/{item.case_number}").get_data(as_text=True)
    assert logged(session).kind == "inquiry" and audit(session, "item.correct") == []


def test_a_triager_corrects_a_clerks_call(client, session, campaign, post_form, make_user, login):
    login(make_user("clerk"))
    log(post_form, "phone", call())
    item = logged(session)
    url = f"/staff/items/{item.case_number}/correct"
    triager = make_user("triager")
    login(triager)
    response = post_form(url, {"kind": "suggestion", "content": item.content, "call_at": "2021-03-31T10:05"}, page=url)
    assert response.status_code == 303 and logged(session).kind == "suggestion"
    assert audit(session, "item.correct")[0].actor_id == triager.id
    assert session.scalar(select(func.count(FeedbackItem.id))) == 1
