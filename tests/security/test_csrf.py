"""CSRF over every route in app.url_map: a state-changing request without a valid token is refused and changes
nothing, and GET never changes state. New routes are covered without editing this file; a route whose URL
argument has no value here fails until one is added to ARGUMENTS.

Also home of what the other route-enumerating security tests share: the world of real objects, URLs built for
any rule, plausible form data per endpoint and table snapshots (the `world` fixture is in tests/security/conftest.py).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select
from werkzeug.routing import Rule

from tests.conftest import CSRF_FIELD, csrf_token
from portal.models import Base, FollowSubscription, InboundMessage, Measure, Reply, ReplyTemplate, User
from portal.models.mail import QUARANTINED, SENDING_FAILED
from portal.services.mail import outbox
from portal.services.feedback import saved_views, workflow
from portal.services.replies import reply_files
from portal.services.feedback.attachments import Upload
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.intake import Contact
from portal.services.feedback.queue import QueueFilters
from portal.services.reports import drafts
from portal.services.reports.importer import import_report
from portal.services.ledger import progress, rechecks
from portal.services.satisfaction.links import token_for
from portal.services.follow import subscriptions, targets
from portal.services.follow import tokens as follow_tokens
from portal.services.follow.tokens import FollowSettings
from portal.services.accounts.users import department_named
from tests.samples import pdf

PASSWORD = "correct horse 1"
PDF = pdf()
ROLES = ("admin", "clerk", "triager", "handler_in", "handler_out", "research", "supervisor", "rectification")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: what logging in and out (and changing one's own password) changes: left out where nothing else may change
LOGIN_TABLES = frozenset({"audit_event", "login_failure"})
LOGIN_COLUMNS = {"staff_user": frozenset({"password_hash", "last_login_at", "session_token", "failed_logins",
                                         "locked_until"})}
REPORT_TEXT = "关于巡视整改进展情况的通报\n截至2021年3月31日，共5个方面54个问题，整改措施193条，已整改170条。\n"


@dataclass
class World:
    """Real objects every URL argument can point at: one item (办公室, being handled) with a contact, a scan and a
    link, another item to merge into, a report, a failed outbox message, a quarantined inbound message, a reply
    template and draft, and an account of each role."""

    campaign_slug: str
    case_number: str
    query_code: str
    item_id: int
    original_case_number: str
    attachment_id: int
    link_id: int
    report_id: int
    message_id: int
    inbound_id: int
    template_id: int
    reply_id: int
    office_id: int
    other_department_id: int
    target_user_id: int
    accounts: dict[str, User] = field(default_factory=dict)
    #: a call the world's clerk logged, still 待分办 (what 更正登记信息 applies to)
    logged_case_number: str = ""
    #: a phone item answered today (on the clerk's 回访 list) and the signed /rate/<token> of its answer
    answered_case_number: str = ""
    rating_token: str = ""
    #: the world's triager's saved queue view (我的视图)
    view_id: int = 0
    #: a file attached to the world's reply draft
    reply_file_id: int = 0
    #: measure 1-1, whose 责任部门 is the world's item's department (办公室), and handler_in's update of it
    measure_id: int = 0
    progress_id: int = 0
    evidence_id: int = 0
    #: an open 回头看 of measure 1-2, and a file of a recorded one of measure 3-1
    recheck_id: int = 0
    recheck_evidence_id: int = 0
    #: the signed links of a pending follow subscription (关注): confirm, one-click unsubscribe, manage
    follow_confirm_token: str = ""
    follow_unsubscribe_token: str = ""
    follow_manage_token: str = ""
    #: two 进展通报 drafts of the rectification office: one to correct and publish, a spare to discard
    draft_id: int = 0
    spare_draft_id: int = 0


def account(make_user, role: str) -> User:
    """A staff account for a matrix role: handler_in handles the world's item (办公室), handler_out does not."""
    if role == "handler_in":
        return make_user("handler", department="办公室")
    if role == "handler_out":
        return make_user("handler", department="组织部")
    return make_user(role)


