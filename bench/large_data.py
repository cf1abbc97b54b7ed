"""Large data on PostgreSQL: a campaign with 5,000 measures and 1,000,000 items — queue, search, item page, problem
page and open data (issue 19 item 4).

Targets: the staff queue's first page and each search p95 < 150 ms; the item page p95 < 100 ms; the public problem
page unaffected by the number of items (cold: rendered afresh each request; cached: the stored page); the open data
lists paginated or streamed, never built in memory whole (time to first byte, total time and the peak of memory the
request allocated, by tracemalloc in a separate request).

The ledger (500 problems in 10 categories, 10 measures each) and the items are inserted with INSERT … SELECT over
generate_series, not through the ORM: the items' texts come from 20,000 texts generated and segmented as
bench/staff_queue.py does (nine in ten a run of 20-120 of 26 common words, so 劳模 and 补助 are in most items; one in
ten an opinion of bench/data/suggest_eval.jsonl), each used by 50 items; each item stores three suggested measures,
as intake stores what suggest.suggest found (not computed here: 39 ms per text over 5,000 measures); clocks fit the
states as in bench/stats.py;
every fifth item is linked to a measure and every 50th to a problem; answers are sent and half of them rated. The
item table's secondary indexes are dropped for the fill and built again after it (as a restore does), then VACUUM
ANALYZE (as autovacuum would). Before the items go in, the public pages are measured once with the ledger alone, so
the problem page's cost with 0 and with N items can be compared.
Requests go through the whole app with Flask's test client in this process (server time without the network).
Run: bench/large_data [--items N] [--requests N] [--reuse] [--explain PATH]   (PostgreSQL from BENCH_DATABASE_URL,
else a private cluster; --reuse migrates and measures again the database the last run filled)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import event, func, insert, select, text

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]
from benchdb import SECRET, bench_app, prepared_database  # noqa: E402
from wrk import ROOT  # noqa: E402

from portal import db  # noqa: E402
from portal.models import Campaign, Category, Department, FeedbackItem, Measure, Problem  # noqa: E402
from portal.models.feedback import CHANNELS, KINDS, STATES  # noqa: E402
from portal.public.response_cache import RESPONSES_KEY, ResponseCache  # noqa: E402
from portal.services.accounts.users import create_user  # noqa: E402
from portal.services.feedback import search, similar  # noqa: E402

NAME = "portal_bench_large"
SLUG = "bench-large"
PASSWORD = "bench password 1"
CATEGORIES, PROBLEMS, MEASURES_EACH = 10, 500, 10
TEXTS = 20_000
BATCH = 100_000
WORDS = ("整改", "劳模", "补助", "职工", "工会", "规划", "落实", "制度", "困难", "帮扶", "资金", "技能", "竞赛", "培训",
         "监督", "会议", "台账", "办法", "标准", "基层", "服务", "热线", "维权", "经费", "审计", "选人用人")
OPINIONS = [json.loads(line)["text"] for line in
            (Path(__file__).resolve().parent / "data" / "suggest_eval.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]

#: one batch of items: n from :first to :last, text (n / 10) % TEXTS (each text in every state), clocks fitting the
#: state
ITEMS = """
INSERT INTO feedback_item (case_number, query_code_hash, campaign_id, channel, kind, content, search_words, text_key,
 suggestions, state, received_at, accept_due, accepted_at, handle_due, due_date, replied_at, closed_at,
 department_id, wants_reply, consent_publish, needs_attention)
