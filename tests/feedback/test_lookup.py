"""办理查询: the right pair shows the case; any wrong pair gets one identical answer."""
from __future__ import annotations

import re

import pytest
from flask import current_app

from portal import create_app
from portal.services.replies import drafting as replies
from portal.services.common.clocks import ClockSettings
from portal.services.accounts.users import department_named
from portal.services.feedback.workflow import apply

CSRF_VALUE = re.compile(r'(name="csrf_token" type="hidden" value=")([^"]+)(")')


def look_up(post_form, case_number: str, code: str):
    return post_form("/lookup", {"case_number": case_number, "code": code}, page="/lookup")


def chinese_date(moment) -> str:
    day = ClockSettings().local_date(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def test_right_number_and_code_show_the_state_and_received_date(client, session, new_item, post_form):
    item, code = new_item()
    session.commit()
    response = look_up(post_form, item.case_number, code)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert item.case_number in html and "待分办" in html
    assert chinese_date(item.received_at) in html
    assert code not in html and "答复内容" not in html


def test_code_is_accepted_in_any_case_and_with_spaces(client, session, new_item, post_form):
    item, code = new_item()
    session.commit()
    typed = f" {code[:4].lower()} {code[4:]} "
    assert look_up(post_form, item.case_number.lower(), typed).status_code == 200


@pytest.mark.parametrize("write", [
    lambda n: n.replace("-", "—"),  # em dash
    lambda n: n.replace("-", "－").translate(str.maketrans("GH0123456789", "ＧＨ０１２３４５６７８９")),  # full width
    lambda n: n.replace("-", " "),
    lambda n: n.replace("-", " ‐ ").lower(),  # hyphen U+2010 between spaces
    lambda n: "\u200b" + n + "\ufeff",
])
def test_case_number_written_with_other_dashes_full_width_or_spaces_is_found(session, new_item, post_form, write):
    item, code = new_item()
    session.commit()
    full_width_code = code.translate(str.maketrans("ABCDEFGHJKMNPQRSTUVWXYZ23456789",
                                                   "ＡＢＣＤＥＦＧＨＪＫＭＮＰＱＲＳＴＵＶＷＸＹＺ２３４５６７８９"))
    assert look_up(post_form, write(item.case_number), full_width_code[:4] + "－" + full_width_code[4:]) \
        .status_code == 200


def test_wrong_code_and_wrong_number_give_identical_responses(client, session, new_item, post_form):
    item, code = new_item()
    session.commit()
    wrong_code = "A" * 8 if code != "A" * 8 else "B" * 8
    responses = [look_up(post_form, item.case_number, wrong_code),
                 look_up(post_form, "GH-2020-999999", code)]
    assert {r.status_code for r in responses} == {404}
    pages = [CSRF_VALUE.sub(r"\1\3", r.get_data(as_text=True)) for r in responses]
    assert pages[0] == pages[1]
    assert "未找到该件，请核对受理编号和查询码。" in pages[0]
    assert item.case_number not in pages[0] and code not in pages[0]
    assert sorted(responses[0].headers.keys()) == sorted(responses[1].headers.keys())


def test_empty_fields_are_refused_next_to_each_field(client, post_form):
    response = look_up(post_form, "", "")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="case_number-error">.*请填写受理编号。', html)
    assert re.search(r'id="code-error">.*请填写查询码。', html)


def test_lookup_responses_are_never_cached(client, session, new_item, post_form):
    item, code = new_item()
    session.commit()
    assert client.get("/lookup").headers["Cache-Control"] == "no-store"
    assert look_up(post_form, item.case_number, code).headers["Cache-Control"] == "no-store"
    assert look_up(post_form, item.case_number, "WRONG234").headers["Cache-Control"] == "no-store"


def test_lookup_without_csrf_token_is_refused(client, session, new_item):
    item, code = new_item()
    session.commit()
    assert client.post("/lookup", data={"case_number": item.case_number, "code": code}).status_code == 400


def test_answer_department_and_dates_are_shown_after_the_reply(client, session, new_item, make_user, post_form):
    triager, research = make_user("triager"), make_user("research")
    make_user("handler", department="办公室")
    clocks = ClockSettings()
    item, code = new_item()
    apply(session, item, "accept", triager, clocks)
    apply(session, item, "assign", triager, clocks, department=department_named(session, "办公室"))
    reply = replies.start_draft(session, research, item, "感谢监督。\n第二批措施已于3月底公开。", clocks)
    replies.submit(session, research, reply)
    replies.approve(session, research, reply, replies.ReplySettings.from_config(current_app.config), confirmed=True)
    session.commit()
    html = look_up(post_form, item.case_number, code).get_data(as_text=True)
    assert "已答复" in html and "答复部门" in html and "办公室" in html
    assert "<p>感谢监督。</p><p>第二批措施已于3月底公开。</p>" in html
    assert "受理日期" in html and "答复日期" in html and chinese_date(item.replied_at) in html


@pytest.mark.parametrize(("action", "fields", "shown"), [
    ("reject", {"reason": "不属于本单位职责范围"}, ("不予受理", "不予受理的理由", "不属于本单位职责范围")),
    ("transfer", {"transferred_to": "兰州市总工会"}, ("已转办", "转往单位", "兰州市总工会")),
])
def test_a_decision_without_handling_tells_why_or_where(client, session, new_item, make_user, post_form, action,
                                                       fields, shown):
    item, code = new_item()
    apply(session, item, action, make_user("triager"), ClockSettings(), **fields)
    session.commit()
    html = look_up(post_form, item.case_number, code).get_data(as_text=True)
    for words in shown:
        assert words in html


def test_lookup_is_rate_limited(db_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                      "LOOKUP_RATE_LIMIT": "2 per minute"}, instance_path=str(tmp_path / "limited"))
    client = app.test_client()
    token = CSRF_VALUE.search(client.get("/lookup").get_data(as_text=True)).group(2)
    data = {"case_number": "GH-2020-000001", "code": "ABCDEFGH", "csrf_token": token}
    assert [client.post("/lookup", data=data).status_code for _ in range(3)] == [404, 404, 429]
    app.extensions["portal.db"].kw["bind"].dispose()