def build_world(session, new_item, make_user, campaign) -> World:
    """Create the world through the services, and commit it."""
    office, other = department_named(session, "办公室"), department_named(session, "组织部")
    accounts = {role: account(make_user, role) for role in ROLES}
    target = make_user("clerk", email="target@example.org")
    original, _ = new_item()
    item, code = new_item(campaign_id=campaign.id, targets=["1-1"], uploads=[Upload("scan.pdf", PDF)],
                          contact=Contact(name="张三丰", phone="13812341762", email="zhang@example.org"))
    clocks = ClockSettings()
    workflow.apply(session, item, "accept", accounts["triager"], clocks)
    workflow.apply(session, item, "assign", accounts["triager"], clocks, department=office.id)
    report = import_report(session, campaign, REPORT_TEXT, as_of=date(2021, 3, 31))
    message = outbox.enqueue(session, outbox.MailSettings.from_config(current_app.config), to="zhang@example.org",
                             subject="受理回执", text="您的意见已收到。", kind="ack", item=item)
    message.status = SENDING_FAILED
    template = ReplyTemplate(title="收悉", text="您的来信已收悉。")
    reply = Reply(item_id=item.id, text="答复草稿", channel="email", status="draft",
                  author_id=accounts["research"].id, department_id=office.id)
    raw = b"From: a@example.org\r\nSubject: test\r\n\r\nbody\r\n"
    inbound = InboundMessage(message_id="<quarantined@example.org>", source="pipe", raw=raw,
                             sha256=hashlib.sha256(raw).hexdigest(), outcome=QUARANTINED, reason="无法解析")
    logged, _ = new_item(channel="phone", phone_line="12351", call_at=datetime(2021, 3, 31, 2, 5, tzinfo=UTC),
                         received_at=datetime(2021, 3, 31, 2, 5, tzinfo=UTC), contact=Contact(phone="13912345678"))
    logged.logged_by_id = accounts["clerk"].id
    answered, _ = new_item(channel="phone", content="已经答复的来电，请评价答复。",
                           contact=Contact(phone="13912340000"))
    answered.state, answered.replied_at, answered.department_id = "replied", datetime.now(UTC), office.id
    sent = Reply(item_id=answered.id, text="经核查，已整改到位。", channel="web", status="sent",
                 sent_at=answered.replied_at, author_id=accounts["research"].id, department_id=office.id)
    session.add_all([template, reply, inbound, sent])
    view = saved_views.save_view(session, accounts["triager"], "来电", QueueFilters(channel="phone"))
    session.flush()
    (reply_file,) = reply_files.add(session, accounts["research"], reply, [Upload("答复附件.pdf", PDF)],
                                    Path(current_app.config["UPLOAD_DIR"]))
    measure = session.scalar(select(Measure).where(Measure.campaign_id == campaign.id, Measure.code == "1-1"))
    measure.problem.departments = "办公室"
    update = progress.submit(session, accounts["handler_in"], measure, "in_progress", None, "正在推进。", date.today(),
                             [Upload("会议纪要.pdf", PDF)], Path(current_app.config["UPLOAD_DIR"]))
    world = World(campaign.slug, item.case_number, code, item.id, original.case_number, item.attachments[0].id,
                  item.links[0].id, report.id, message.id, inbound.id, template.id, reply.id, office.id, other.id,
                  target.id, accounts, logged_case_number=logged.case_number,
                  answered_case_number=answered.case_number,
                  rating_token=token_for(sent.id, current_app.config["SECRET_KEY"]), view_id=view.id,
                  reply_file_id=reply_file.id, measure_id=measure.id, progress_id=update.id,
                  evidence_id=update.evidence[0].id)
    recheck_world(session, world, campaign)
    follow_world(session, world, campaign)
    world.draft_id, world.spare_draft_id = (
        drafts.create_draft(session, accounts["rectification"], campaign, REPORT_TEXT,
                            drafts.DraftDetails(date(2021, 3, 31))).id for _ in range(2))
    session.commit()
    return world