SELECT 'LD-' || extract(year FROM r.received_at AT TIME ZONE 'Asia/Shanghai') || '-' || lpad(n::text, 7, '0'),
 repeat('0', 64), :campaign, (CAST(:channels AS text[]))[1 + n % 4], (CAST(:kinds AS text[]))[1 + (n / 4) % 5],
 t.content, t.words, t.text_key,
 json_build_object('abstain', false, 'suggestions', (SELECT json_agg(json_build_object(
   'measure', (1 + n % :problems) || '-' || k, 'problem', 1 + n % :problems, 'score', 20.0 - k,
   'matched', json_build_array('劳模', '补助'))) FROM generate_series(1, 3) k)),
 s.state, r.received_at,
 (r.received_at AT TIME ZONE 'Asia/Shanghai')::date + 15, a.accepted_at,
 (a.accepted_at AT TIME ZONE 'Asia/Shanghai')::date + 60,
 CASE WHEN s.state = 'received' THEN (r.received_at AT TIME ZONE 'Asia/Shanghai')::date + 15
      WHEN s.state IN ('accepted', 'handling') THEN (a.accepted_at AT TIME ZONE 'Asia/Shanghai')::date + 60 END,
 CASE WHEN s.state IN ('replied', 'review', 'closed') THEN a.accepted_at + (10 + n % 70) * interval '1 day' END,
 CASE WHEN s.state IN ('closed', 'not_accepted', 'transferred', 'duplicate', 'spam')
      THEN coalesce(a.accepted_at, r.received_at) + (20 + n % 80) * interval '1 day' END,
 CASE WHEN s.state NOT IN ('received', 'spam', 'not_accepted', 'transferred', 'duplicate')
      THEN (CAST(:departments AS int[]))[1 + (n / 10) % array_length(CAST(:departments AS int[]), 1)] END,
 false, false, false
FROM generate_series(CAST(:first AS int), CAST(:last AS int)) AS n
 JOIN bench_text t ON t.id = (n / 10) % :texts,
 LATERAL (SELECT (CAST(:states AS text[]))[1 + (n * 13) % 10] AS state) s,
 LATERAL (SELECT CAST(:newest AS timestamptz) - ((n::bigint * 7919) % (400 * 1440)) * interval '1 minute'
          AS received_at) r,
 LATERAL (SELECT CASE WHEN s.state IN ('accepted', 'handling', 'replied', 'review', 'closed')
                 THEN r.received_at + (n % 20) * interval '1 day' END AS accepted_at) a
"""
CONTACTS = """
INSERT INTO feedback_contact (item_id, email)
SELECT id, CASE WHEN id % 50 = 0 THEN 'writer' || id % 5 ELSE 'person' || id END || '@bench.test'
FROM feedback_item WHERE campaign_id = :campaign AND id > :after
"""
LINKS = """
INSERT INTO feedback_link (item_id, measure_id, problem_id)
SELECT i.id, CASE WHEN i.id % 50 <> 0 THEN m.ids[1 + (i.id * 31) % array_length(m.ids, 1)] END,
 CASE WHEN i.id % 50 = 0 THEN p.ids[1 + (i.id * 17) % array_length(p.ids, 1)] END
FROM feedback_item i,
 (SELECT array_agg(id ORDER BY id) AS ids FROM measure WHERE campaign_id = :campaign) m,
 (SELECT array_agg(id ORDER BY id) AS ids FROM problem WHERE campaign_id = :campaign) p
