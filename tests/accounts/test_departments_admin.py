"""Departments as a managed list: create, rename, deactivate, merge (with a confirmation page), the marks in the
assignment dropdowns, and ledger imports that do not bring merged names back."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, Department, DepartmentAlias, FeedbackItem, Reply, User
from portal.services.accounts import departments
from portal.services.accounts.users import UserError, create_user, department_named, update_user
from portal.services.common.authz import PermissionDenied
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import workflow
from portal.services.feedback.assignment import suggested_department
from portal.services.ledger.campaigns import create_campaign
from portal.services.ledger.importer import import_ledger
from portal.services.replies import drafting
from tests.ledger_files import HEADER, ROWS, write_csv

CLOCKS = ClockSettings()
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "demo" / "sample-ledger.csv"
UNSTAFFED = "（无在岗承办人）"


def audited(session, action: str) -> list[dict]:
    session.expire_all()
    return [e.details for e in session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def assigned(session, new_item, triager, department) -> FeedbackItem:
    item, _ = new_item()
    workflow.apply(session, item, "accept", triager, CLOCKS)
    workflow.apply(session, item, "assign", triager, CLOCKS, department=department.id)
    return item


def test_admin_creates_and_renames_departments_and_the_old_name_is_remembered(client, session, make_user, login,
                                                                               post_form):
    login(make_user("admin"))
    response = post_form("/staff/departments", {"name": " 宣传部 "}, page="/staff/departments")
    assert response.status_code == 302
    department = session.scalar(select(Department).where(Department.name == "宣传部"))
    assert department.active
    page = post_form("/staff/departments", {"name": "宣传部"}, page="/staff/departments").get_data(as_text=True)
    assert "已有名为“宣传部”的部门。" in page and 'id="name-error"' in page
    page = post_form("/staff/departments", {"name": "<b>部"}, page="/staff/departments").get_data(as_text=True)
    assert "部门名称无效" in page
    url = f"/staff/departments/{department.id}"
    assert post_form(url, {"name": "宣传教育部"}, page=url).status_code == 302
    session.expire_all()
    assert session.get(Department, department.id).name == "宣传教育部"
    assert session.scalars(select(DepartmentAlias.name)).all() == ["宣传部"]
    assert department_named(session, "宣传部").id == department.id  # an operator command naming the old name
    assert audited(session, "department.create") == [{"department": "宣传部"}]
    assert audited(session, "department.rename") == [{"changes": {"name": ["宣传部", "宣传教育部"]}}]
    listing = client.get("/staff/departments").get_data(as_text=True)
    assert "宣传教育部" in listing and UNSTAFFED in listing


@pytest.mark.parametrize("role", ["clerk", "triager", "handler", "research", "supervisor"])
def test_only_admins_manage_departments(client, session, make_user, login, post_form, role):
    office = department_named(session, "办公室")
    actor = make_user(role, department="办公室" if role == "handler" else None)
    login(actor)
    for url in ("/staff/departments", f"/staff/departments/{office.id}", f"/staff/departments/{office.id}/merge"):
        assert client.get(url).status_code == 403
    assert post_form("/staff/departments", {"name": "宣传部"}, page="/staff/password").status_code == 403
    assert post_form(f"/staff/departments/{office.id}/active", {"active": "0"},
                     page="/staff/password").status_code == 403
    for call in (lambda: departments.create_department(session, actor, "宣传部"),
                 lambda: departments.rename_department(session, actor, office, "新名"),
                 lambda: departments.set_active(session, actor, office, False),
                 lambda: departments.merge_plan(session, actor, office, office.id),
                 lambda: departments.overview(session, actor)):
        with pytest.raises(PermissionDenied):
            call()
    session.expire_all()
    assert session.get(Department, office.id).active and session.get(Department, office.id).name == "办公室"


def test_a_deactivated_department_is_offered_nowhere_but_stays_on_its_items(client, session, make_user, login,
                                                                            post_form, new_item):
    triager = make_user("triager")
    old = department_named(session, "老干部处")
    make_user("handler", department="老干部处")
    item = assigned(session, new_item, triager, old)
    admin = make_user("admin")
    login(admin)
    response = post_form(f"/staff/departments/{old.id}/active", {"active": "0"}, page="/staff/departments")
    assert response.status_code == 302
    session.expire_all()
    assert not session.get(Department, old.id).active
    assert audited(session, "department.deactivate") == [{"department": "老干部处"}]
    assert "老干部处" in client.get("/staff/departments").get_data(as_text=True)  # listed, as 已停用
    assert "老干部处" not in client.get("/staff/users/new").get_data(as_text=True)
    assert "老干部处" not in [c.name for c in departments.choices(session)]
    session.commit()
    login(triager)
    page = client.get(f"/staff/items/{item.case_number}").get_data(as_text=True)
    assert "老干部处" in page  # still the item's department
    assert f'<option value="{old.id}"' not in page
    queue = client.get("/staff/queue").get_data(as_text=True)
    assert f'<option value="{old.id}">老干部处</option>' in queue  # the filter
    bulk = post_form("/staff/queue/bulk", {"action": "assign", "item_ids": [str(item.id)]}, page="/staff/queue")
    assert f'<option value="{old.id}"' not in bulk.get_data(as_text=True)  # the bulk assignment's confirmation
    other, _ = new_item()
    workflow.apply(session, other, "accept", triager, CLOCKS)
    with pytest.raises(workflow.WorkflowError, match="已停用"):
        workflow.apply(session, other, "assign", triager, CLOCKS, department=old.id)
    with pytest.raises(UserError, match="已停用"):
        update_user(session, make_user("handler", department="办公室"), admin, role="handler", department=old,
                    name="新人")


def test_departments_without_an_active_handler_are_marked_where_items_are_assigned(client, session, make_user,
                                                                                   login, new_item, post_form):
    staffed, empty = department_named(session, "办公室"), department_named(session, "组织部")
    make_user("handler", department="办公室")
    triager = make_user("triager")
    item, _ = new_item()
    workflow.apply(session, item, "accept", triager, CLOCKS)
    login(triager)
    page = client.get(f"/staff/items/{item.case_number}").get_data(as_text=True)
    assert f">组织部{UNSTAFFED}</option>" in page and ">办公室</option>" in page
    bulk = post_form("/staff/queue/bulk", {"action": "assign", "item_ids": [str(item.id)]}, page="/staff/queue")
    confirmation = bulk.get_data(as_text=True).split('id="bulk-department"')[1]
    assert f'<option value="{empty.id}">组织部{UNSTAFFED}</option>' in confirmation
    assert f'<option value="{staffed.id}">办公室</option>' in confirmation


def test_merging_shows_what_moves_then_moves_everything_and_remembers_the_name(client, session, make_user, login,
                                                                               post_form, new_item):
    right, typo = department_named(session, "组织部"), department_named(session, "组织布")
    handler = make_user("handler", department="组织布")
    triager = make_user("triager")
    item = assigned(session, new_item, triager, typo)
    reply = drafting.start_draft(session, handler, item, "已处理。", CLOCKS)
    admin = make_user("admin")
    login(admin)
    url = f"/staff/departments/{typo.id}/merge"
    form = client.get(url).get_data(as_text=True)
    assert f'<option value="{right.id}">组织部</option>' in form and f'<option value="{typo.id}"' not in form
    plan = post_form(url, {"target": str(right.id)}, page=url).get_data(as_text=True)
    assert "将“组织布”并入“组织部”" in plan and handler.name in plan and item.case_number in plan
    assert "账号：1个" in plan and "交办的件：1件" in plan and "答复：1份" in plan
    session.expire_all()
    assert session.get(Department, typo.id) is not None  # nothing happens before the confirmation
    response = post_form(url, {"target": str(right.id), "confirm": "1"}, page=url)
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Department, typo.id) is None
    assert session.get(User, handler.id).department_id == right.id
    assert session.get(FeedbackItem, item.id).department_id == right.id
    assert session.get(Reply, reply.id).department_id == right.id
    assert session.scalar(select(DepartmentAlias.department_id).where(DepartmentAlias.name == "组织布")) == right.id
    assert audited(session, "department.merge") == [{"department": "组织部", "merged": "组织布", "accounts": 1,
                                                     "items": 1, "replies": 1}]
    # the handler still sees the item, now as one of 组织部's
    assert workflow.authz.can(session.get(User, handler.id), "view_queue", session.get(FeedbackItem, item.id))


def test_a_department_cannot_be_merged_into_itself_or_nothing(session, make_user):
    admin, office = make_user("admin"), department_named(session, "办公室")
    with pytest.raises(departments.DepartmentError, match="并入它自己"):
        departments.merge_plan(session, admin, office, office.id)
    with pytest.raises(departments.DepartmentError, match="请选择"):
        departments.merge_plan(session, admin, office, None)


def test_a_ledger_import_does_not_bring_a_merged_typo_back(session, make_user, tmp_path):
    campaign = create_campaign(session, "d", "测试", date(2020, 11, 16))
    rows = [list(ROWS[0])]
    rows[0][HEADER.index("责任部门")] = "办公室、组织布"
    ledger = write_csv(tmp_path / "l.csv", rows)
    import_ledger(session, campaign, ledger, actor="test")
    typo = session.scalar(select(Department).where(Department.name == "组织布"))
    right = department_named(session, "组织部")
    admin = make_user("admin")
    departments.merge(session, admin, departments.merge_plan(session, admin, typo, right.id))
    import_ledger(session, campaign, ledger, actor="test")
    assert set(session.scalars(select(Department.name))) == {"办公室", "组织部"}


def test_the_suggested_department_follows_a_merged_name(session, make_user, new_item, small_campaign):
    from portal.models import Problem
    problem = session.scalar(select(Problem).where(Problem.campaign_id == small_campaign.id, Problem.number == 1))
    problem.departments = "组织布"
    typo, right = department_named(session, "组织布"), department_named(session, "组织部")
    make_user("handler", department="组织部")
    admin = make_user("admin")
    departments.merge(session, admin, departments.merge_plan(session, admin, typo, right.id))
    item, _ = new_item(campaign_id=small_campaign.id, targets=["1-1"])
    assert suggested_department(session, item).department.id == right.id


def test_only_handlers_belong_to_a_department(session, make_user):
    department_named(session, "办公室")
    with pytest.raises(UserError, match="只有承办部门人员属于部门"):
        create_user(session, "c@example.org", "登记", "clerk", "correct horse 1", department="办公室")
    with pytest.raises(UserError, match="必须指定所属部门"):
        create_user(session, "h@example.org", "承办", "handler", "correct horse 1")
    with pytest.raises(UserError, match="请选择角色"):
        create_user(session, "r@example.org", "无角色", "", "correct horse 1")
    assert session.scalar(select(func.count(User.id))) == 0


def test_the_role_has_no_default_and_creating_without_one_is_refused_next_to_it(client, session, make_user, login,
                                                                              post_form):
    login(make_user("admin"))
    form = client.get("/staff/users/new").get_data(as_text=True)
    role_select = form.split('id="role"')[1].split("</select>")[0]
    assert role_select.split("<option")[1] == ' value="">请选择</option>' and "selected" not in role_select
    page = post_form("/staff/users/new", {"email": "x@example.org", "name": "某人", "role": "", "department": "",
                                          "method": "link"}, page="/staff/users/new").get_data(as_text=True)
    assert '<p class="field-error" id="role-error">请选择角色。</p>' in page
    assert session.scalar(select(func.count(User.id)).where(User.email == "x@example.org")) == 0


def test_the_user_form_picks_the_department_from_the_list(client, session, make_user, login, post_form):
    office = department_named(session, "办公室")
    login(make_user("admin"))
    form = client.get("/staff/users/new").get_data(as_text=True)
    assert f'<option value="{office.id}">办公室</option>' in form and "<datalist" not in form
    page = post_form("/staff/users/new", {"email": "c@example.org", "name": "登记", "role": "clerk",
                                          "department": str(office.id), "method": "link"},
                     page="/staff/users/new").get_data(as_text=True)
    assert '<p class="field-error" id="department-error">只有承办部门人员属于部门' in page
    assert session.scalar(select(func.count(Department.id))) == 1  # no free text, no new department