def recheck_world(session, world: World, campaign) -> None:
    """An open re-check of measure 1-2, and a held one of 3-1 recorded with a PDF."""
    (waiting,) = rechecks.schedule(session, campaign, date.today(), actor="整改办", codes=["1-2"])
    (held,) = rechecks.schedule(session, campaign, date.today(), actor="整改办", codes=["3-1"])
    rechecks.record(session, held, "held", "抽查符合规定。", actor="整改办", evidence=[Upload("抽查记录.pdf", PDF)],
                    upload_dir=Path(current_app.config["UPLOAD_DIR"]))
    world.recheck_id, world.recheck_evidence_id = waiting.id, held.evidence[0].id


def follow_world(session, world: World, campaign) -> None:
    """A pending follow subscription of problem 1, and its three signed links."""
    settings = FollowSettings.from_config(current_app.config)
    subscriptions.subscribe(session, settings, [targets.find(session, campaign, problem="1")], "follower@example.org",
                            "immediate", "zh")
    subscription_id = session.scalar(select(FollowSubscription.id))
    world.follow_confirm_token = follow_tokens.confirm_token(settings.key, [subscription_id], "weekly")
    world.follow_unsubscribe_token = follow_tokens.unsubscribe_token(settings.key, subscription_id)
    world.follow_manage_token = follow_tokens.manage_token(settings.key, subscription_id)


#: URL argument name → its value in the world; a rule with an argument missing here fails the enumerating tests
ARGUMENTS: dict[str, Callable[[World], object]] = {
    "slug": lambda w: w.campaign_slug,
    "position": lambda w: 1,
    "number": lambda w: 1,
    "code": lambda w: "1-1",
    "report_id": lambda w: w.report_id,
    "case_number": lambda w: w.case_number,
    "attachment_id": lambda w: w.attachment_id,
    "link_id": lambda w: w.link_id,
    "action": lambda w: "accept",
    "user_id": lambda w: w.target_user_id,
    "department_id": lambda w: w.other_department_id,
    "message_id": lambda w: w.message_id,
    "inbound_id": lambda w: w.inbound_id,
    "template_id": lambda w: w.template_id,
    "reply_id": lambda w: w.reply_id,
    "view_id": lambda w: w.view_id,
    "filename": lambda w: "css/site.css",
    "token": lambda w: w.rating_token,
    "table": lambda w: "departments",
    "fmt": lambda w: "csv",
    "file_id": lambda w: w.reply_file_id,
    "measure_id": lambda w: w.measure_id,
    "update_id": lambda w: w.progress_id,
    "evidence_id": lambda w: w.evidence_id,
    "draft_id": lambda w: w.draft_id,
    "recheck_id": lambda w: w.recheck_id,
}
#: (endpoint, argument) whose value is not the argument's usual one
ENDPOINT_ARGUMENTS: dict[tuple[str, str], Callable[[World], object]] = {
    ("public.set_language", "code"): lambda w: "en",
    ("staff.correct_item", "case_number"): lambda w: w.logged_case_number,
    ("staff.callback", "case_number"): lambda w: w.answered_case_number,
    ("public.follow_confirm", "token"): lambda w: w.follow_confirm_token,
    ("public.follow_unsubscribe", "token"): lambda w: w.follow_unsubscribe_token,
    ("public.follow_manage", "token"): lambda w: w.follow_manage_token,
    ("staff.campaign_report_discard", "draft_id"): lambda w: w.spare_draft_id,
    ("staff.campaign_recheck_evidence", "evidence_id"): lambda w: w.recheck_evidence_id,
}
#: state-changing endpoints that take no CSRF token, and why: each has its own test of what it accepts
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: the mail client POSTs without a token; the signed URL is the authority
    # (tests/follow/test_views.py)
    "public.follow_unsubscribe",
}
#: arguments that the role matrix tries with every value (the transitions of the item page)
VARIANTS: dict[str, tuple[str, ...]] = {"action": tuple(workflow.TRANSITIONS), "fmt": ("csv", "xlsx")}