WHERE i.campaign_id = :campaign AND i.id % 5 = 0;
INSERT INTO reply (item_id, text, channel, status, sent_at, created_at, publish_status)
SELECT id, '答复', 'email', 'sent', replied_at, replied_at, 'none' FROM feedback_item
WHERE campaign_id = :campaign AND replied_at IS NOT NULL;
INSERT INTO answer_rating (item_id, reply_id, level, source, rated_at)
SELECT r.item_id, r.id, (ARRAY['satisfied', 'basically_satisfied', 'unsatisfied'])[1 + r.id % 3], 'web', r.sent_at
FROM reply r JOIN feedback_item i ON i.id = r.item_id WHERE i.campaign_id = :campaign AND r.id % 2 = 0
"""


def texts() -> list[dict]:
    """TEXTS item texts with their search words and fingerprints, computed as intake does."""
    rng = random.Random(42)
    rows = []
    for i in range(TEXTS):
        if i % 10 == 0:
            content = rng.choice(OPINIONS) + ("" if rng.random() < 0.3 else f"（第{rng.randrange(1000)}次反映）")
        else:
            content = "".join(rng.choice(WORDS) + rng.choice("，的了和在对") for _ in range(rng.randrange(20, 120)))
        rows.append({"id": i, "content": content, "words": search.item_words(None, content),
                     "text_key": similar.fingerprint(None, content)})
    return rows


def fill_ledger(app) -> int:
    """The large campaign: CATEGORIES categories, PROBLEMS problems, MEASURES_EACH measures each; its id."""
    with app.app_context():
        session = db.session()
        campaign = Campaign(slug=SLUG, title="大数据量测试整改任务", unit="测试单位", feedback_date=date(2024, 1, 15))
        session.add(campaign)
        session.flush()
        categories = session.scalars(insert(Category).returning(Category.id), [
            {"campaign_id": campaign.id, "position": c, "title": f"第{c}方面：落实整改主体责任的问题"}
            for c in range(1, CATEGORIES + 1)]).all()
        problems = session.scalars(insert(Problem).returning(Problem.id), [
            {"campaign_id": campaign.id, "category_id": categories[(p - 1) * CATEGORIES // PROBLEMS],
             "number": p, "description": f"问题{p}：劳模专项补助资金发放不及时，职工困难帮扶制度落实不到位。",
             "deadline_label": "3个月内整改到位", "due_date": date(2024, 4, 15), "lead_leader": "党组书记",
             "departments": "办公室、财务部", "goal": f"问题{p}的成效目标"} for p in range(1, PROBLEMS + 1)]).all()
        session.execute(insert(Measure), [
            {"campaign_id": campaign.id, "problem_id": problem_id, "code": f"{p}-{m}", "position": m,
             "text": f"措施{p}-{m}：完善劳模补助资金管理办法，按季度审计经费使用情况。",
             "status": "done" if (p + m) % 4 else "in_progress",
             "completed_on": date(2024, 3, 1) if (p + m) % 4 else None, "progress_note": "已印发制度文件"}
            for p, problem_id in enumerate(problems, 1) for m in range(1, MEASURES_EACH + 1)])
        session.commit()
        return campaign.id


def fill_items(app, campaign_id: int, items: int) -> None:
    """items items of the campaign, in batches with progress, with their contacts, links, answers and ratings."""
    started = time.monotonic()
    with app.app_context():
        engine = db.engine()
        session = db.session()
        values = {"campaign": campaign_id, "channels": list(CHANNELS), "kinds": list(KINDS), "states": list(STATES),
                  "departments": list(session.scalars(select(Department.id).order_by(Department.id))),
                  "newest": datetime.now(UTC), "texts": TEXTS, "problems": PROBLEMS}
        session.close()
    with engine.begin() as connection:
        connection.execute(text("CREATE UNLOGGED TABLE bench_text (id int PRIMARY KEY, content text, words text[], "
                                "text_key varchar(40))"))
        rows = texts()
        connection.execute(text("INSERT INTO bench_text VALUES (:id, :content, :words, :text_key)"), rows)
        print(f"  {len(rows):,} texts segmented ({time.monotonic() - started:.0f} s)", flush=True)
        indexes = connection.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'feedback_item' AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = 'feedback_item'::regclass)")).all()
        for name, _definition in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
    after = 0
    for first in range(1, items + 1, BATCH):
        with engine.begin() as connection:
            if not after:
                after = connection.scalar(select(func.coalesce(func.max(FeedbackItem.id), 0)))
            connection.execute(text(ITEMS), {**values, "first": first, "last": min(first + BATCH - 1, items)})
        print(f"  {min(first + BATCH - 1, items):,} items ({time.monotonic() - started:.0f} s)", flush=True)
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for name, definition in indexes:
            connection.execute(text(definition))
            print(f"  index {name} built ({time.monotonic() - started:.0f} s)", flush=True)
        connection.execute(text("DROP TABLE bench_text"))
        connection.execute(text(CONTACTS), {"campaign": campaign_id, "after": after})
        print(f"  contacts ({time.monotonic() - started:.0f} s)", flush=True)
        for statement in LINKS.split(";"):
            connection.execute(text(statement), {"campaign": campaign_id})
        print(f"  links, answers, ratings ({time.monotonic() - started:.0f} s)", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    print(f"  VACUUM ANALYZE done ({time.monotonic() - started:.0f} s)", flush=True)


def logged_in(app, email: str):
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    assert client.post("/staff/login", data={"email": email, "password": PASSWORD,
                                             "csrf_token": token}).status_code == 302
    return client


def timed(client, url: str) -> tuple[float, float, int]:
    """(ms to the first byte of the body, ms to its last byte, bytes) of one GET, the body read as it streams."""
    start = time.perf_counter()
    response = client.get(url, buffered=False)
    assert response.status_code == 200, (url, response.status_code)
    chunks = iter(response.response)
    size = len(next(chunks, b""))
    first = time.perf_counter()
    size += sum(len(chunk) for chunk in chunks)
    response.close()
    end = time.perf_counter()
    return (first - start) * 1000, (end - start) * 1000, size


def measure(client, urls: list[str], requests: int, before=None) -> dict:
    """p50/p95 of the first byte and the whole response over requests GETs (cycling through urls) after two
    warm-ups, before() run before each; the peak memory a further request allocated (tracemalloc)."""
    firsts, totals = [], []
    for k in range(requests + 2):
        if before:
            before()
        first, total, size = timed(client, urls[k % len(urls)])
        if k >= 2:
            firsts.append(first)
            totals.append(total)
    if before:
        before()
    tracemalloc.start()
    timed(client, urls[0])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1]

    return {"first50": statistics.median(firsts), "first95": p95(firsts), "p50": statistics.median(totals),
            "p95": p95(totals), "bytes": size, "peak": peak}


def explain(app, client, url: str) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each SELECT one request of url runs, with its time."""
    statements = []
    with app.app_context():
        engine = db.engine()

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        for statement, parameters in statements:
            with raw.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plan = [row[0] for row in cursor.fetchall()]
            print("\n" + " ".join(statement.split())[:400] + " …")
            print("\n".join("    " + line for line in plan))


