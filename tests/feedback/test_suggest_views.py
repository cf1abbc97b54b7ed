"""The item page offers the measures an opinion is likely about, linked in one click, or says none fits."""
import pytest
from sqlalchemy import select

from portal.models import Department
from portal.services.ops.demo import load_demo

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(session):
    campaign = load_demo(session)
    session.commit()
    return campaign


def test_item_page_suggests_and_links_in_one_click(client, session, demo, new_item, make_user, login, post_form):
    item, _code = new_item(content="劳模补助资金什么时候发放？厂里的老劳模还没领到", campaign_id=demo.id)
    assert item.suggestions["suggestions"][0]["measure"] == "35-3"
    session.commit()
    login(make_user("triager"))
    page_url = f"/staff/items/{item.case_number}"
    html = client.get(page_url).get_data(as_text=True)
    assert "推荐关联" in html and "措施35-3" in html and "<mark>劳模</mark>" in html
    assert 'name="target" value="35-3"' in html
    response = post_form(f"{page_url}/links", {"target": "35-3"}, page=page_url)
    assert response.status_code == 302
    after = client.get(page_url).get_data(as_text=True)
    assert "已关联" in after


def test_item_page_says_when_nothing_in_the_ledger_fits(client, session, demo, new_item, make_user, login):
    item, _code = new_item(content="我们公司拖欠了三个月工资，老板跑路了，怎么办", campaign_id=demo.id)
    assert item.suggestions == {"abstain": True, "suggestions": []}
    session.commit()
    login(make_user("triager"))
    html = client.get(f"/staff/items/{item.case_number}").get_data(as_text=True)
    assert "无把握匹配" in html and 'name="target" value="' not in html.split("推荐关联")[1].split("按编号关联")[0]


def test_roles_that_cannot_link_see_no_suggestions(client, session, demo, new_item, make_user, login):
    item, _code = new_item(content="劳模补助资金什么时候发放？", campaign_id=demo.id)
    session.commit()
    login(make_user("supervisor"))
    assert "推荐关联" not in client.get(f"/staff/items/{item.case_number}").get_data(as_text=True)


@pytest.mark.parametrize("query", ["劳模 补助", "劳模补助资金什么时候发放？", "勞模補助"])
def test_link_search_finds_what_people_mean(client, session, demo, new_item, make_user, login, query):
    """The triager's search is segmented and ranked, not a substring match: 劳模 补助 finds 35-3."""
    item, _code = new_item(content="关于劳模的意见，请核实。", campaign_id=demo.id)
    session.commit()
    login(make_user("triager"))
    html = client.get(f"/staff/items/{item.case_number}", query_string={"link_q": query}).get_data(as_text=True)
    candidates = html.split('aria-label="查找结果"')[1].split("</ul>")[0]
    assert 'name="target" value="35-3"' in candidates and 'name="target" value="35-4"' in candidates


def test_assign_form_preselects_the_linked_measures_department_and_says_why(client, session, demo, new_item,
                                                                             make_user, login, post_form):
    """35-3's 责任部门 are 经济技术部、财务资产部; only 财务资产部 has a handler, so it is preselected."""
    make_user("handler", department="财务资产部")
    item, _code = new_item(content="劳模补助资金什么时候发放？", campaign_id=demo.id, targets=["35-3"])
    triager = make_user("triager")
    session.commit()
    login(triager)
    page_url = f"/staff/items/{item.case_number}"
    post_form(f"{page_url}/transitions/accept", {}, page=page_url)
    html = client.get(page_url).get_data(as_text=True)
    assign = html.split('name="department"')[1].split("</select>")[0]
    finance = session.scalar(select(Department).where(Department.name == "财务资产部"))
    assert f'value="{finance.id}" selected' in assign
    assert "已按措施35-3的责任部门预选“财务资产部”。" in html