def url_values(rule: Rule, world: World) -> dict[str, object]:
    """A real value for each argument of rule; fails naming the argument when there is none."""
    values = {}
    for name in sorted(rule.arguments):
        make = ENDPOINT_ARGUMENTS.get((rule.endpoint, name)) or ARGUMENTS.get(name)
        if make is None:
            pytest.fail(f"{rule.rule} ({rule.endpoint}) has the URL argument “{name}”, which the security tests "
                        f"cannot fill: add a value for it to ARGUMENTS (or ENDPOINT_ARGUMENTS) in "
                        f"tests/security/test_csrf.py")
        values[name] = make(world)
    return values


def url_of(rule: Rule, values: dict[str, object]) -> str:
    built = rule.build(values, append_unknown=False)
    assert built is not None, f"cannot build {rule.rule} from {values}"
    return built[1]


def routes(app, methods: frozenset[str], prefix: str = "") -> list[Rule]:
    """The rules accepting any of methods, under prefix, in a stable order."""
    return sorted((r for r in app.url_map.iter_rules() if r.methods & methods and r.rule.startswith(prefix)),
                  key=lambda r: (r.rule, r.endpoint))


def _transition_fields(world: World, values: dict[str, object]) -> dict[str, str]:
    action = values.get("action")
    return {"reject": {"reason": "不属于受理范围", "confirm": "1"},
            "transfer": {"transferred_to": "兰州市总工会", "confirm": "1"},
            "merge": {"original": world.original_case_number, "confirm": "1"}, "spam": {"confirm": "1"},
            "assign": {"department": str(world.office_id)},
            "extend": {"days": "10", "approver": "张主任", "reason": "需要调查"},
            "reply": {"answer": "经核查，已整改。"}, "review": {"reason": "群众申请复查"},
            "send_back": {"reason": "不属于本部门职责"}}.get(action, {})


