"""Weekly digests for 10,000 followers of one campaign on PostgreSQL, put through the outbox by two `flask follow
send` processes at once: the time until both are done, and counts proving that nothing was queued twice.

The followers are confirmed weekly followers of the demo campaign whose digest is due; the events are real: a
changed ledger imported through the importer (progress notes of --changes measures) and a 通报 imported through the
report importer. Both senders are the operator's command in processes of their own, started together; the time
includes their start-up. Sending the outbox by SMTP is not measured here (bench/fault_smtp_down covers the sender).

Target: < 60 s (issue 16). Run: bench/follow_digest [--followers N] [--changes N]   (PostgreSQL from
BENCH_DATABASE_URL, else a private cluster)
"""
from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select, text

sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]
from benchdb import SECRET, bench_app, prepared_database  # noqa: E402
from machine import describe  # noqa: E402
from wrk import ROOT  # noqa: E402

from portal import db  # noqa: E402
from portal.models import FollowDelivery, FollowEvent, OutboxMessage  # noqa: E402
from portal.services.ledger.campaigns import find_campaign  # noqa: E402
from portal.services.ledger.exporter import export_ledger  # noqa: E402
from portal.services.ledger.importer import import_ledger  # noqa: E402
from portal.services.ops.demo import DEMO_SLUG  # noqa: E402
from portal.services.reports.importer import import_report  # noqa: E402

NAME = "portal_bench_follow"
#: confirmed weekly followers of the campaign, their digest due a minute ago, half of them English
FOLLOWERS = """
INSERT INTO follow_subscription (email, campaign_id, target_key, frequency, language, state, created_at, confirmed_at,
 next_digest_at, digested_until)
 SELECT 'follower' || n || '@bench.test', :campaign, 'c' || :campaign, 'weekly', CASE WHEN n % 2 = 0 THEN 'en' ELSE
 'zh' END, 'active', now() - interval '8 days', now() - interval '8 days', now() - interval '1 minute',
 now() - interval '7 days'
 FROM generate_series(1, :followers) AS n
"""


def fill(app, followers: int, changes: int, workdir: Path) -> int:
    """The followers and the events; the number of events."""
    with app.app_context():
        session = db.session()
        campaign = find_campaign(session, DEMO_SLUG)
        session.execute(text(FOLLOWERS), {"campaign": campaign.id, "followers": followers})
        exported = workdir / "ledger.csv"
        export_ledger(session, campaign, exported)
        with exported.open(encoding="utf-8-sig", newline="") as source:
            rows = list(csv.reader(source))
        note = rows[0].index("进展说明")
        for row in rows[1:changes + 1]:
            row[note] = (row[note] or "") + "（本周核对）"
        changed = workdir / "ledger-changed.csv"
        with changed.open("w", encoding="utf-8-sig", newline="") as out:
            csv.writer(out).writerows(rows)
        import_ledger(session, campaign, changed, actor="bench")
        import_report(session, campaign, "关于巡视整改进展情况的通报\n截至2021年6月30日，整改措施193条。\n",
                      as_of=date(2021, 6, 30))
        session.commit()
        return session.scalar(select(func.count()).select_from(FollowEvent))


def two_senders(url: str, workdir: Path) -> tuple[float, list[str]]:
    """Start two `flask follow send` processes together; seconds until both have finished, and what each printed."""
    env = {**os.environ, "FLASK_APP": "wsgi", "PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": SECRET,
           "PORTAL_INSTANCE_PATH": str(workdir), "PORTAL_LOG_LEVEL": "WARNING"}
    start = time.perf_counter()
    senders = [subprocess.Popen([sys.executable, "-m", "flask", "follow", "send"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = []
    for sender in senders:
        out, err = sender.communicate(timeout=600)
        if sender.returncode:
            raise SystemExit(f"a sender failed:\n{err}")
        outputs.append(out.strip())
    return time.perf_counter() - start, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=5, help="measures whose progress note the ledger changes")
    args = parser.parse_args()
    url = prepared_database(NAME)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        app = bench_app(url, str(workdir / "instance"))
        events = fill(app, args.followers, args.changes, workdir)
        print(f"==> {args.followers:,} weekly followers of one campaign, {events} events; two senders at once",
              flush=True)
        machine = describe(url)
        seconds, outputs = two_senders(url, workdir)
        with app.app_context():
            session = db.session()
            digests = session.scalar(select(func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.kind == "follow_digest"))
            addresses = session.scalar(select(func.count(func.distinct(OutboxMessage.to_address)))
                                       .where(OutboxMessage.kind == "follow_digest"))
            deliveries = session.scalar(select(func.count()).select_from(FollowDelivery))
            distinct = session.scalar(select(func.count()).select_from(
                select(FollowDelivery.subscription_id, FollowDelivery.event_id).distinct().subquery()))
        app.extensions["portal.db"].kw["bind"].dispose()
    print(f"\n{machine}")
    for number, output in enumerate(outputs, 1):
        print(f"sender {number}: {output}")
    print("| followers | events | digests queued | distinct recipients | deliveries | distinct (follower, event) "
          "| seconds |\n|---|---|---|---|---|---|---|")
    print(f"| {args.followers:,} | {events} | {digests:,} | {addresses:,} | {deliveries:,} | {distinct:,} "
          f"| {seconds:.1f} |")
    twice = digests - addresses
    print(f"\nsent twice: {twice} digests, {deliveries - distinct} deliveries; "
          "every follower got one digest of every event: "
          f"{digests == args.followers and deliveries == events * digests}")
    print("target: < 60 s through the outbox with nothing sent twice (issue 16)")


if __name__ == "__main__":
    main()
