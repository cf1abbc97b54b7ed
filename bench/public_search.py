"""全站搜索 on the demo data: /search for common, English, long, rare and unmatched queries, through the whole app.

Target (issue 16): p95 well under 100 ms per query. Requests go through the app (routing, query reading, the
campaign's cached index, ranking, marking, template) with Flask's test client in this process: server time without
the network. The first request, which builds the index (and loads jieba's dictionary), is timed on its own.
Correctness: 劳模补助 must list measures 35-3 and 34-1, model worker subsidy 35-3, and wage arrears nothing.
Run: bench/public_search [--requests N]   (SQLite in a temporary folder; PostgreSQL with BENCH_DATABASE_URL)
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from portal import create_app, db  # noqa: E402
from portal.models import Base  # noqa: E402
from portal.services.ops.demo import load_demo  # noqa: E402

QUERIES = {
    "劳模补助": ("35-3", "34-1"),
    "model worker subsidy": ("35-3",),
    "公务用车": (),
    "困难职工帮扶资金什么时候发放到位": (),
    "选人用人": (),
    "货车司机之家": (),
    "wage arrears": None,
}


def make_app(folder: Path):
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.db'}"
    engine = db.make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    (folder / "instance").mkdir()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "PUBLIC_VERSION_SECONDS": 0,
                      "RATELIMIT_STORAGE_URI": "memory://", "LOG_REQUESTS": False},
                     instance_path=str(folder / "instance"))
    with app.app_context():
        load_demo(db.session())
        db.session().commit()
    return app, url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per query (default 200)")
    args = parser.parse_args()
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        app, url = make_app(Path(tmp))
        client = app.test_client()
        started = time.perf_counter()
        client.get("/search", query_string={"q": "劳模补助"})
        print(f"database: {url.split(':')[0]}; first search (builds the index): "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")
        print(f"{'query':<34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for query, expected in QUERIES.items():
            times = []
            for _ in range(args.requests):
                started = time.perf_counter()
                response = client.get("/search", query_string={"q": query})
                times.append((time.perf_counter() - started) * 1000)
            html = response.get_data(as_text=True)
            if response.status_code != 200:
                failures.append(f"{query}: HTTP {response.status_code}")
            for code in expected or ():
                if f"/measures/{code}\"" not in html:
                    failures.append(f"{query}: measure {code} not found")
            if expected is None and "没有找到" not in html:
                failures.append(f"{query}: expected no result")
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"{query:<34} {statistics.median(times):>8.1f} {p95:>8.1f} {times[-1]:>8.1f}")
    for failure in failures:
        print("FAILED", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
