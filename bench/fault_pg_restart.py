"""PostgreSQL stopped and started again in the middle of a web-form intake load (gunicorn, real HTTP).

Clients submit the opinion form as bench/intake.py does for --seconds; at a third of the run the private cluster is
stopped (pg_ctl -m fast: open sessions are cut, in-flight transactions roll back), left down --down seconds and
started again; the portal is not restarted. Checks: every submission that showed a case number is in the database
exactly once, there is no item without such a response, and the portal answers with successes again (the recovery
time is the first success of a request sent after the stop, counted from the moment the server is back).
Run: bench/fault_pg_restart [--seconds N] [--clients N] [--workers N] [--down S]
(needs a cluster it may stop: BENCH_PG_CTL and BENCH_PG_DATA, which the wrapper sets for its private cluster)
"""
from __future__ import annotations

import argparse
import http.client
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import SECRET, bench_app, prepared_database  # noqa: E402
from intake import CASE, Client  # noqa: E402
from machine import describe, percentiles  # noqa: E402
from wrk import gunicorn  # noqa: E402

from portal import db  # noqa: E402
from portal.models import FeedbackItem  # noqa: E402


class TimedClient(Client):
    """bench/intake.py's client, remembering when each POST was sent and answered, and how."""

    def __init__(self, *args):
        super().__init__(*args)
        #: (sent, answered, status, success) per POST; status 0 when the connection failed
        self.posts: list[tuple[float, float, int, bool]] = []

    def request(self, method: str, path: str, body: str | None = None, cookie: str = ""):
        sent = time.monotonic()
        try:
            status, page, cookie, location = super().request(method, path, body, cookie)
        except (OSError, http.client.HTTPException) as exc:
            if method == "POST":
                self.posts.append((sent, time.monotonic(), 0, False))
            raise OSError(str(exc)) from exc
        if method == "POST":
            self.posts.append((sent, time.monotonic(), status, bool(status == 303 and CASE.search(location))))
        return status, page, cookie, location


def pg_ctl(*args: str) -> None:
    """Run the cluster's pg_ctl as its owner (postgres when we are root)."""
    command = [os.environ["BENCH_PG_CTL"], "-D", os.environ["BENCH_PG_DATA"], *args]
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def bounce(down: float, times: dict) -> None:
    """Stop the cluster (fast), wait down seconds, start it with the options it ran with (postmaster.opts)."""
    data = Path(os.environ["BENCH_PG_DATA"])
    options = shlex.split((data / "postmaster.opts").read_text())[1:]
    times["stop"] = time.monotonic()
    pg_ctl("-m", "fast", "-w", "stop")
    times["stopped"] = time.monotonic()
    time.sleep(down)
    times["start"] = time.monotonic()
    pg_ctl("-l", str(data.parent / "server.log"), "-o", shlex.join(options), "-w", "start")
    times["up"] = time.monotonic()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--down", type=float, default=3.0, help="seconds PostgreSQL stays down")
    args = parser.parse_args()
    url = prepared_database("portal_bench_pg_restart")
    with tempfile.TemporaryDirectory() as instance:
        bench_app(url, instance)
        engine = db.make_engine(url)
        with engine.connect() as conn:
            existing = set(conn.scalars(select(FeedbackItem.case_number)))
        engine.dispose()
        env = {"PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": SECRET, "PORTAL_FORM_RATE_LIMIT": "1000000 per minute"}
        machine = describe(url)
        times: dict[str, float] = {}
        with gunicorn("wsgi:app", env, workers=args.workers) as base:
            port = int(base.rsplit(":", 1)[1])
            started = time.monotonic()
            deadline = started + args.seconds
            clients = [TimedClient(port, deadline, seed) for seed in range(args.clients)]
            for client in clients:
                client.start()
            time.sleep(args.seconds / 3)
            restart = threading.Thread(target=bounce, args=(args.down, times))
            restart.start()
            for client in clients:
                client.join()
            restart.join()
        cases = [case for client in clients for case in client.cases]
        engine = db.make_engine(url)
        with engine.connect() as conn:
            stored = [case for case in conn.scalars(select(FeedbackItem.case_number)) if case not in existing]
            total = conn.scalar(select(func.count(FeedbackItem.id)))
        engine.dispose()
    posts = [p for c in clients for p in c.posts]
    before = [p for p in posts if p[1] < times["stop"]]
    outage = [p for p in posts if times["stop"] <= p[1] and p[0] < times["up"]]
    after = [p for p in posts if p[0] >= times["up"]]
    recovered = min((p[1] for p in posts if p[3] and p[0] >= times["stop"]), default=None)
    print(f"\n{machine}\ngunicorn {args.workers} sync workers; {args.clients} clients for {args.seconds} s; "
          f"PostgreSQL stopped (fast) at {times['stop'] - started:.1f} s, down {args.down:g} s, "
          f"accepting again at {times['up'] - started:.1f} s\n")
    print("| phase | submissions | successes | failed | success p50 / p95 / p99 ms |\n|---|---|---|---|---|")
    for label, group in (("before the stop", before), ("stop → back up", outage), ("after it is back", after)):
        p50, p95, p99 = percentiles([(p[1] - p[0]) * 1000 for p in group if p[3]])
        statuses = sorted({p[2] for p in group if not p[3]})
        print(f"| {label} | {len(group)} | {sum(p[3] for p in group)} | {sum(not p[3] for p in group)}"
              f"{' (status ' + ', '.join(map(str, statuses)) + ')' if statuses else ''} "
              f"| {p50:.0f} / {p95:.0f} / {p99:.0f} |")
    last = [p for p in posts if p[0] >= deadline - 5]
    print(f"\nrecovery: first success {recovered - times['up']:.2f} s after PostgreSQL was back "
          f"({recovered - times['stop']:.2f} s after the stop)"
          if recovered else "\nrecovery: NO success after the stop")
    print(f"last 5 s: {sum(p[3] for p in last)} successes, {sum(not p[3] for p in last)} failures")
    missing, doubled = set(cases) - set(stored), len(stored) - len(set(stored)) + len(cases) - len(set(cases))
    orphans = set(stored) - set(cases)
    print(f"in the database: {total} items ({len(existing)} from the demo); successes {len(cases)}, missing "
          f"{len(missing)}, doubled {doubled}, items without a success response {len(orphans)}")
    if missing or doubled or orphans or not recovered or not any(p[3] for p in last):
        sys.exit("PostgreSQL restart: lost, doubled or unanswered submissions, or no recovery")


if __name__ == "__main__":
    main()
