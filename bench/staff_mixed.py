"""Mixed staff workload under gunicorn + PostgreSQL: triagers and handlers working the queue over real HTTP.

Each client logs in through /staff/login (CSRF and all) and then, until the deadline, picks at random: the first
queue page, a filtered queue page, an item page, or a POST — accept (受理), assign (交办) to a department, add a note.
Triagers act on items of their own share of the queue, so no action is refused for a colleague's; a handler works
items already assigned to its department. Any answer other than 200 (GET) or 302 (POST) is an error.
Afterwards the database must hold exactly the accepts, assigns and notes that got a 302: none lost, none doubled.
Run: bench/staff_mixed [--seconds N] [--items N] [--triagers N] [--handlers N] [--workers N]
"""
from __future__ import annotations

import argparse
import http.client
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import SECRET, bench_app, prepared_database  # noqa: E402
from machine import describe, percentiles  # noqa: E402
from wrk import gunicorn  # noqa: E402

from portal import db  # noqa: E402
from portal.models import AuditEvent, Department, FeedbackItem, Note  # noqa: E402
from portal.services.accounts.users import create_user  # noqa: E402
from portal.services.common.clocks import ClockSettings  # noqa: E402
from portal.services.feedback import workflow  # noqa: E402
from portal.services.feedback.intake import Contact, IntakeSettings, NewItem, create_item  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
PASSWORD = "bench password 1"
WORDS = ("劳模", "补助", "职工", "工会", "经费", "培训", "帮扶", "台账")
HANDLER_DEPARTMENTS = ("办公室", "组织部")
#: kind → weight, for each role
TRIAGER_MIX = {"queue": 25, "queue_filtered": 15, "item": 30, "accept": 10, "assign": 10, "note": 10}
HANDLER_MIX = {"queue": 40, "queue_filtered": 10, "item": 35, "note": 15}


