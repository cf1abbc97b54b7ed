"""Stored and reflected XSS: every payload of tests/xss_corpus.py goes through the ledger, a progress report, the
opinion form, the phone and letter forms and staff notes, and into the query string and path of every GET route;
every page that shows it must hold only elements the templates make (the same scenario run with plain Chinese
text first gives the elements allowed), no event handler and no script URL, and where a text is shown whole it
must read as the text that was typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from math import ceil
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import csrf_token
from portal.services.common.text import clean_text
from tests.ledger_files import write_csv
from portal.models import AuditEvent, ProgressReport, User
from portal.services.accounts.users import department_named
from portal.services.common import audit
from portal.services.ledger.campaigns import create_campaign
from tests.security.test_csrf import build_world, routes, url_of, url_values
from tests.xss_corpus import PAYLOADS, as_shown, markup_problems, shown_text, signatures

pytestmark = pytest.mark.slow

#: plain Chinese texts for the run that shows which elements the templates make; some too short for a content
#: field and some longer than a lookup field, as some payloads are
PLAIN = [f"普通的意见内容，第{i}条：请公开整改进度" if i % 3 else f"短意见{i}" for i in range(6)]
#: measure codes that end up in URLs, option values and links (at most 32 characters, as the ledger allows)
HOSTILE_CODES = ['99-"><script>alert(1)<script>', "99-'onmouseover='alert(1)", "99-javascript:alert(1)", "99-{{7*7}}"]
PLAIN_CODES = ["99-1", "99-2", "99-3", "99-4"]
CASE_NUMBER = re.compile(r'class="case-number">([A-Z]+-\d{4}-\d{6,})<')
QUERY_CODE = re.compile(r'class="query-code">([A-Z0-9 ]+)<')
#: query parameters some page reads; each is tried on every GET route
QUERY_PARAMETERS = ("q", "next", "measure", "problem", "campaign", "link_q", "case_number", "action", "actor",
                    "date_from", "state", "channel", "kind", "department", "template", "page")
ECHO = "回显检查标记"


@dataclass
class Page:
    where: str
    html: str
    #: texts that must read on the page exactly as typed
    shown: tuple[str, ...] = ()


@dataclass
class Site:
    """The app with a browser per staff account (and one for the public), each logged in once."""

    app: Flask
    session: Session
    runner: FlaskCliRunner
    tmp_path: Path
    #: role → a staff account of that role
    staff: dict[str, User]
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    #: each client's CSRF token (one per session, valid for all its forms)
    tokens: dict[str, str] = field(default_factory=dict)

    def browser(self, user: User | None = None) -> FlaskClient:
        """A client for user, logged in through the real form; the public's client for None."""
        key = user.email if user else "public"
        if key not in self.clients:
            client = self.clients[key] = self.app.test_client()
            if user is not None:
                self.session.commit()
                response = client.post("/staff/login", data={"email": user.email, "password": "correct horse 1",
                                                              "csrf_token": csrf_token(client)})
                assert response.status_code == 302
            self.tokens[key] = csrf_token(client)
        return self.clients[key]

    def page(self, user: User | None, url: str, where: str, shown: tuple[str, ...] = ()) -> Page:
        response = self.browser(user).get(url)
        self.session.rollback()
        assert response.status_code == 200, f"{where}: GET {url} answered {response.status_code}"
        return Page(where, response.get_data(as_text=True), shown)

    def post(self, user: User | None, url: str, data: dict, follow: bool = False):
        """POST as user (None: the public); follow: to the page a 303 leads to, as a browser does."""
        client = self.browser(user)
        response = client.post(url, data={**data, "csrf_token": self.tokens[user.email if user else "public"]},
                               follow_redirects=follow)
        self.session.rollback()
        return response


