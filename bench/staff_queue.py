"""The staff queue with 100,000 items on PostgreSQL: first page, a filtered page, segmented searches, similar items.

Targets: p95 < 150 ms for the first and the filtered page (issue 3); p95 < 100 ms for each search and for the similar
items of an item (issue 14). Requests go through the whole app (routing, login session, queries, template) with
Flask's test client in this process, so the figure is server time without the network; similar items are timed as
the service call the item page makes. One item in ten carries an opinion of bench/data/suggest_eval.jsonl (written as
citizens write), the rest a random run of 26 common words — so 劳模 and 补助 are in most items, the worst case of a
ranked search.
Run: bench/staff_queue [--items N] [--requests N] [--reuse]   (PostgreSQL from BENCH_DATABASE_URL, else a private
cluster; --reuse measures again on the database the last run filled)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from wrk import fresh_database  # noqa: E402

from portal import create_app, db  # noqa: E402
from portal.models import Base, Department, FeedbackContact, FeedbackItem, User  # noqa: E402
from portal.models.feedback import CHANNELS, KINDS, STATES  # noqa: E402
from portal.services.accounts.users import create_user  # noqa: E402
from portal.services.feedback import search, similar  # noqa: E402
from portal.services.ops.demo import load_demo  # noqa: E402

WORDS = ("整改", "劳模", "补助", "职工", "工会", "规划", "落实", "制度", "困难", "帮扶", "资金", "技能", "竞赛", "培训",
         "监督", "会议", "台账", "办法", "标准", "基层", "服务", "热线", "维权", "经费", "审计", "选人用人")
OPINIONS = [json.loads(line)["text"] for line in
            (Path(__file__).resolve().parent / "data" / "suggest_eval.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
#: items that share a contact: one person in this many writes often (their items are similar items of each other)
FREQUENT_WRITER = 500


def fill(session, count: int) -> None:
    """count items spread over every state, channel, kind and department, with Chinese text (one in ten an opinion
    written as citizens write, some repeated word for word: likely duplicates), their search words and fingerprints
    computed as intake does; every 50th item from one of a few frequent writers."""
    rng = random.Random(42)
    departments = [d.id for d in session.scalars(select(Department))]
    now = datetime.now(UTC)
    batch, started = [], time.monotonic()
    for i in range(1, count + 1):
        received = now - timedelta(minutes=rng.randrange(0, 400 * 24 * 60))
        state = rng.choice(STATES)
        due = (received + timedelta(days=15 if state == "received" else 60)).date() if state in (
            "received", "accepted", "handling", "review") else None
        if i % 10 == 0:
            content = rng.choice(OPINIONS) + ("" if rng.random() < 0.3 else f"（第{rng.randrange(1000)}次反映）")
        else:
            content = "".join(rng.choice(WORDS) + rng.choice("，的了和在对") for _ in range(rng.randrange(20, 120)))
        batch.append(dict(search_words=search.item_words(None, content), text_key=similar.fingerprint(None, content),
                          case_number=f"GH-{received.year}-{i:06d}", query_code_hash="0" * 64,
                          channel=rng.choice(CHANNELS),
                          kind=rng.choice(KINDS), subject=None, content=content, state=state, received_at=received,
                          accept_due=(received + timedelta(days=15)).date(), due_date=due,
                          department_id=rng.choice(departments) if state not in ("received", "spam") else None,
                          wants_reply=False, consent_publish=False, needs_attention=False))
        if len(batch) == 5000:
            _insert(session, batch, rng)
            batch.clear()
            print(f"  {i:,} items ({time.monotonic() - started:.0f} s)", flush=True)
    if batch:
        _insert(session, batch, rng)
    session.commit()
    # what autovacuum does on a live database: statistics, and the visibility map that lets counts read the index only
    with session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _insert(session, batch: list[dict], rng: random.Random) -> None:
    ids = session.scalars(insert(FeedbackItem).returning(FeedbackItem.id), batch).all()
    session.execute(insert(FeedbackContact), [
        dict(item_id=item_id, email=f"writer{rng.randrange(FREQUENT_WRITER // 100)}@bench.test")
        if item_id % 50 == 0 else dict(item_id=item_id, email=f"person{item_id}@bench.test") for item_id in ids])


def measure_similar(session, requests: int) -> tuple[float, float, float]:
    """(p50 ms, p95 ms, mean similar items found) of similar.similar_items for random items, after a warm-up."""
    rng = random.Random(7)
    top = session.scalar(select(FeedbackItem.id).order_by(FeedbackItem.id.desc()).limit(1))
    # items with near-identical text, from frequent writers and plain ones, in turn
    picks = [rng.randrange(1, top // 10) * 10 if k % 3 == 0 else rng.randrange(1, top // 50) * 50 if k % 3 == 1
             else rng.randrange(1, top) for k in range(requests + 2)]
    times, found = [], []
    for k, item_id in enumerate(picks):
        session.expunge_all()
        item = session.get(FeedbackItem, item_id)
        start = time.perf_counter()
        result = similar.similar_items(session, item)
        if k >= 2:
            times.append((time.perf_counter() - start) * 1000)
            found.append(len(result))
    return statistics.median(times), statistics.quantiles(times, n=20)[-1], statistics.mean(found)


def measure(client, url: str, requests: int) -> tuple[float, float, int]:
    """(p50 ms, p95 ms, rows on the page) over requests GETs, after two warm-up requests."""
    for _ in range(2):
        client.get(url)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    rows = len(re.findall(r'name="item_ids"', response.get_data(as_text=True)))
    return statistics.median(times), statistics.quantiles(times, n=20)[-1], rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--reuse", action="store_true",
                        help="measure again on the database a previous run filled (filling takes minutes)")
    args = parser.parse_args()
    if args.reuse:
        url = os.environ["BENCH_DATABASE_URL"].rsplit("/", 1)[0] + "/portal_bench_queue"
    else:
        url = fresh_database(os.environ["BENCH_DATABASE_URL"], "portal_bench_queue")
    engine = db.make_engine(url)
    Base.metadata.create_all(engine)  # on a reused database: only the tables added since it was filled
    engine.dispose()
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOGIN_RATE_LIMIT": "1000 per minute"},
                         instance_path=instance)
        with app.app_context():
            session = db.session()
            if args.reuse:
                user = session.scalar(select(User).where(User.email == "triager@bench.test"))
                args.items = session.scalar(select(func.count(FeedbackItem.id)))
            else:
                load_demo(session)
                user = create_user(session, "triager@bench.test", "分办", "triager", "bench password 1")
                session.commit()
                print(f"==> inserting {args.items:,} items", flush=True)
                fill(session, args.items)
            department = session.scalar(select(Department).where(Department.name == "办公室"))
            wanted = session.scalar(select(FeedbackItem.case_number).where(FeedbackItem.id == args.items // 2))
        client = app.test_client()
        page = client.get("/staff/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        assert client.post("/staff/login", data={"email": user.email, "password": "bench password 1",
                                                 "csrf_token": token}).status_code == 302
        cases = {"first queue page": "/staff/queue",
                 "state + department + text 整改": f"/staff/queue?state=handling&department={department.id}&q=整改",
                 "search 劳模 补助 (words in most items)": "/staff/queue?q=劳模 补助",
                 "search 劳模补助资金什么时候发放": "/staff/queue?q=劳模补助资金什么时候发放",
                 "search 公车私用 (words in few items)": "/staff/queue?q=公车私用",
                 "search 食堂饭菜 (in no item)": "/staff/queue?q=食堂饭菜",
                 "search a case number typed with spaces": f"/staff/queue?q={wanted.replace('-', ' ')}",
                 "sorted by received, newest first": "/staff/queue?sort=-received",
                 "sorted by state": "/staff/queue?sort=state",
                 "sorted by department": "/staff/queue?sort=department",
                 "sorted by linked measure": "/staff/queue?sort=measure",
                 "sorted by attachments, most first": "/staff/queue?sort=-attachments",
                 "search 公车私用 sorted by received": "/staff/queue?q=公车私用&sort=received"}
        print(f"\n{datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, PostgreSQL, {args.items:,} items, {args.requests} requests each\n")
        print("| page | p50 ms | p95 ms | rows shown |\n|---|---|---|---|")
        for label, path in cases.items():
            p50, p95, rows = measure(client, path, args.requests)
            print(f"| {label} | {p50:.1f} | {p95:.1f} | {rows} |")
        with app.app_context():
            p50, p95, mean = measure_similar(db.session(), args.requests)
        print(f"| similar items of an item (service call) | {p50:.1f} | {p95:.1f} | {mean:.1f} found on average |")
        print("\ntargets: p95 < 150 ms for the first two (issue 3), < 100 ms for the searches and similar items "
              "(issue 14)")


if __name__ == "__main__":
    sys.exit(main())
