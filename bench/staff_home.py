"""工作台 (/staff/) of every role and the queue page with its navigation counts, over N items on PostgreSQL.

The staff pages must not get noticeably slower with the counts in the navigation: each page's SQL statements are
counted and timed. Requests go through the whole app with Flask's test client in this process (server time, no
network). Run: bench/staff_home [--items N] [--requests N]   (PostgreSQL from BENCH_DATABASE_URL, else a private one)
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from staff_queue import fill  # noqa: E402
from wrk import fresh_database  # noqa: E402

from portal import create_app, db  # noqa: E402
from portal.models import Base  # noqa: E402
from portal.services.accounts.users import create_user  # noqa: E402
from portal.services.ops.demo import load_demo  # noqa: E402

PASSWORD = "bench password 1"
ROLES = (("triager", None), ("handler", "办公室"), ("research", None), ("clerk", None), ("supervisor", None),
         ("admin", None))


def login(app, email: str):
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    response = client.post("/staff/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


def measure(client, engine, url: str, requests: int) -> tuple[float, float, int]:
    """(p50 ms, p95 ms, SQL statements per request) over requests GETs, after two warm-up requests."""
    for _ in range(2):
        client.get(url)
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        start = time.perf_counter()
        response = client.get(url)
        first = (time.perf_counter() - start) * 1000
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200, response.status_code
    times = [first]
    for _ in range(requests - 1):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[-1], len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--paths", nargs="+", default=["/staff/", "/staff/queue"],
                        help="pages to time (only /staff/queue for a checkout from before the home pages)")
    args = parser.parse_args()
    url = fresh_database(os.environ["BENCH_DATABASE_URL"], "portal_bench_home")
    engine = db.make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOGIN_RATE_LIMIT": "1000 per minute"},
                         instance_path=instance)
        with app.app_context():
            session = db.session()
            load_demo(session)
            for role, department in ROLES:
                create_user(session, f"{role}@bench.test", role, role, PASSWORD, department=department)
            session.commit()
            print(f"==> inserting {args.items:,} items", flush=True)
            fill(session, args.items)
            bind = session.get_bind()
        print(f"\n{datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, PostgreSQL, {args.items:,} items, {args.requests} requests each, "
              f"load average {os.getloadavg()[0]:.2f}\n")
        print("| role | page | p50 ms | p95 ms | SQL statements |\n|---|---|---|---|---|")
        for role, _department in ROLES:
            client = login(app, f"{role}@bench.test")
            for path in args.paths:
                p50, p95, count = measure(client, bind, path, args.requests)
                print(f"| {role} | {path} | {p50:.1f} | {p95:.1f} | {count} |", flush=True)
        if "/staff/" in args.paths:
            nav_counts_alone(app, args.requests)


def nav_counts_alone(app, requests: int) -> None:
    """The one query behind the navigation counts, timed on its own for each role."""
    from portal.models import User
    from portal.services.common.clocks import ClockSettings
    from portal.services.feedback import workspace
    clocks = ClockSettings.from_config(app.config)
    print("\n| role | navigation counts | query p50 ms | p95 ms |\n|---|---|---|---|")
    with app.app_context():
        session = db.session()
        for role, _department in ROLES:
            user = session.scalar(select(User).where(User.email == f"{role}@bench.test"))
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                counts = workspace.nav_counts(session, user, clocks)
                times.append((time.perf_counter() - start) * 1000)
            shown = ", ".join(f"{key} {value}" for key, value in counts.items())
            print(f"| {role} | {shown} | {statistics.median(times):.1f} | "
                  f"{statistics.quantiles(times, n=20)[-1]:.1f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
