"""The ledger upload's preview in the browser (/staff/campaigns/<slug>/ledger) with a 5,000-measure ledger on
PostgreSQL: the file kept under its hash, the importer's dry run, the diff and the figures before → after — what the
office waits for between 上传并预览 and the page; then the confirmed import.

Target: preview < 5 s (issue 18). The ledger has 1,000 problems of 5 measures in 5 categories; the uploaded file
changes three of them. The services are called in this process (no HTTP, no rendering).
Run: bench/ledger_preview [--measures N] [--runs N]   (PostgreSQL from BENCH_DATABASE_URL, else a private cluster)
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]
from benchdb import bench_app, prepared_database  # noqa: E402

from portal import db  # noqa: E402
from portal.services.accounts.users import create_user  # noqa: E402
from portal.services.ledger import import_preview, uploads  # noqa: E402
from portal.services.ledger.campaigns import create_campaign  # noqa: E402
from portal.services.ledger.importer import import_ledger  # noqa: E402
from tests.ledger_files import write_csv, write_xlsx  # noqa: E402

NAME = "portal_bench_ledger_preview"
CHANGED = (10, 2000, 4000)


def rows(measures: int, changed: bool) -> list[list]:
    """A ledger of measures rows, five per problem; with changed, three of them done and reworded."""
    out = []
    for i in range(measures):
        number = i // 5 + 1
        status, note = ("正在整改" if i % 7 == 0 else "已完成"), "按计划推进"
        if changed and i in CHANGED:
            status, note = "已完成", "已整改到位"
        out.append([i + 1, f"第{number % 5 + 1}方面的问题", number, f"问题{number}的描述", "3个月内整改到位", "书记",
                    "办公室、组织部", "", f"{number}-{i % 5 + 1}", f"整改措施{i}", status, "", note])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    app = bench_app(prepared_database(NAME), str(folder / "instance"))
    with app.app_context():
        session = db.session()
        office = create_user(session, "office@bench.test", "整改办", "rectification", "bench password 1")
        campaign = create_campaign(session, "bench-ledger", "基准整改任务", date(2020, 11, 16))
        import_ledger(session, campaign, write_csv(folder / "base.csv", rows(args.measures, False)), actor="bench")
        session.commit()
        for writer, suffix in ((write_xlsx, "xlsx"), (write_csv, "csv")):
            path = writer(folder / f"changed.{suffix}", rows(args.measures, True))
            timings = []
            for _ in range(args.runs):
                started = time.perf_counter()
                with path.open("rb") as data:
                    kept = uploads.store(folder / "kept", path.name, data)
                found = import_preview.preview(session, office, campaign, kept)
                timings.append(time.perf_counter() - started)
                session.rollback()
            assert len(found.changed) == len(CHANGED), found.changed
            print(f"preview .{suffix} {args.measures} measures, {len(found.changed)} changed: "
                  f"median {statistics.median(timings):.2f} s, max {max(timings):.2f} s ({args.runs} runs)")
        started = time.perf_counter()
        result = import_preview.confirm(session, office, campaign, kept, found.data_version, path.name)
        session.commit()
        print(f"confirm .csv: {result.changed} measures changed in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