def reset_cache(app):
    """A function that empties the app's public response cache: the next public request renders afresh."""
    def reset() -> None:
        app.extensions[RESPONSES_KEY] = ResponseCache(int(app.config["PUBLIC_CACHE_BYTES"]))
    return reset


def public_cases(app) -> list[tuple[str, list[str], object]]:
    problem = f"/campaigns/{SLUG}/problems/{PROBLEMS // 2}"
    cold = reset_cache(app)
    return [("public problem page, cold (rendered each request)", [problem], cold),
            ("public problem page, cached", [problem], None),
            ("open data measures JSON, cold", [f"/api/v1/campaigns/{SLUG}/measures"], cold),
            ("open data measures CSV", [f"/api/v1/campaigns/{SLUG}/measures.csv"], cold),
            ("open data problems JSON, cold", [f"/api/v1/campaigns/{SLUG}/problems"], cold),
            ("open data problems CSV", [f"/api/v1/campaigns/{SLUG}/problems.csv"], cold)]


def report(cases, clients: dict, requests: int) -> None:
    print("| request | p50 ms | p95 ms | first byte p50 / p95 ms | bytes | peak memory |\n|---|---|---|---|---|---|")
    for label, urls, before, *who in cases:
        m = measure(clients[who[0] if who else "public"], urls, requests, before)
        print(f"| {label} | {m['p50']:.1f} | {m['p95']:.1f} | {m['first50']:.1f} / {m['first95']:.1f} | "
              f"{m['bytes']:,} | {m['peak'] / 1e6:.1f} MB |", flush=True)


