"""Web-form intake under gunicorn + PostgreSQL: accepted submissions per second, and nothing lost or doubled.

Target (issue 3): ≥ 100 accepted submissions/s. After the run every response that showed a case number has its
item in the database, and there is no other item.
Run: bench/intake [--seconds N] [--clients N] [--workers N]   (PostgreSQL from BENCH_DATABASE_URL, else private)
"""
from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wrk import ROOT, fresh_database, gunicorn  # noqa: E402

from portal import create_app, db  # noqa: E402
from portal.models import FeedbackItem  # noqa: E402
from portal.services.ops.demo import load_demo  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
#: a stored submission answers 303 to its result page, /feedback/done/<case number>
CASE = re.compile(r'/feedback/done/([A-Z]+-\d{4}-\d{6,})$')
PHRASES = ("建议加快劳模补助办法出台", "希望公开整改台账的进展说明", "反映基层工会经费使用不规范",
           "咨询职工书屋建设规划",
           "表扬政研室答复及时", "请核查技能竞赛奖励发放情况")


class Client(threading.Thread):
    """One citizen's browser: reads the form once (session cookie + CSRF token), then submits until the deadline."""

    def __init__(self, port: int, deadline: float, seed: int):
        super().__init__(daemon=True)
        self.port, self.deadline, self.rng = port, deadline, random.Random(seed)
        self.cases: list[str] = []
        self.latencies: list[float] = []
        self.errors = 0

    def request(self, method: str, path: str, body: str | None = None, cookie: str = ""):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        page = response.read().decode()
        cookie = response.getheader("Set-Cookie", "").split(";")[0] or cookie
        conn.close()
        return response.status, page, cookie, response.getheader("Location", "")

    def run(self) -> None:
        _, page, cookie, _ = self.request("GET", "/feedback")
        token = TOKEN.search(page).group(1)
        while time.monotonic() < self.deadline:
            content = "，".join(self.rng.choice(PHRASES) for _ in range(self.rng.randrange(2, 8))) + "。"
            form = {"csrf_token": token, "kind": self.rng.choice(["suggestion", "inquiry", "report"]),
                    "target": self.rng.choice(["", "35-4", "3-3", "20"]), "content": content,
                    "email": f"bench{self.rng.randrange(10**6)}@example.org", "consent": "y"}
            start = time.perf_counter()
            try:
                status, page, cookie, location = self.request("POST", "/feedback", urllib.parse.urlencode(form),
                                                              cookie)
            except OSError:
                self.errors += 1
                continue
            self.latencies.append((time.perf_counter() - start) * 1000)
            match = CASE.search(location) if status == 303 else None
            if match:
                self.cases.append(match.group(1))
            else:
                self.errors += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    url = fresh_database(os.environ["BENCH_DATABASE_URL"], "portal_bench_intake")
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "FLASK_APP": "wsgi", "PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": "bench"})
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"}, instance_path=instance)
        with app.app_context():
            load_demo(db.session())
            db.session().commit()
        env = {"PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": "bench", "PORTAL_FORM_RATE_LIMIT": "1000000 per minute"}
        with gunicorn("wsgi:app", env, workers=args.workers) as base:
            port = int(base.rsplit(":", 1)[1])
            deadline = time.monotonic() + args.seconds
            clients = [Client(port, deadline, seed) for seed in range(args.clients)]
            started = time.monotonic()
            for client in clients:
                client.start()
            for client in clients:
                client.join()
            elapsed = time.monotonic() - started
        cases = [case for client in clients for case in client.cases]
        latencies = [ms for client in clients for ms in client.latencies]
        engine = db.make_engine(url)
        with engine.connect() as conn:
            stored = set(conn.scalars(select(FeedbackItem.case_number)))
            total = conn.scalar(select(func.count(FeedbackItem.id)))
        engine.dispose()
    print(f"\n{datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, "
          f"gunicorn {args.workers} sync workers, PostgreSQL, {args.clients} clients for {args.seconds} s\n")
    print(f"accepted submissions: {len(cases)} in {elapsed:.1f} s = {len(cases) / elapsed:.1f}/s (target ≥ 100/s)")
    print(f"latency p50 {statistics.median(latencies):.0f} ms, p95 {statistics.quantiles(latencies, n=20)[-1]:.0f} ms; "
          f"failed requests {sum(c.errors for c in clients)}")
    missing, doubled = set(cases) - stored, len(cases) - len(set(cases))
    print(f"in the database: {total} items; successes missing {len(missing)}, doubled {doubled}, "
          f"items without a success response {len(stored - set(cases))}")
    if missing or doubled or stored - set(cases):
        sys.exit("intake lost or doubled submissions")


if __name__ == "__main__":
    main()