@pytest.fixture
def site(app, session, runner, tmp_path, make_user) -> Site:
    app.config.update(FORM_RATE_LIMIT="100000 per minute", LOOKUP_RATE_LIMIT="100000 per minute",
                      LOGIN_RATE_LIMIT="100000 per minute", QUEUE_PAGE_SIZE=10_000)
    staff = {role: make_user(role) for role in ("admin", "clerk", "triager", "research", "supervisor")}
    session.commit()
    return Site(app, session, runner, tmp_path, staff)


def assert_inert(pages: list[Page], plain_pages: list[Page]) -> None:
    """Payload pages hold only elements seen on the plain run's pages, and show whole texts as typed."""
    allowed = set().union(*(signatures(p.html) for p in plain_pages))
    problems = []
    for page in pages:
        problems += [f"{page.where}: {problem}" for problem in markup_problems(page.html, allowed)]
        text = shown_text(page.html)
        problems += [f"{page.where}: does not read {s!r}" for s in page.shown
                     if as_shown(s) not in text and as_shown(clean_text(s)) not in text]  # as typed, or as stored
    assert problems == [], "\n".join(dict.fromkeys(problems))


def fill_past_one_page(site: Site, make_user) -> None:
    """More accounts and audit events than a page holds, so that the plain run's lists show their pager too."""
    for i in range(51):
        make_user("clerk", email=f"filler{i}@example.org")
        audit.record(site.session, None, "user.login_failed", "staff_user", None, actor_label="未知账号", ip="10.0.0.1")
    site.session.commit()


def cycle(texts: list[str], i: int) -> str:
    return texts[i % len(texts)]


def ledger_pages(site: Site, texts: list[str], codes: list[str], slug: str, new_item) -> list[Page]:
    """A campaign, a ledger whose every text cell and a report whose text carry texts; the pages that show them."""
    session, n = site.session, len(texts)
    campaign = create_campaign(session, slug, cycle(texts, 0)[:200], date(2020, 11, 16), unit=cycle(texts, 1),
                               inspecting_body=cycle(texts, 2), contact_address=cycle(texts, 3))
    session.commit()
    rows = [[i + 1, cycle(texts, i + 6), i + 1, cycle(texts, i), "1个月内整改到位", cycle(texts, i + 1),
             cycle(texts, i + 2), cycle(texts, i + 3), f"{i + 1}-1", cycle(texts, i + 4),
             "已完成" if i % 2 else "正在整改", "2021-01-15" if i % 2 else "", cycle(texts, i + 5)] for i in range(n)]
    rows += [[n + 1 + j, cycle(texts, 0), n + 1, cycle(texts, 1), "3个月内整改到位", "", "", "", code,
              cycle(texts, j), "正在整改", "", ""] for j, code in enumerate(codes)]
    ledger = write_csv(site.tmp_path / f"{slug}.csv", rows)
    result = site.runner.invoke(args=["ledger", "import", str(ledger), "--campaign", slug])
    assert result.exit_code == 0, result.output
    report = site.tmp_path / f"{slug}.txt"
    report.write_text("截至2021年3月31日，共5个方面54个问题。\n\n" + "\n\n".join(texts), encoding="utf-8")
    result = site.runner.invoke(args=["report", "import", str(report), "--campaign", slug, "--as-of", "2021-03-31",
                                      "--title", cycle(texts, 0)])
    assert result.exit_code == 0, result.output
    session.rollback()
    item, _ = new_item(campaign_id=campaign.id, targets=["1-1", codes[0]])
    session.commit()

    bind = site.app.url_map.bind("localhost")
    base = f"/campaigns/{slug}"
    pages = [site.page(None, "/", "home"), site.page(None, f"{base}/", "campaign home", (cycle(texts, 0),)),
             site.page(None, f"{base}/reports/", "reports")]
    pages += [site.page(None, f"{base}/categories/{k}", f"category {k}") for k in range(1, n + 1)]
    pages += [site.page(None, f"{base}/problems/{i + 1}", f"problem {i + 1}", (cycle(texts, i),)) for i in range(n)]
    pages += [site.page(None, bind.build("public.measure", {"slug": slug, "code": f"{i + 1}-1"}), f"measure {i + 1}",
                        (cycle(texts, i + 4), cycle(texts, i + 5))) for i in range(n)]
    pages += [site.page(None, bind.build("public.measure", {"slug": slug, "code": code}), f"measure {code}")
              for code in codes]
    pages += [site.page(None, f"{base}/reports/{report_id}", "report") for report_id in
              site.session.scalars(select(ProgressReport.id).where(ProgressReport.campaign_id == campaign.id))]
    pages += [site.page(None, "/feedback?" + urlencode({"campaign": slug, "measure": code}), f"form for {code}")
              for code in codes]
    # the public search shows the same texts cut and marked, and the query typed (整改进度 finds the plain texts, so
    # that the plain run shows which elements a page of results holds)
    pages += [site.page(None, "/search?" + urlencode({"campaign": slug, "q": query}), f"search {query}")
              for query in ("整改进度", "alert", "script", "onerror", "javascript", "反映问题",
                            "<img src=x onerror=alert(1)>", '"><script>alert(document.cookie)</script>')]
    staff = site.staff
    pages += [site.page(staff["triager"], "/staff/queue", "queue"),
              site.page(staff["triager"], f"/staff/items/{item.case_number}", "item with links"),
              site.page(staff["clerk"], "/staff/log/phone", "phone form picker")]
    for kind in ("measures", "problems", "figures"):
        response = site.browser().get(f"/api/v1/campaigns/{slug}/{kind}")
        assert response.mimetype == "application/json", f"/api/v1/…/{kind} is {response.mimetype}"
    return pages