def heading(items: int, requests: int) -> None:
    print(f"\n{datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, PostgreSQL, {PROBLEMS * MEASURES_EACH:,} measures, "
          f"{items:,} items, {requests} requests each, load average {os.getloadavg()[0]:.1f}\n", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--reuse", action="store_true",
                        help="migrate and measure again the database a previous run filled (filling takes minutes)")
    parser.add_argument("--explain", metavar="PATH", action="append", default=[],
                        help="print EXPLAIN (ANALYZE, BUFFERS) of every statement of one staff request of PATH")
    args = parser.parse_args()
    config = {"LOGIN_RATE_LIMIT": "1000 per minute", "PUBLIC_VERSION_SECONDS": 0, "LOG_REQUESTS": False}
    with tempfile.TemporaryDirectory() as instance:
        if args.reuse:
            url = os.environ["BENCH_DATABASE_URL"].rsplit("/", 1)[0] + "/" + NAME
            subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, check=True,
                           env={**os.environ, "FLASK_APP": "wsgi", "PORTAL_DATABASE_URL": url,
                                "PORTAL_SECRET_KEY": SECRET})
            app = bench_app(url, instance, **config)
        else:
            url = prepared_database(NAME)
            app = bench_app(url, instance, **config)
            started = time.monotonic()
            campaign_id = fill_ledger(app)
            with app.app_context():
                session = db.session()
                create_user(session, "triager@bench.test", "分办", "triager", PASSWORD)
                session.commit()
            print(f"==> ledger of {PROBLEMS * MEASURES_EACH:,} measures ({time.monotonic() - started:.0f} s); "
                  "public pages with no items:", flush=True)
            heading(0, args.requests)
            report(public_cases(app), {"public": app.test_client()}, args.requests)
            print(f"\n==> inserting {args.items:,} items", flush=True)
            fill_items(app, campaign_id, args.items)
            print(f"==> filled in {time.monotonic() - started:.0f} s", flush=True)
        with app.app_context():
            session = db.session()
            args.items = session.scalar(select(func.count(FeedbackItem.id)))
            office = session.scalar(select(Department.id).where(Department.name == "办公室"))
            rng = random.Random(7)
            top = session.scalar(select(func.max(FeedbackItem.id)))
            cases = list(session.scalars(select(FeedbackItem.case_number).where(
                FeedbackItem.id.in_([rng.randrange(1, top) for _ in range(args.requests)]))))
        staff = logged_in(app, "triager@bench.test")
        for path in args.explain:
            explain(app, staff, path)
        heading(args.items, args.requests)
        staff_cases = [
            ("staff queue, first page", ["/staff/queue"], None, "staff"),
            ("staff queue, state 办理中 + department 办公室", [f"/staff/queue?state=handling&department={office}"],
             None, "staff"),
            ("staff queue, tab 已办结 (items without a due date)", ["/staff/queue?state=closed"], None, "staff"),
            ("search 劳模 补助 (words in most items)", ["/staff/queue?q=劳模 补助"], None, "staff"),
            ("search 劳模补助资金什么时候发放", ["/staff/queue?q=劳模补助资金什么时候发放"], None, "staff"),
            ("search 公车私用 (words in few items)", ["/staff/queue?q=公车私用"], None, "staff"),
            ("item page (random items)", [f"/staff/items/{number}" for number in cases], None, "staff"),
        ]
        report(staff_cases + public_cases(app), {"staff": staff, "public": app.test_client()}, args.requests)
        print("\ntargets: queue first page and searches p95 < 150 ms; item page p95 < 100 ms; problem page as with "
              "no items; open data never built in memory whole")


if __name__ == "__main__":
    sys.exit(main())