class StaffClient(threading.Thread):
    """One member of staff in a browser: a cookie jar, the CSRF token, and the items it works on."""

    def __init__(self, port: int, email: str, mix: dict[str, int], received: list[str], assigned: list[str],
                 departments: list[int], deadline: float, seed: int):
        super().__init__(daemon=True)
        self.port, self.email, self.deadline, self.rng = port, email, deadline, random.Random(seed)
        self.kinds, self.weights = list(mix), list(mix.values())
        self.received, self.accepted, self.assigned, self.departments = received, [], assigned, departments
        self.cookies: dict[str, str] = {}
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.done: dict[str, int] = defaultdict(int)
        self.token = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = urllib.parse.urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            page = response.read().decode()
            for header in response.msg.get_all("Set-Cookie") or []:
                name, _, value = header.split(";")[0].partition("=")
                self.cookies[name.strip()] = value
            return response.status, page
        finally:
            conn.close()

    def login(self) -> None:
        _, page = self.request("GET", "/staff/login")
        status, _ = self.request("POST", "/staff/login", {"csrf_token": TOKEN.search(page).group(1),
                                                          "email": self.email, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"login of {self.email} answered {status}")
        _, page = self.request("GET", "/staff/queue")
        self.token = TOKEN.search(page).group(1)

    def step(self, kind: str) -> tuple[str, str, dict | None] | None:
        """The request for kind (method, path, form), or None when there is nothing to do it on."""
        if kind == "queue":
            return "GET", "/staff/queue", None
        if kind == "queue_filtered":
            state = self.rng.choice(["received", "accepted", "handling"])
            query = urllib.parse.urlencode({"state": state, "q": self.rng.choice(WORDS)})
            return "GET", f"/staff/queue?{query}", None
        pool = {"item": self.received + self.accepted + self.assigned, "note": self.accepted + self.assigned,
                "accept": self.received, "assign": self.accepted}[kind]
        if not pool:
            return None
        case = self.rng.choice(pool)
        if kind == "item":
            return "GET", f"/staff/items/{case}", None
        if kind == "note":
            return "POST", f"/staff/items/{case}/notes", {"csrf_token": self.token, "text": "已电话联系，" + case}
        if kind == "accept":
            self.received.remove(case)
            self.accepted.append(case)
            return "POST", f"/staff/items/{case}/transitions/accept", {"csrf_token": self.token}
        self.accepted.remove(case)
        self.assigned.append(case)
        return "POST", f"/staff/items/{case}/transitions/assign", {"csrf_token": self.token,
                                                                    "department": self.rng.choice(self.departments)}

    def run(self) -> None:
        self.login()
        while time.monotonic() < self.deadline:
            kind = self.rng.choices(self.kinds, self.weights)[0]
            planned = self.step(kind)
            if planned is None:
                continue
            method, path, form = planned
            start = time.perf_counter()
            try:
                status, _ = self.request(method, path, form)
            except (OSError, http.client.HTTPException):
                status = 0
            self.latencies[kind].append((time.perf_counter() - start) * 1000)
            if status == (302 if method == "POST" else 200):
                self.done[kind] += 1
            else:
                self.errors[kind] += 1


def populate(app, items: int, triagers: int, handlers: int) -> dict:
    """Staff accounts and items made by the services; a third of the items accepted and assigned beforehand."""
    rng = random.Random(7)
    clocks = ClockSettings.from_config(app.config)
    with app.app_context():
        session = db.session()
        setup = create_user(session, "setup@bench.test", "准备", "triager", PASSWORD)
        staff = {"triagers": [create_user(session, f"triager{i}@bench.test", f"分办{i}", "triager", PASSWORD).email
                              for i in range(triagers)],
                 "handlers": [create_user(session, f"handler{i}@bench.test", f"承办{i}", "handler", PASSWORD,
                                          department=HANDLER_DEPARTMENTS[i % 2]).email for i in range(handlers)]}
        departments = {d.name: d.id for d in session.scalars(select(Department))}
        campaign_id = session.scalar(select(FeedbackItem.campaign_id).limit(1))
        settings = IntakeSettings.from_config(app.config)
        received, assigned = [], defaultdict(list)
        for i in range(items):
            content = "，".join(rng.choice(WORDS) + "问题需要落实" for _ in range(rng.randrange(3, 12))) + "。"
            item, _ = create_item(session, NewItem(channel=rng.choice(["web", "phone", "letter", "email"]),
                                                   kind=rng.choice(["suggestion", "inquiry", "report"]),
                                                   content=content,
                                                   contact=Contact(email=f"c{i}@example.org"), campaign_id=campaign_id,
                                                   targets=[rng.choice(["35-4", "3-3", "20"])]), settings)
            if i % 3 == 0:
                name = HANDLER_DEPARTMENTS[i % 2]
                workflow.apply(session, item, "accept", setup, clocks)
                workflow.apply(session, item, "assign", setup, clocks, department=departments[name])
                assigned[name].append(item.case_number)
            else:
                received.append(item.case_number)
            if i % 500 == 499:
                session.commit()
        session.commit()
    return {**staff, "received": received, "assigned": assigned, "departments": list(departments.values())}


def check(url: str, clients: list[StaffClient]) -> list[str]:
    """What the database says against the 302s the clients got: accepts, assigns and notes each exactly once."""
    emails = {c.email for c in clients}
    totals = {kind: sum(c.done[kind] for c in clients) for kind in ("accept", "assign", "note")}
    engine = db.make_engine(url)
    problems = []
    with engine.connect() as conn:
        from portal.models import User
        ids = list(conn.scalars(select(User.id).where(User.email.in_(emails))))
        for kind in ("accept", "assign"):
            stored = conn.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == f"item.{kind}",
                                                                          AuditEvent.actor_id.in_(ids)))
            if stored != totals[kind]:
                problems.append(f"{kind}: {totals[kind]} answered 302, {stored} in the audit log")
        notes = conn.scalar(select(func.count(Note.id)).where(Note.author_id.in_(ids)))
        if notes != totals["note"]:
            problems.append(f"note: {totals['note']} answered 302, {notes} notes stored")
        accepted = [case for c in clients for case in c.accepted]
        if accepted:
            states = conn.execute(select(FeedbackItem.state, func.count()).where(FeedbackItem.case_number.in_(accepted))
                                  .group_by(FeedbackItem.state)).all()
            if any(state != "accepted" for state, _ in states):
                problems.append(f"items accepted (not yet assigned) by the bench are in states {dict(states)}")
    engine.dispose()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--triagers", type=int, default=6)
    parser.add_argument("--handlers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    url = prepared_database("portal_bench_staff_mixed")
    with tempfile.TemporaryDirectory() as instance:
        print(f"==> creating {args.items:,} items through intake.create_item", flush=True)
        started = time.monotonic()
        world = populate(bench_app(url, instance), args.items, args.triagers, args.handlers)
        print(f"    done in {time.monotonic() - started:.0f} s", flush=True)
        env = {"PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": SECRET, "PORTAL_LOGIN_RATE_LIMIT": "100000 per minute"}
        machine = describe(url)
        with gunicorn("wsgi:app", env, workers=args.workers) as base:
            port = int(base.rsplit(":", 1)[1])
            deadline = time.monotonic() + args.seconds
            clients = [StaffClient(port, email, TRIAGER_MIX, world["received"][i::args.triagers], [],
                                   world["departments"], deadline, i) for i, email in enumerate(world["triagers"])]
            clients += [StaffClient(port, email, HANDLER_MIX, [], list(world["assigned"][HANDLER_DEPARTMENTS[i % 2]]),
                                    world["departments"], deadline, 100 + i)
                        for i, email in enumerate(world["handlers"])]
            started = time.monotonic()
            for client in clients:
                client.start()
            for client in clients:
                client.join()
            elapsed = time.monotonic() - started
    print(f"\n{machine}\ngunicorn {args.workers} sync workers; {args.triagers} triagers + {args.handlers} handlers "
          f"for {args.seconds} s; {args.items:,} items\n")
    print("| request | count | req/s | p50 ms | p95 ms | p99 ms | errors |\n|---|---|---|---|---|---|---|")
    all_ms, all_errors = [], 0
    for kind in ("queue", "queue_filtered", "item", "accept", "assign", "note"):
        ms = [x for c in clients for x in c.latencies[kind]]
        errors = sum(c.errors[kind] for c in clients)
        all_ms += ms
        all_errors += errors
        p50, p95, p99 = percentiles(ms)
        print(f"| {kind} | {len(ms)} | {len(ms) / elapsed:.1f} | {p50:.0f} | {p95:.0f} | {p99:.0f} | {errors} |")
    p50, p95, p99 = percentiles(all_ms)
    print(f"| all | {len(all_ms)} | {len(all_ms) / elapsed:.1f} | {p50:.0f} | {p95:.0f} | {p99:.0f} | {all_errors} |")
    problems = check(url, clients)
    print("\ncorrectness: " + ("; ".join(problems) if problems else
                               "every accept, assign and note that answered 302 is stored exactly once"))
    if problems or all_errors:
        sys.exit("staff workload: errors or lost/doubled actions")


if __name__ == "__main__":
    main()