#: endpoint → form data that would succeed for a user allowed to post it (given the URL's values)
PLAUSIBLE: dict[str, Callable[[World, dict[str, object]], dict]] = {
    "public.feedback": lambda w, v: {"kind": "suggestion", "content": "建议公开整改进度的更多细节。", "consent": "y"},
    "public.lookup": lambda w, v: {"case_number": w.case_number, "code": w.query_code},
    "public.rate": lambda w, v: {"level": "unsatisfied", "comment": "答复没有说明完成时间。"},
    "staff.callback": lambda w, v: {"outcome": "reached", "level": "satisfied", "comment": "已解决。"},
    "public.case_review": lambda w, v: {"reason": "答复没有说明整改完成的时间。"},
    "public.follow": lambda w, v: {"email": "follower@example.org", "frequency": "weekly", "campaign": w.campaign_slug,
                                   "problem": "2"},
    "public.follow_manage": lambda w, v: {"subscription": "1", "action": "unsubscribe"},
    "public.case_material": lambda w, v: {"text": "补充说明：相关通知至今没有公开。"},
    "staff.login": lambda w, v: {"email": w.accounts["triager"].email, "password": PASSWORD},
    "staff.password": lambda w, v: {"old_password": PASSWORD, "new_password": PASSWORD,
                                    "new_password_repeat": PASSWORD},
    "staff.queue_bulk": lambda w, v: {"action": "assign", "item_ids": [str(w.item_id)]},
    "staff.queue_bulk_run": lambda w, v: {"action": "assign", "item_ids": [str(w.item_id)],
                                          "department": str(w.other_department_id), "confirm": "1"},
    "staff.save_view": lambda w, v: {"view_name": "组织部的件", "department": str(w.other_department_id)},
    "staff.delete_view": lambda w, v: {"confirm": "1"},
    "staff.add_note": lambda w, v: {"text": "内部备注：已电话联系。"},
    "staff.add_link": lambda w, v: {"target": "2-1"},
    "staff.remove_link": lambda w, v: {"confirm": "1"},
    "staff.transition": _transition_fields,
    "staff.log_phone": lambda w, v: {"kind": "inquiry", "content": "来电咨询整改措施的完成时间。",
                                     "call_at": "2021-03-31T10:05", "phone_line": "12351", "target": "2-1"},
    "staff.log_letter": lambda w, v: {"kind": "report", "content": "来信反映整改措施没有落实到位。",
                                      "received_on": "2021-04-02", "target": "1-2"},
    "staff.correct_item": lambda w, v: {"kind": "inquiry", "content": "来电询问职工书屋整改什么时候完成。",
                                        "call_at": "2021-03-31T10:06"},
    "staff.user_new": lambda w, v: {"email": "new-user@example.org", "name": "新用户", "role": "clerk",
                                    "department": "", "method": "link"},
    "staff.user_edit": lambda w, v: {"name": "目标用户", "role": "clerk", "department": ""},
    "staff.user_password": lambda w, v: {"method": "generated", "confirm": "y"},
    "staff.user_deactivate": lambda w, v: {"confirm": "y"},
    "staff.user_reactivate": lambda w, v: {"confirm": "y"},
    "staff.departments": lambda w, v: {"name": "宣传部"},
    "staff.department_edit": lambda w, v: {"name": "组织部（人事）"},
    "staff.department_active": lambda w, v: {"active": "0"},
    "staff.department_merge": lambda w, v: {"target": str(w.office_id), "confirm": "1"},
    "staff.extension_request": lambda w, v: {"days": "10", "reason": "需要补充调查"},
    "staff.extension_decide": lambda w, v: {"decision": "refuse", "decision_reason": "理由不充分"},
    "staff.campaign_new": lambda w, v: {"slug": "round-2", "title": "第二轮巡视整改", "feedback_date": "2021-06-01"},
    "staff.progress_new": lambda w, v: {"status": "in_progress", "progress_note": "已完成调研。"},
    "staff.progress_return": lambda w, v: {"comment": "请补充说明。"},
    "staff.campaign_edit": lambda w, v: {"title": "巡视反馈意见整改（修订）", "feedback_date": "2020-11-16"},
    "staff.campaign_report_new": lambda w, v: {"as_of": "2021-06-30", "text": REPORT_TEXT},
    "staff.campaign_report_draft": lambda w, v: {"as_of": "2021-03-31", "revision": "1",
                                                 "body": REPORT_TEXT.replace("170", "171")},
    # the draft page's POST (before it in path order) saved revision 2
    "staff.campaign_report_publish": lambda w, v: {"revision": "2"},
    "staff.campaign_rechecks": lambda w, v: {"due_on": date.today().isoformat(), "codes": ["1-1"]},
    "staff.campaign_recheck": lambda w, v: {"result": "held", "note": "抽查会议记录均符合规定。"},
}


def plausible(endpoint: str, world: World, values: dict[str, object]) -> dict:
    make = PLAUSIBLE.get(endpoint)
    return make(world, values) if make else {}


def snapshot(session, *, besides_login: bool = False) -> dict[str, list[str]]:
    """Every row of every table (committed state); with besides_login, without what logging in changes."""
    session.rollback()
    tables = {}
    for table in Base.metadata.sorted_tables:
        if besides_login and table.name in LOGIN_TABLES:
            continue
        skipped = LOGIN_COLUMNS.get(table.name, frozenset()) if besides_login else frozenset()
        columns = [c for c in table.columns if c.name not in skipped]
        tables[table.name] = sorted(repr(tuple(row)) for row in session.execute(select(*columns)))
    return tables


