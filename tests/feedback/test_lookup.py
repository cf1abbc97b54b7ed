"""办理查询: the right pair shows the case; any wrong pair gets one identical answer."""
from __future__ import annotations

import re

import pytest
from flask import current_app

from portal import create_app
from portal.services.replies import drafting as replies
from portal.services.common.clocks import ClockSettings
from portal.services.accounts.users import department_named
from portal.services.feedback.intake import Contact
from portal.services.feedback.workflow import apply

CSRF_VALUE = re.compile(r'(name="csrf_token" type="hidden" value=")([^"]+)(")')


def look_up(post_form, case_number: str, code: str):
    """The lookup form sent; a match is followed to the case page."""
    return post_form("/lookup", {"case_number": case_number, "code": code}, page="/lookup", follow_redirects=True)


def chinese_date(moment) -> str:
    day = ClockSettings().local_date(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def test_right_number_and_code_show_the_state_and_received_date(client, session, new_item, post_form):
    item, code = new_item()
    session.commit()
    response = look_up(post_form, item.case_number, code)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert item.case_number in html and "已收到，正在分办" in html and "待分办" not in html
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
    assert f'value="{item.case_number}"' in pages[0] and 'value="GH-2020-999999"' in pages[1]
    assert pages[0].replace(item.case_number, "GH-2020-999999") == pages[1]
    assert "未找到该件，请核对受理编号和查询码。" in pages[0]
    assert code not in pages[0] and wrong_code not in pages[0]
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
    for step, moment in (("决定受理", item.accepted_at), ("作出答复", item.replied_at)):
        assert re.search(rf'step-name">{step}</span>\s*<span class="step-date">.*>{chinese_date(moment)}</time>', html)


@pytest.mark.parametrize(("action", "fields", "shown"), [
    ("reject", {"reason": "不属于本单位职责范围"}, ("不予受理", "不予受理的理由", "不属于本单位职责范围")),
    ("transfer", {"transferred_to": "兰州市总工会"}, ("已转交其他单位办理", "转往单位", "兰州市总工会")),
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


ORIGINAL_TEXT = "我是白银市职工赵丽华，反映会员卡补贴一直没有到账，请尽快核查。"
ORIGINAL_CONTACT = Contact(name="赵丽华", phone="13811112222", email="zhao.lihua@example.org",
                           address="白银市白银区人民路88号")


def answer(session, item, triager, research, text: str):
    """item accepted, assigned to 办公室, its answer drafted, approved and sent by the research office."""
    clocks = ClockSettings()
    apply(session, item, "accept", triager, clocks)
    apply(session, item, "assign", triager, clocks, department=department_named(session, "办公室"))
    reply = replies.start_draft(session, research, item, text, clocks)
    replies.submit(session, research, reply)
    replies.approve(session, research, reply, replies.ReplySettings.from_config(current_app.config), confirmed=True)
    return reply


def test_a_duplicate_shows_the_original_it_was_merged_into_then_its_answer(session, new_item, make_user,
                                                                          post_form):
    triager, research = make_user("triager"), make_user("research")
    make_user("handler", department="办公室")
    original, _ = new_item(content=ORIGINAL_TEXT, subject="会员卡补贴", contact=ORIGINAL_CONTACT, wants_reply=True)
    duplicate, code = new_item(content="会员卡补贴还没到账，什么时候发？")
    apply(session, duplicate, "merge", triager, ClockSettings(), original=original.case_number)
    session.commit()

    html = look_up(post_form, duplicate.case_number, code).get_data(as_text=True)
    assert f"已并入 {original.case_number}" in html and "已并入相同事项一并办理" in html
    assert f"{original.case_number} 的办理进展" in html and "已收到，正在分办" in html
    assert "答复内容将在此显示" in html and "答复内容</h3>" not in html

    answer(session, original, triager, research, "赵丽华同志：您好！会员卡补贴已于5月20日发放到账，请查收。"
                 "如有疑问请致电13811112222联系我们。")
    session.commit()
    html = look_up(post_form, duplicate.case_number, code).get_data(as_text=True)
    assert "已答复" in html and "答复部门" in html and "办公室" in html and chinese_date(original.replied_at) in html
    assert "会员卡补贴已于5月20日发放到账，请查收。" in html
    for private in ("赵丽华", "13811112222", "zhao.lihua", "人民路88号", "会员卡补贴一直没有到账", "白银市职工"):
        assert private not in html, private
    assert "赵**" in html or "赵*华" in html  # the name in the answer is masked, not the sentence dropped


def test_the_original_s_own_lookup_is_unchanged_by_a_duplicate(session, new_item, make_user, post_form):
    original, code = new_item(content=ORIGINAL_TEXT)
    duplicate, _ = new_item(content="会员卡补贴还没到账，请帮忙催一下。")
    apply(session, duplicate, "merge", make_user("triager"), ClockSettings(), original=original.case_number)
    session.commit()
    html = look_up(post_form, original.case_number, code).get_data(as_text=True)
    assert "已并入" not in html and duplicate.case_number not in html


def test_a_chain_of_merges_resolves_to_the_final_original(session, new_item, make_user, post_form):
    triager = make_user("triager")
    first, first_code = new_item(content="第一件：会员卡补贴没到账")
    second, _ = new_item(content=ORIGINAL_TEXT, contact=ORIGINAL_CONTACT)
    final, _ = new_item(content="会员卡补贴发放情况请公开")
    apply(session, first, "merge", triager, ClockSettings(), original=second.case_number)
    apply(session, second, "merge", triager, ClockSettings(), original=final.case_number)
    session.commit()
    assert first.duplicate_of_id == final.id and second.duplicate_of_id == final.id
    html = look_up(post_form, first.case_number, first_code).get_data(as_text=True)
    assert f"已并入 {final.case_number}" in html and second.case_number not in html
    assert "赵丽华" not in html and "会员卡补贴一直没有到账" not in html


def test_a_chain_stored_before_duplicates_followed_their_original_still_resolves(session, new_item, make_user,
                                                                                 post_form):
    first, first_code = new_item(content="第一件：会员卡补贴没到账")
    second, _ = new_item(content=ORIGINAL_TEXT, contact=ORIGINAL_CONTACT)
    final, _ = new_item(content="会员卡补贴发放情况请公开")
    for item, original in ((first, second), (second, final)):
        item.state, item.duplicate_of = "duplicate", original
    session.commit()
    html = look_up(post_form, first.case_number, first_code).get_data(as_text=True)
    assert f"已并入 {final.case_number}" in html and second.case_number not in html


def test_a_duplicate_shows_the_published_text_of_the_original_s_answer_once_there_is_one(session, new_item, make_user,
                                                                                         post_form):
    triager, research = make_user("triager"), make_user("research")
    make_user("handler", department="办公室")
    original, _ = new_item(content=ORIGINAL_TEXT, contact=ORIGINAL_CONTACT)
    duplicate, code = new_item(content="会员卡补贴还没到账，请帮忙催一下。")
    apply(session, duplicate, "merge", triager, ClockSettings(), original=original.case_number)
    reply = answer(session, original, triager, research, "赵丽华同志：补贴已于5月20日发放到账。")
    reply.public_text, reply.publish_status = "来信人：补贴已于5月20日发放到账。", "published"
    session.commit()
    html = look_up(post_form, duplicate.case_number, code).get_data(as_text=True)
    assert "来信人：补贴已于5月20日发放到账。" in html and "赵丽华" not in html
