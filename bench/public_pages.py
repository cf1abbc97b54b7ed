"""Public pages and open data under gunicorn (2 workers) with the demo data, against a bare Flask hello app.

Targets (issue 19): every public GET page and API call ≥ 50 % of the baseline's requests/s and p99 < 50 ms at 32
connections; the opinion form ≥ 30 %. Pages are requested as an anonymous visitor (no cookie), as wrk sends them.
Run: bench/public_pages [--duration SECONDS] [--connections N] [--checkout DIR] [--pages home,problem,…]
Uses SQLite in a temporary instance folder unless BENCH_DATABASE_URL names another database; --checkout serves
another checkout (main, for a before/after comparison) the same way.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402
from wrk import ROOT, gunicorn, run_wrk  # noqa: E402

#: the pages of issue 19's table: short name → path
PAGES = {
    "home": "/",
    "problem": "/campaigns/gansu-2020/problems/35",
    "measure": "/campaigns/gansu-2020/measures/35-4",
    "category": "/campaigns/gansu-2020/categories/2",
    "report": "/campaigns/gansu-2020/reports/1",
    "answers": "/answers",
    "feedback": "/feedback",
    "lookup": "/lookup",
    "contact": "/contact",
    "api": "/api/v1/campaigns/gansu-2020/measures",
    "api-csv": "/api/v1/campaigns/gansu-2020/measures.csv",
}
#: share of the baseline each page must reach
TARGETS = {"feedback": 30}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--checkout", type=Path, default=ROOT)
    parser.add_argument("--pages", default=",".join(PAGES))
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL")
    print(describe(database_url))

    with tempfile.TemporaryDirectory() as tmp:
        env = {"FLASK_APP": "wsgi", "PORTAL_DATABASE_URL": database_url or f"sqlite:///{tmp}/bench.db",
               "PORTAL_SECRET_KEY": "bench", "PORTAL_INSTANCE_PATH": tmp, "PYTHONPATH": str(args.checkout)}
        for command in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run([sys.executable, "-m", "flask", *command], cwd=args.checkout, env={**os.environ, **env},
                           check=True, stdout=subprocess.DEVNULL)
        results = {}
        with gunicorn("hello_app:app", {}, cwd=ROOT / "bench") as base:
            results["bare Flask hello (baseline)"] = run_wrk(base + "/", args.connections, args.duration)
        with gunicorn("wsgi:app", env, cwd=args.checkout) as base:
            for name in args.pages.split(","):
                results[f"{name} {PAGES[name]}"] = run_wrk(base + PAGES[name], args.connections, args.duration)

    print(f"\n{args.checkout}, gunicorn 2 sync workers, wrk -t2 -c{args.connections} -d{args.duration}s, "
          f"{'SQLite' if not database_url else 'BENCH_DATABASE_URL'}\n")
    baseline = results["bare Flask hello (baseline)"].requests_per_s
    print("| page | requests/s | share of bare Flask | p50 ms | p99 ms | errors | target |\n"
          "|---|---|---|---|---|---|---|")
    for label, result in results.items():
        name = label.split()[0]
        share = 100 * result.requests_per_s / baseline
        target = TARGETS.get(name, 50)
        met = "" if label.startswith("bare") else (
            "met" if share >= target and result.p99_ms < 50 else f"missed (≥ {target} %, p99 < 50 ms)")
        print(f"| {label} | {result.requests_per_s:,.0f} | {share:.0f} % | {result.p50_ms:.1f} | {result.p99_ms:.1f} "
              f"| {result.errors} | {met} |")


if __name__ == "__main__":
    main()
