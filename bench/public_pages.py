"""Public pages under gunicorn (2 workers) with the demo data, against a bare Flask hello app.

Target (issue 2): the home page at ≥ 50% of the baseline's requests/s, p99 < 100 ms at 32 connections.
Run: bench/public_pages [--duration SECONDS] [--connections N]
Uses SQLite in a temporary instance folder unless BENCH_DATABASE_URL names another database.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wrk import ROOT, gunicorn, run_wrk  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = {"FLASK_APP": "wsgi", "PORTAL_DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.db"),
               "PORTAL_SECRET_KEY": "bench"}
        for command in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run([sys.executable, "-m", "flask", *command], cwd=ROOT, env={**os.environ, **env},
                           check=True, stdout=subprocess.DEVNULL)
        results = {}
        with gunicorn("hello_app:app", {}, cwd=ROOT / "bench") as base:
            results["bare Flask hello (baseline)"] = run_wrk(base + "/", args.connections, args.duration)
        with gunicorn("wsgi:app", env) as base:
            results["home page /"] = run_wrk(base + "/", args.connections, args.duration)
            results["problem page /campaigns/gansu-2020/problems/35"] = run_wrk(
                base + "/campaigns/gansu-2020/problems/35", args.connections, args.duration)

    print(f"\n{datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, {os.cpu_count()} cores, {platform.python_version()}, "
          f"gunicorn 2 sync workers, wrk -t2 -c{args.connections} -d{args.duration}s, "
          f"{'SQLite' if 'BENCH_DATABASE_URL' not in os.environ else 'BENCH_DATABASE_URL'}\n")
    print("| page | requests/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|")
    for label, result in results.items():
        print(result.row(label))
    baseline = results["bare Flask hello (baseline)"].requests_per_s
    home = results["home page /"]
    print(f"\nhome page at {100 * home.requests_per_s / baseline:.0f}% of the baseline (target ≥ 50%), "
          f"p99 {home.p99_ms:.1f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
