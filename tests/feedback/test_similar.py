"""相似件: identical opinions side by side are noticed, and one click marks the duplicate."""
import json

from portal.services.feedback import similar
from portal.services.feedback.intake import Contact


def test_near_identical_text_and_the_same_person_are_found(session, new_item, make_user):
    first, _ = new_item(content="建议公开劳模补助资金的发放名单，接受群众监督！")
    second, _ = new_item(content="建议公开劳模补助资金的发放名单,接受群众监督")
    other, _ = new_item(content="小区物业乱收费，停车位被占了", contact=Contact(email="a@example.org"))
    again, _ = new_item(content="还是物业的事：电梯坏了一个月没人修", contact=Contact(email="a@example.org"))
    session.commit()
    assert first.text_key == second.text_key and first.text_key != other.text_key
    found = similar.similar_items(session, second, make_user("triager"))
    assert [s.item.id for s in found] == [first.id]
    assert found[0].score == 1.0 and found[0].likely_duplicate and "内容几乎相同" in found[0].why
    by_person = similar.similar_items(session, again, make_user("triager"))
    assert [s.item.id for s in by_person] == [other.id] and by_person[0].why == ["同一联系人"]
    assert not by_person[0].likely_duplicate


def test_a_handler_sees_only_similar_items_of_their_department(session, new_item, make_user):
    first, _ = new_item(content="建议公开劳模补助资金的发放名单，接受群众监督")
    second, _ = new_item(content="建议公开劳模补助资金的发放名单，接受群众监督。")
    handler = make_user("handler", department="办公室")
    second.department_id = handler.department_id
    session.commit()
    assert similar.similar_items(session, second, handler) == []


def test_queue_marks_likely_duplicates_and_the_item_page_merges_in_one_click(
        client, session, new_item, make_user, login, post_form):
    first, _ = new_item(content="建议公开劳模补助资金的发放名单，接受群众监督！")
    second, _ = new_item(content="建议公开劳模补助资金的发放名单,接受群众监督")
    alone, _ = new_item(content="工会会员卡丢了怎么补办，在哪里办理")
    session.commit()
    login(make_user("triager"))
    queue = client.get("/staff/queue").get_data(as_text=True)
    rows = {number: queue.split(f">{number}</a>")[1].split("</tr>")[0] for number in
            (first.case_number, second.case_number, alone.case_number)}
    assert "疑似重复" in rows[first.case_number] and "疑似重复" in rows[second.case_number]
    assert "疑似重复" not in rows[alone.case_number]
    page_url = f"/staff/items/{second.case_number}"
    html = client.get(page_url).get_data(as_text=True)
    assert "相似件" in html and first.case_number in html and "100%" in html
    response = post_form(f"{page_url}/transitions/merge", {"original": first.case_number, "confirm": "1"},
                         page=page_url)
    assert response.status_code == 302
    session.refresh(second)
    assert second.state == "duplicate" and second.duplicate_of_id == first.id


def test_similar_command(runner, session, new_item):
    first, _ = new_item(content="建议公开劳模补助资金的发放名单，接受群众监督")
    second, _ = new_item(content="建议公开劳模补助资金的发放名单，接受群众监督。")
    session.commit()
    result = runner.invoke(args=["feedback", "similar", second.case_number, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"case_number": first.case_number, "score": 1.0, "why": "内容几乎相同"}]
    assert "找不到受理编号" in runner.invoke(args=["feedback", "similar", "GH-1999-000001"]).output


def test_likely_duplicates_counts_only_twins_that_are_not_spam_or_duplicates(session, new_item, make_user):
    from portal.services.feedback import workflow
    from portal.services.common.clocks import ClockSettings
    triager = make_user("triager")
    many = [new_item(content="食堂饭菜太贵，建议公开食堂账目。")[0] for _ in range(4)]
    pair = [new_item(content="工会会员卡丢了怎么补办？")[0] for _ in range(2)]
    alone, _ = new_item(content="建议公开劳模补助资金的发放名单。")
    workflow.apply(session, pair[1], "spam", triager, ClockSettings())
    session.flush()
    assert similar.likely_duplicates(session, [many[0], pair[0], alone]) == {many[0].id}
    assert similar.likely_duplicates(session, [many[2]]) == {many[2].id}
    assert similar.likely_duplicates(session, [alone]) == set()
    workflow.apply(session, pair[0], "merge", triager, ClockSettings(), original=many[0].case_number)
    assert similar.likely_duplicates(session, many[1:] + pair) == {item.id for item in many[1:]}
