"""The first request a fresh gunicorn worker serves: with the warm-up (gunicorn.conf.py) and without it.

A worker that has not warmed up loads jieba's dictionary and builds the campaign's measure index during the first
opinion it stores or the first item page it shows. Each run starts `gunicorn -w 1 wsgi:app` on the demo data
(SQLite, as scripts/run serves it), waits until the home page answers, then times GET /feedback, the first
POST /feedback and a second one; then, in a fresh worker, a triager's queue and first item page.
"cold" runs gunicorn with an empty config file (-c /dev/null), "warm" with the repository's gunicorn.conf.py; the
"fresh /tmp" modes give each start an empty TMPDIR, so jieba finds no dictionary cache of an earlier process (as under
systemd's PrivateTmp=true after a restart).
Run: bench/first_request [--runs N]
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402
from wrk import ROOT, gunicorn  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
ITEM = re.compile(r'href="(/staff/items/[A-Z]+-\d{4}-\d+)"')
#: mode → (gunicorn options, an empty TMPDIR for each start)
MODES = {"cold": (("-c", "/dev/null"), False), "warm": ((), False),
         "cold, fresh /tmp": (("-c", "/dev/null"), True), "warm, fresh /tmp": ((), True)}
OPINION = "劳模补助资金什么时候发放？希望公开发放标准和申请流程，方便职工监督。"


class Browser:
    """One visitor: a cookie jar of one cookie (the session) and timed requests."""

    def __init__(self, base: str):
        self.port = int(base.rsplit(":", 1)[1])
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, float]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        page = response.read().decode()
        elapsed = (time.perf_counter() - started) * 1000
        self.cookie = response.getheader("Set-Cookie", "").split(";")[0] or self.cookie
        conn.close()
        return response.status, page, elapsed

    def post_opinion(self, token: str) -> float:
        status, _, ms = self.request("POST", "/feedback", {"csrf_token": token, "kind": "suggestion", "target": "",
                                                           "content": OPINION, "consent": "y"})
        assert status in (200, 303), f"POST /feedback answered {status}"
        return ms


def citizen(base: str) -> dict[str, float]:
    browser = Browser(base)
    _, page, form_ms = browser.request("GET", "/feedback")
    token = TOKEN.search(page).group(1)
    return {"GET /feedback": form_ms, "first POST /feedback": browser.post_opinion(token),
            "second POST /feedback": browser.post_opinion(token)}


def triager(base: str, email: str, password: str) -> dict[str, float]:
    browser = Browser(base)
    _, page, _ = browser.request("GET", "/staff/login")
    status, _, _ = browser.request("POST", "/staff/login", {"csrf_token": TOKEN.search(page).group(1),
                                                            "email": email, "password": password})
    assert status == 302, f"login answered {status}"
    _, queue, queue_ms = browser.request("GET", "/staff/queue")
    item = ITEM.search(queue).group(1)
    _, _, first_ms = browser.request("GET", item)
    _, _, second_ms = browser.request("GET", item)
    return {"queue after login": queue_ms, "first item page": first_ms, "second item page": second_ms}


def started(mode: str, env: dict, journey) -> dict[str, float]:
    options, fresh_tmp = MODES[mode]
    with tempfile.TemporaryDirectory() as tmp:
        begin = time.perf_counter()
        with gunicorn("wsgi:app", {**env, "TMPDIR": tmp} if fresh_tmp else env, workers=1, options=options) as base:
            ready_ms = (time.perf_counter() - begin) * 1000
            return {"start → home page answers": ready_ms, **journey(base)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    machine = describe()
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "FLASK_APP": "wsgi", "PORTAL_INSTANCE_PATH": instance, "PORTAL_SECRET_KEY": "bench",
               "PORTAL_FORM_RATE_LIMIT": "1000 per minute", "PORTAL_LOGIN_RATE_LIMIT": "1000 per minute"}
        for command in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run([sys.executable, "-m", "flask", *command], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        accounts = (Path(instance) / "demo-accounts.txt").read_text(encoding="utf-8").splitlines()
        email, password = next(line.split("\t")[1:] for line in accounts if line.startswith("triager\t"))
        results: dict[str, dict[str, list[float]]] = {mode: {} for mode in MODES}
        for _ in range(args.runs):
            for mode in MODES:
                for journey in (citizen, lambda base: triager(base, email, password)):
                    for step, ms in started(mode, env, journey).items():
                        results[mode].setdefault(step, []).append(ms)
    print(f"\n{machine}; gunicorn -w 1 wsgi:app on the demo data (SQLite), {args.runs} runs per mode\n")
    print("| step | " + " | ".join(f"{mode}: median ms (runs)" for mode in MODES) + " |")
    print("|---" * (len(MODES) + 1) + "|")
    for step in results["cold"]:
        cells = [f"{statistics.median(results[m][step]):,.0f} ({', '.join(f'{v:,.0f}' for v in results[m][step])})"
                 for m in MODES]
        print(f"| {step} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