def opinion_pages(site: Site, texts: list[str], slug: str) -> list[Page]:
    """Opinions typed with texts in every field (stored, and refused and shown again), staff notes and refusal
    reasons about them, and the pages that show all of it: confirmation, lookup, queue, item, audit log."""
    pages, cases = [], []
    triager, supervisor = site.staff["triager"], site.staff["supervisor"]
    for i in range(len(texts)):
        subject, content, name = cycle(texts, i), cycle(texts, i + 1) + "（意见内容）", cycle(texts, i + 2)
        done = site.post(None, "/feedback", {"campaign": slug, "kind": "suggestion", "subject": subject,
                                             "content": content, "name": name, "email": "zhang@example.org",
                                             "phone": "13812341762", "wants_reply": "y", "consent": "y",
                                             "consent_publish": "y"}, follow=True)
        html = done.get_data(as_text=True)
        assert done.status_code == 200, html[:300]
        if i == 0:
            pages.append(Page("confirmation", html))
        cases.append((CASE_NUMBER.search(html)[1], QUERY_CODE.search(html)[1], subject, content, name))
        typed = {"subject": subject, "content": cycle(texts, i + 1), "name": name, "email": cycle(texts, i + 3),
                 "phone": cycle(texts, i + 4)}
        refused = site.post(None, "/feedback", {"campaign": slug, "kind": "suggestion", **typed,
                                                "target": cycle(texts, i + 5)})
        assert refused.status_code == 422
        pages.append(Page("refused form", refused.get_data(as_text=True), tuple(typed.values())))
    for i, (case_number, code, subject, content, name) in enumerate(cases):
        item_url = f"/staff/items/{case_number}"
        note, reason = cycle(texts, i + 3), cycle(texts, i + 4)
        assert site.post(triager, f"{item_url}/notes", {"text": note}).status_code == 302
        rejected = site.post(triager, f"{item_url}/transitions/reject", {"reason": reason, "confirm": "1"})
        assert rejected.status_code == 302
        looked = site.post(None, "/lookup", {"case_number": case_number, "code": code}, follow=True)
        assert looked.status_code == 200
        pages.append(Page("lookup", looked.get_data(as_text=True), (reason,)))
        pages.append(site.page(triager, item_url, "item", (subject, content, note, reason)))
        revealed = site.post(triager, f"{item_url}/reveal", {})
        pages.append(Page("item, contact revealed", revealed.get_data(as_text=True), (name,)))
    pages.append(site.page(triager, "/staff/queue", "queue"))
    events = site.session.scalar(select(func.count()).select_from(AuditEvent))
    pages += [site.page(supervisor, f"/staff/audit?page={p}", f"audit page {p}")
              for p in range(1, ceil(events / 50) + 1)]
    return pages


