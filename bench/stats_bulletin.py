"""The monthly 通报 of a month with 10,000 items on PostgreSQL: `flask stats report` as an operator runs it (.docx,
and .pdf where LibreOffice is installed), and the service alone (bulletin_docx) in this process.

Target: < 10 s for a month of 10,000 items (issue 17). The items are filled as bench/stats.py fills them (every state,
channel, kind and department, clocks fitting their states, one in five linked to a measure, every answer sent and
every other one rated), all received in the last full month (office-local), so every one is in the 通报.
Run: bench/stats_bulletin [--items N] [--runs N] [--reuse]   (PostgreSQL from BENCH_DATABASE_URL, else a private
cluster; --reuse measures again on the database the last run filled)
"""
from __future__ import annotations

import argparse
import calendar
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]
from benchdb import SECRET, bench_app, prepared_database  # noqa: E402
from stats import prepare  # noqa: E402
from wrk import ROOT  # noqa: E402

from portal import db  # noqa: E402
from portal.models import Campaign, FeedbackItem  # noqa: E402
from portal.services.common.clocks import ClockSettings, start_of_local_day  # noqa: E402
from portal.services.ops.demo import DEMO_SLUG  # noqa: E402
from portal.services.stats import bulletin_pdf  # noqa: E402
from portal.services.stats.bulletin_docx import bulletin_docx  # noqa: E402
from portal.services.stats.lights import LightThresholds  # noqa: E402

NAME = "portal_bench_bulletin"


def last_full_month(clocks: ClockSettings) -> date:
    """The first day of the last full month, office-local."""
    return (clocks.today().replace(day=1) - timedelta(days=1)).replace(day=1)


def command(url: str, month: str, path: str) -> tuple[float, float]:
    """(wall, CPU) seconds of `flask stats report`, start to exit (a new process: imports, app, queries, document;
    CPU: the command's and its children's, LibreOffice included, user and system time), so a loaded machine's
    waiting for a core shows apart."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "flask", "stats", "report", "--campaign", DEMO_SLUG, "--month", month, path],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "FLASK_APP": "wsgi", "PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": SECRET})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="measure again on the database a previous run filled")
    args = parser.parse_args()
    clocks = ClockSettings()
    first = last_full_month(clocks)
    month = f"{first:%Y-%m}"
    with tempfile.TemporaryDirectory() as instance:
        if args.reuse:
            url = os.environ["BENCH_DATABASE_URL"].rsplit("/", 1)[0] + "/" + NAME
            app = bench_app(url, instance)
        else:
            url = prepared_database(NAME)
            app = bench_app(url, instance)
            days = calendar.monthrange(first.year, first.month)[1]
            # bench/stats.py's fill spreads receipt over days - 1 days and up to a day's minutes before newest
            newest = start_of_local_day(first + timedelta(days=days), clocks.timezone) - timedelta(minutes=1)
            prepare(app, args.items, newest=newest, days=days - 1)
        with app.app_context():
            session = db.session()
            campaign = session.scalars(select(Campaign).where(Campaign.slug == DEMO_SLUG)).one()
            start = start_of_local_day(first, clocks.timezone)
            end = start_of_local_day(first + timedelta(days=calendar.monthrange(first.year, first.month)[1]),
                                     clocks.timezone)
            in_month = session.scalar(select(func.count(FeedbackItem.id)).where(
                FeedbackItem.received_at >= start, FeedbackItem.received_at < end))
            service = []
            for _ in range(args.runs):
                started, cpu = time.perf_counter(), time.process_time()
                body = bulletin_docx(session, campaign, month, clocks, LightThresholds())
                service.append((time.perf_counter() - started, time.process_time() - cpu))
                session.rollback()
        with tempfile.TemporaryDirectory() as out:
            docx = [command(url, month, os.path.join(out, "tongbao.docx")) for _ in range(args.runs)]
            pdf = ([command(url, month, os.path.join(out, "tongbao.pdf")) for _ in range(args.runs)]
                   if bulletin_pdf.converter() else [])
        print(f"\n{datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, {os.cpu_count()} cores, load "
              f"{os.getloadavg()[0]:.1f}, Python {platform.python_version()}, PostgreSQL, the 通报 of {month}: "
              f"{in_month:,} items received that month, {len(body) // 1024} KB .docx, {args.runs} runs each\n")
        print("| what | median s | max s | median CPU s |\n|---|---|---|---|")
        rows = [("bulletin_docx() in this process (CPU: Python's only)", service),
                ("`flask stats report … .docx` (new process)", docx)]
        rows += [("`flask stats report … .pdf` (new process, LibreOffice)", pdf)] if pdf else []
        for label, times in rows:
            walls = [wall for wall, _cpu in times]
            print(f"| {label} | {statistics.median(walls):.2f} | {max(walls):.2f} | "
                  f"{statistics.median(cpu for _wall, cpu in times):.2f} |")
        if not pdf:
            print("\n(no PDF: LibreOffice's soffice is not installed)")
        print("\ntarget: < 10 s for a month of 10,000 items (issue 17)")


if __name__ == "__main__":
    sys.exit(main())
