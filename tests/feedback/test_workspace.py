"""工作台 (/staff/): each role's home page lists its own work, scoped by department, with counts in the navigation."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from portal.models import AuditEvent, OutboxMessage
from portal.models.mail import SENDING_FAILED
from portal.services.accounts.users import department_named
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import workflow, workspace
from portal.services.feedback.intake import Contact, IntakeSettings, NewItem, create_item
from portal.services.replies import drafting as replies

CLOCKS = ClockSettings()
NOW = datetime.now(UTC)


def page(client, path: str = "/staff/") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def section(html: str, key: str) -> str:
    """The HTML of one home-page section (by its id)."""
    match = re.search(rf'<section id="{key}".*?</section>', html, re.S)
    assert match, f"no section {key}"
    return match.group(0)


def nav(html: str) -> str:
    match = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)
    assert match
    return match.group(0)


@pytest.fixture
def assigned(session, new_item, staff):
    """Factory: an item accepted and assigned to department (default 办公室)."""
    def make(department=None, **fields):
        item, _code = new_item(**fields)
        workflow.apply(session, item, "accept", staff.triager, CLOCKS)
        workflow.apply(session, item, "assign", staff.triager, CLOCKS, department=(department or staff.office).id)
        return item
    return make


def test_login_lands_on_the_home_page(client, session, staff, login):
    response = login(staff.triager)
    assert response.headers["Location"].endswith("/staff/")
    html = page(client)
    assert "<h1>工作台</h1>" in html and 'aria-current="page">工作台</a>' in html


def test_triager_sees_received_items_oldest_first_and_likely_duplicates_first(client, session, new_item, staff,
                                                                             login):
    older, _ = new_item(received_at=NOW - timedelta(days=5), content="食堂账目不公开，请公开明细账目。")
    copy, _ = new_item(received_at=NOW - timedelta(days=1), content="食堂账目不公开，请公开明细账目！")
    single, _ = new_item(received_at=NOW - timedelta(days=3), content="职工书屋开放时间太短，请尽快办理答复。")
    accepted, _ = new_item(content="已经受理的件，请尽快办理答复。")
    workflow.apply(session, accepted, "accept", staff.triager, CLOCKS)
    home = workspace.home(session, staff.triager, CLOCKS)
    assert [row.item for row in home.section("received").rows] == [older, single, copy]
    assert [row.item for row in home.section("duplicates").rows] == [older, copy]
    assert home.section("received").total == 3 and home.section("received").queue_args == {"state": "received"}

    login(staff.triager)
    html = page(client)
    assert html.index('id="duplicates"') < html.index('id="received"')
    received = section(html, "received")
    assert received.index(older.case_number) < received.index(single.case_number) < received.index(copy.case_number)
    assert accepted.case_number not in html
    assert "受理期限" in received and "/staff/queue?state=received" in received
    assert re.search(r'待分办 <span class="count">3</span>', nav(html))


def test_empty_lists_say_so_in_plain_chinese(client, session, staff, make_user, login):
    login(staff.triager)
    html = page(client)
    assert "没有待分办的件。" in html and "待分办的件中没有疑似重复件。" in html
    login(staff.research)
    html = page(client)
    assert "没有待审核的答复稿。" in html and "没有发送失败的邮件。" in html
    login(staff.handler)
    assert "本部门暂时没有在办的件。" in page(client)
    login(make_user("clerk"))
    assert "今天还没有登记来电或来信。" in page(client)
    login(staff.supervisor)
    assert "没有逾期的件。" in page(client)


def test_handler_sees_only_their_department_by_due_date_and_returned_drafts(client, session, staff, assigned,
                                                                             login):
    later = assigned(content="后到期的件，请尽快办理答复。")
    sooner = assigned(content="先到期的件，请尽快办理答复。")
    sooner.due_date = sooner.handle_due = later.due_date - timedelta(days=10)
    elsewhere = assigned(department=staff.outsider.department, content="组织部的件，请尽快办理答复。")
    returned = assigned(content="答复被退回的件，请尽快办理答复。")
    reply = replies.start_draft(session, staff.handler, returned, "初稿。", CLOCKS)
    replies.submit(session, staff.handler, reply)
    replies.send_back(session, staff.research, reply, "请写明整改完成的时间。")
    other_reply = replies.start_draft(session, staff.outsider, elsewhere, "组织部初稿。", CLOCKS)
    replies.submit(session, staff.outsider, other_reply)
    replies.send_back(session, staff.research, other_reply, "组织部请补充。")

    home = workspace.home(session, staff.handler, CLOCKS)
    open_items = [row.item for row in home.section("open").rows]
    assert open_items[0] is sooner and elsewhere not in open_items and set(open_items) == {sooner, later, returned}
    assert [row.reply for row in home.section("returned").rows] == [reply]

    login(staff.handler)
    html = page(client)
    assert elsewhere.case_number not in html and "组织部请补充" not in html
    assert "请写明整改完成的时间。" in section(html, "returned")
    mine = section(html, "open")
    assert mine.index(sooner.case_number) < mine.index(later.case_number)
    assert re.search(r'本部门在办 <span class="count">3</span>', nav(html))
    assert re.search(r'被退回的答复稿 <span class="count">1</span>', nav(html))

    login(staff.outsider)
    html = page(client)
    assert elsewhere.case_number in html and sooner.case_number not in html and "请写明整改完成的时间" not in html
    assert re.search(r'本部门在办 <span class="count">1</span>', nav(html))


def test_handler_without_a_department_sees_nothing(session, staff, make_user, assigned):
    assigned()
    nobody = make_user("handler", department="办公室")
    nobody.department_id = None  # an account whose department was taken away
    home = workspace.home(session, nobody, CLOCKS)
    assert all(not s.rows and s.total == 0 for s in home.sections)
    assert workspace.nav_counts(session, nobody, CLOCKS) == {"open": 0, "returned": 0, "review_edits": 0}


def test_research_office_sees_drafts_to_review_with_question_and_measure_status(client, session, staff, assigned,
                                                                                 small_campaign, login):
    item = assigned(content="食堂的账目什么时候公开？", campaign_id=small_campaign.id, targets=["2-2"])
    reply = replies.start_draft(session, staff.handler, item, "经核查，账目将于月底公开。", CLOCKS)
    replies.submit(session, staff.handler, reply)
    letter = assigned(channel="letter", content="来信内容，请尽快办理答复。",
                      contact=Contact(name="李示例", address="兰州市某路1号"))
    approved = replies.start_draft(session, staff.handler, letter, "书面答复。", CLOCKS)
    replies.submit(session, staff.handler, approved)
    replies.approve(session, staff.research, approved, replies.ReplySettings.from_config(client.application.config),
                    confirmed=True)
    session.add(OutboxMessage(kind="ack", to_address="a@example.org", subject="发送失败的回执", body_text="x",
                              message_id="<x@example.org>", status=SENDING_FAILED, attempts=5, last_error="550"))
    session.flush()

    home = workspace.home(session, staff.research, CLOCKS)
    [row] = home.section("submitted").rows
    assert row.reply is reply and row.question == "食堂的账目什么时候公开？"
    assert [(m.code, m.status) for m in row.measures] == [("2-2", "in_progress")]
    assert [r.reply for r in home.section("approved").rows] == [approved]
    assert home.section("failed").total == 1

    login(staff.research)
    html = page(client)
    review = section(html, "submitted")
    assert "食堂的账目什么时候公开？" in review and "措施2-2" in review and "正在整改" in review
    assert "经核查，账目将于月底公开。" in review
    assert letter.case_number in section(html, "approved")
    assert "发送失败的回执" in section(html, "failed")
    assert re.search(r'待审核 <span class="count">1</span>', nav(html))
    assert re.search(r'发送失败 <span class="count">1</span>', nav(html))


def test_clerk_sees_what_they_logged_today(client, session, make_user, login):
    clerk, other = make_user("clerk"), make_user("clerk")
    settings = IntakeSettings.from_config(client.application.config)
    def log(by, channel: str, content: str, **kwargs):
        return create_item(session, NewItem(channel=channel, kind="inquiry", content=content), settings, actor=by,
                           **kwargs)[0]

    mine = log(clerk, "phone", "今天的来电，请尽快办理答复。")
    yesterday = log(clerk, "letter", "前天登记的来信，请尽快办理答复。", now=NOW - timedelta(days=2))
    [logged] = [obj for obj in session.new if isinstance(obj, AuditEvent) and obj.item_id == yesterday.id]
    logged.at = NOW - timedelta(days=2)  # still pending: the audit log's rows are never updated
    theirs = log(other, "phone", "别人登记的来电，请尽快办理答复。")
    home = workspace.home(session, clerk, CLOCKS)
    assert [row.item for row in home.section("logged_today").rows] == [mine]

    login(clerk)
    html = page(client)
    assert mine.case_number in html and theirs.case_number not in html and yesterday.case_number not in html
    assert re.search(r'今日登记 <span class="count">1</span>', nav(html))
    assert html.count('href="/staff/log/phone"') == 2  # in the navigation and on the page


def test_supervisor_sees_overdue_and_due_soon_across_departments(client, session, staff, assigned, login):
    late = assigned(content="逾期的件，请尽快办理答复。")
    late.due_date = CLOCKS.today() - timedelta(days=2)
    soon = assigned(department=staff.outsider.department, content="快到期的件，请尽快办理答复。")
    soon.due_date = CLOCKS.today() + timedelta(days=1)
    calm = assigned(content="还早的件，请尽快办理答复。")
    session.flush()
    home = workspace.home(session, staff.supervisor, CLOCKS)
    assert [row.item for row in home.section("overdue").rows] == [late]
    assert [row.item for row in home.section("due_soon").rows] == [soon]
    loads = {load.department.name: (load.overdue, load.due_soon) for load in home.loads if load.department}
    assert loads == {"办公室": (1, 0), "组织部": (0, 1)}

    login(staff.supervisor)
    html = page(client)
    assert late.case_number in section(html, "overdue") and soon.case_number in section(html, "due_soon")
    assert calm.case_number not in html
    assert "/staff/queue?overdue=1" in section(html, "overdue")
    assert re.search(r'已逾期 <span class="count">1</span>', nav(html))


def test_admin_sees_accounts_and_departments(client, session, staff, make_user, login):
    admin = make_user("admin")
    login(admin)
    html = section(page(client), "accounts")
    assert "/staff/users" in html and "/staff/users/new" in html and "/staff/departments" in html
    home = workspace.home(session, admin, CLOCKS)
    assert home.accounts.by_role["handler"] == 2 and home.accounts.by_role["admin"] == 1
    assert (home.accounts.departments, home.accounts.unstaffed) == (2, 0)
    department_named(session, "机关党委")
    staff.outsider.active = False
    session.flush()
    home = workspace.home(session, admin, CLOCKS)
    assert (home.accounts.departments, home.accounts.unstaffed, home.accounts.inactive) == (3, 2, 1)


def test_lists_are_capped_with_a_link_to_the_filtered_queue(client, session, new_item, staff, login):
    for n in range(workspace.LIMIT + 2):
        new_item(content=f"第{n}件意见，内容各不相同{n}。")
    login(staff.triager)
    received = section(page(client), "received")
    assert received.count('<tr') == workspace.LIMIT + 1
    assert f"查看全部（共{workspace.LIMIT + 2}件）" in received


def test_navigation_counts_take_one_query(app, client, session, staff, new_item, login):
    new_item()
    login(staff.research)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        page(client, "/staff/queue")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert sum("reply" in s.lower() and "outbox_message" in s.lower() for s in statements) == 1
