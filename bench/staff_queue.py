"""The staff queue with 100,000 items on PostgreSQL: first page and a filtered page (state + department + text).

Target (issue 3): p95 < 150 ms for each. Requests go through the whole app (routing, login session, queries,
template) with Flask's test client in this process, so the figure is server time without the network.
Run: bench/staff_queue [--items N] [--requests N]   (PostgreSQL from BENCH_DATABASE_URL, else a private cluster)
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wrk import fresh_database  # noqa: E402

from portal import create_app, db  # noqa: E402
from portal.models import Base, Department, FeedbackItem  # noqa: E402
from portal.models.feedback import CHANNELS, KINDS, STATES  # noqa: E402
from portal.services.ops.demo import load_demo  # noqa: E402
from portal.services.accounts.users import create_user  # noqa: E402

WORDS = ("整改", "劳模", "补助", "职工", "工会", "规划", "落实", "制度", "困难", "帮扶", "资金", "技能", "竞赛", "培训",
         "监督", "会议", "台账", "办法", "标准", "基层", "服务", "热线", "维权", "经费", "审计", "选人用人")


def fill(session, count: int) -> None:
    """count items spread over every state, channel, kind and department, with realistic Chinese text."""
    rng = random.Random(42)
    departments = [d.id for d in session.scalars(select(Department))]
    now = datetime.now(UTC)
    batch, started = [], time.monotonic()
    for i in range(1, count + 1):
        received = now - timedelta(minutes=rng.randrange(0, 400 * 24 * 60))
        state = rng.choice(STATES)
        due = (received + timedelta(days=15 if state == "received" else 60)).date() if state in (
            "received", "accepted", "handling", "review") else None
        content = "".join(rng.choice(WORDS) + rng.choice("，的了和在对") for _ in range(rng.randrange(20, 120)))
        batch.append(dict(case_number=f"GH-{received.year}-{i:06d}", query_code_hash="0" * 64, channel=rng.choice(CHANNELS),
                          kind=rng.choice(KINDS), subject=None, content=content, state=state, received_at=received,
                          accept_due=(received + timedelta(days=15)).date(), due_date=due,
                          department_id=rng.choice(departments) if state not in ("received", "spam") else None,
                          wants_reply=False, consent_publish=False, needs_attention=False))
        if len(batch) == 5000:
            session.execute(insert(FeedbackItem), batch)
            batch.clear()
            print(f"  {i:,} items ({time.monotonic() - started:.0f} s)", flush=True)
    if batch:
        session.execute(insert(FeedbackItem), batch)
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()


def measure(client, url: str, requests: int) -> tuple[float, float, int]:
    """(p50 ms, p95 ms, rows on the page) over requests GETs, after two warm-up requests."""
    for _ in range(2):
        client.get(url)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    rows = len(re.findall(r'name="item_ids"', response.get_data(as_text=True)))
    return statistics.median(times), statistics.quantiles(times, n=20)[-1], rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    url = fresh_database(os.environ["BENCH_DATABASE_URL"], "portal_bench_queue")
    engine = db.make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOGIN_RATE_LIMIT": "1000 per minute"},
                         instance_path=instance)
        with app.app_context():
            session = db.session()
            load_demo(session)
            user = create_user(session, "triager@bench.test", "分办", "triager", "bench password 1")
            session.commit()
            print(f"==> inserting {args.items:,} items", flush=True)
            fill(session, args.items)
            department = session.scalar(select(Department).where(Department.name == "办公室"))
        client = app.test_client()
        page = client.get("/staff/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        assert client.post("/staff/login", data={"email": user.email, "password": "bench password 1",
                                                 "csrf_token": token}).status_code == 302
        cases = {"first queue page": "/staff/queue",
                 "state + department + text 整改": f"/staff/queue?state=handling&department={department.id}&q=整改"}
        print(f"\n{datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, PostgreSQL, {args.items:,} items, {args.requests} requests each\n")
        print("| page | p50 ms | p95 ms | rows shown |\n|---|---|---|---|")
        for label, path in cases.items():
            p50, p95, rows = measure(client, path, args.requests)
            print(f"| {label} | {p50:.1f} | {p95:.1f} | {rows} |")
        print("\ntarget: p95 < 150 ms for each")


if __name__ == "__main__":
    sys.exit(main())