def clerk_pages(site: Site, texts: list[str], run: str) -> list[Page]:
    """Calls and letters logged with texts in every field (stored, and refused and shown again), accounts named with
    texts, and the pages that show them: confirmation, item, queue, users."""
    pages, logged = [], []
    clerk, triager, admin = site.staff["clerk"], site.staff["triager"], site.staff["admin"]
    for i in range(len(texts)):
        call = {"kind": "inquiry", "caller_name": cycle(texts, i), "caller_phone": "0931-8821762",
                "subject": cycle(texts, i + 1), "content": cycle(texts, i + 2) + "（来电内容）",
                "call_at": "2021-03-31T10:05", "phone_line": "12351"}
        letter = {"kind": "report", "sender_name": cycle(texts, i + 3), "address": cycle(texts, i + 4),
                  "subject": cycle(texts, i + 5), "content": cycle(texts, i + 6) + "（来信内容）",
                  "received_on": "2021-04-02"}
        for url, data, shown in (("/staff/log/phone", call, (call["subject"], call["content"])),
                                 ("/staff/log/letter", letter, (letter["subject"], letter["content"]))):
            response = site.post(clerk, url, data, follow=True)
            done = response.get_data(as_text=True)
            assert response.status_code == 200 and CASE_NUMBER.search(done), done[:300]
            if i == 0:
                pages.append(Page("logged " + url, done, ()))
            logged.append((CASE_NUMBER.search(done)[1], shown))
            refused = site.post(clerk, url, {**data, "target_codes": cycle(texts, i + 7),
                                             "email": cycle(texts, i + 8)})
            assert refused.status_code == 422
            pages.append(Page("refused " + url, refused.get_data(as_text=True), tuple(data.values())))
        # departments come from the managed list (and, with texts like these, from data older than its name rules)
        department = department_named(site.session, cycle(texts, i + 1)[:100])
        site.session.commit()
        created = site.post(admin, "/staff/users/new", {
            "email": f"{run}{i}@example.org", "name": cycle(texts, i), "role": "handler",
            "department": str(department.id), "method": "link"})
        assert created.status_code == 302, created.get_data(as_text=True)[:300]
    pages += [site.page(triager, f"/staff/items/{case}", "logged item", shown) for case, shown in logged]
    pages.append(site.page(triager, "/staff/queue", "queue"))
    accounts = site.session.scalar(select(func.count()).select_from(User))
    pages += [site.page(admin, f"/staff/users?page={p}", f"users page {p}") for p in range(1, ceil(accounts / 50) + 1)]
    return pages


def test_ledger_and_report_texts_are_inert_on_every_page(site, new_item):
    plain = ledger_pages(site, PLAIN, PLAIN_CODES, "plain", new_item)
    hostile = ledger_pages(site, list(PAYLOADS.values()), HOSTILE_CODES, "xss", new_item)
    assert_inert(hostile, plain)


def test_opinion_form_texts_are_inert_on_every_page(site, make_user, small_campaign):
    fill_past_one_page(site, make_user)
    plain = opinion_pages(site, PLAIN, small_campaign.slug)
    hostile = opinion_pages(site, list(PAYLOADS.values()), small_campaign.slug)
    assert_inert(hostile, plain)


def test_phone_letter_and_account_texts_are_inert_on_every_page(site, make_user, small_campaign):
    fill_past_one_page(site, make_user)
    plain = clerk_pages(site, PLAIN, "plain")
    hostile = clerk_pages(site, list(PAYLOADS.values()), "hostile")
    assert_inert(hostile, plain)