def changed_tables(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def send(client, session, method: str, url: str, data: dict | None = None):
    """One request; then end the test's transaction, as the end of a real request would."""
    response = client.open(url, method=method, data=data)
    session.rollback()
    return response


#: words in an endpoint's name that say it changes something
CHANGING_NAME = re.compile(r"(?:^|_)(add|approve|assign|close|create|delete|edit|import|merge|new|password|publish|"
                           r"reject|remove|reset|retry|reveal|send|submit|transition|update|upload|logout)(?:_|$)")
POST_FORM = re.compile(r'<form[^>]*method="post"', re.I)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["anonymous", "admin", "triager", "research"])
def test_state_changing_requests_without_a_valid_token_are_refused_and_change_nothing(
        app, client, session, login, world, role):
    if role != "anonymous":
        login(world.accounts[role])
    foreign_token = csrf_token(app.test_client())
    rules = [rule for rule in routes(app, STATE_CHANGING) if rule.endpoint not in CSRF_EXEMPT]
    assert rules, "no state-changing routes found"
    for rule in rules:
        values = url_values(rule, world)
        url, data = url_of(rule, values), plausible(rule.endpoint, world, values)
        for method in sorted(rule.methods & STATE_CHANGING):
            for token in (None, foreign_token, ""):
                before = snapshot(session)
                sent = data if token is None else {**data, "csrf_token": token}
                response = send(client, session, method, url, sent)
                assert response.status_code == 400, f"{method} {url} as {role} with token {token!r}"
                assert "页面已过期" in response.get_data(as_text=True), f"{method} {url}: not the CSRF refusal"
                assert changed_tables(before, snapshot(session)) == [], f"{method} {url} as {role} changed data"


@pytest.mark.slow
@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_get_changes_nothing_on_any_route(app, client, session, login, world, role):
    if role != "anonymous":
        login(world.accounts[role])
    for rule in routes(app, frozenset({"GET"})):
        url = url_of(rule, url_values(rule, world))
        before = snapshot(session, besides_login=True)
        response = send(client, session, "GET", url)
        assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
        assert changed_tables(before, snapshot(session, besides_login=True)) == [], f"GET {url} as {role}"


def form_pages(app) -> list[Rule]:
    """GET rules whose path also takes a state-changing request: they show the form that makes the change."""
    changing = {r.rule for r in routes(app, STATE_CHANGING)}
    return [r for r in routes(app, frozenset({"GET"})) if r.rule in changing]


@pytest.mark.slow
def test_routes_taking_get_and_post_show_a_form_with_a_token_on_get(app, client, session, login, world):
    """A path that takes both only shows its form on GET; the change waits for the POST."""
    shown: set[str] = set()
    for role in ROLES:
        login(world.accounts[role])
        for rule in form_pages(app):
            response = send(client, session, "GET", url_of(rule, url_values(rule, world)))
            html = response.get_data(as_text=True)
            if response.status_code == 200:
                assert POST_FORM.search(html) and 'name="csrf_token"' in html, f"{rule.rule} as {role}: no form"
                shown.add(rule.endpoint)
    assert {r.endpoint for r in form_pages(app)} - shown == set(), "these form pages never showed a form to anyone"


def test_routes_named_for_a_change_do_not_answer_get_alone(app):
    forms = {r.endpoint for r in form_pages(app)}
    offenders = [f"{r.rule} ({r.endpoint})" for r in routes(app, frozenset({"GET"}))
                 if CHANGING_NAME.search(r.endpoint.rpartition(".")[2]) and r.endpoint not in forms]
    assert offenders == [], "a GET-only route whose name says it changes something: make it POST"


@pytest.mark.parametrize("referer, status", [(None, 400), ("https://evil.example/feedback", 400),
                                             ("http://localhost/feedback", 400), ("https://localhost/feedback", 303)])
def test_over_https_a_token_counts_only_from_this_origin(client, session, referer, status):
    """Flask-WTF's strict referrer check: over HTTPS the form must come from this very origin."""
    page = client.get("/feedback", base_url="https://localhost").get_data(as_text=True)
    before = snapshot(session)
    response = client.post("/feedback", base_url="https://localhost", headers={"Referer": referer} if referer else {},
                           data={"kind": "suggestion", "content": "来自其他网站的提交。", "consent": "y",
                                 "csrf_token": CSRF_FIELD.search(page)[1]})
    assert response.status_code == status
    assert (changed_tables(before, snapshot(session)) == []) == (status == 400)