def path_variants(rule, values: dict) -> list[tuple[str, dict]]:
    """(the path value replaced, or "", URL values) to try a GET route with: the real ones, then each text replaced."""
    texts = [name for name in sorted(rule.arguments) if isinstance(values[name], str) and name != "filename"]
    return [(name, {**values, **({name: ECHO} if name else {})}) for name in ["", *texts]]


def fetch(site: Site, user: User | None, rule, values: dict, text: str):
    """GET rule with values in its path and text in every query parameter (next as a path on this site)."""
    query = {name: ("/" + text if name == "next" else text) for name in QUERY_PARAMETERS}
    response = site.browser(user).get(url_of(rule, values) + "?" + urlencode(query))
    response.get_data()  # a streamed body (the open-data CSV) is read whole and its generator closed
    site.session.rollback()
    return response


def assert_local_redirect(response, where: str) -> None:
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        assert parts.scheme in ("", "http", "https") and parts.netloc in ("", "localhost"), f"{where} → {location}"


def login_and_lookup_pages(site: Site) -> tuple[list[Page], list[Page]]:
    """The public's two forms that show again what was typed: plain pages, then pages with every payload typed."""
    plain = [Page("login", site.post(None, "/staff/login?next=/x", {"email": ECHO, "password": ECHO}).get_data(
        as_text=True))]
    plain += [Page("lookup", site.post(None, "/lookup", {"case_number": typed, "code": typed}).get_data(as_text=True))
              for typed in (ECHO, ECHO * 10)]
    hostile = []
    for name, payload in PAYLOADS.items():
        login_page = site.post(None, "/staff/login?" + urlencode({"next": "/" + payload}),
                               {"email": payload, "password": payload})
        hostile.append(Page(f"login ({name})", login_page.get_data(as_text=True), (payload,)))
        looked = site.post(None, "/lookup", {"case_number": payload, "code": payload})
        hostile.append(Page(f"lookup ({name})", looked.get_data(as_text=True)))
    return plain, hostile


@pytest.mark.parametrize("role", [None, "triager", "research", "admin", "supervisor"])
def test_reflected_query_and_path_values_are_inert(site, new_item, make_user, small_campaign, role):
    """Public routes (and the login page) as the public, staff routes as each role that sees different pages: a
    route that echoes a plain marker anywhere, or in its redirect, is tried with every payload."""
    world = build_world(site.session, new_item, make_user, small_campaign)
    user = site.staff[role] if role else None
    plain, hostile = [], []
    for rule in routes(site.app, frozenset({"GET"})):
        if (role is None) == rule.rule.startswith("/staff/") and rule.endpoint != "staff.login":
            continue
        for replaced, values in path_variants(rule, url_values(rule, world)):
            echoed = False
            for marker in (ECHO, ECHO * 10):
                response = fetch(site, user, rule, values, marker)
                body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
                plain.append(Page(rule.endpoint, body))
                echoed = echoed or ECHO in body + response.headers.get("Location", "")
            if not echoed:
                continue
            for name, payload in PAYLOADS.items():
                where = f"{rule.endpoint} ({replaced or 'query'}: {name})"
                response = fetch(site, user, rule, {**values, **({replaced: payload} if replaced else {})}, payload)
                assert response.status_code < 500, f"{where}: {response.status_code}"
                assert_local_redirect(response, where)
                assert response.mimetype == "text/html", f"{where} echoed into {response.mimetype}"
                hostile.append(Page(where, response.get_data(as_text=True)))
    if role is None:
        form_plain, form_hostile = login_and_lookup_pages(site)
        plain, hostile = plain + form_plain, hostile + form_hostile
    else:  # a plain Chinese word, so that the plain run also shows the elements of found link targets
        item_rule = next(rule for rule in routes(site.app, frozenset({"GET"})) if rule.endpoint == "staff.item")
        plain.append(Page("staff.item", fetch(site, user, item_rule, url_values(item_rule, world), "措施")
                          .get_data(as_text=True)))
    assert hostile, "no page echoes what it is sent: the test no longer reaches the pages it means to"
    assert_inert(hostile, plain)
