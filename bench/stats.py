"""/staff/stats with 100,000 items on PostgreSQL: the whole campaign, a year, a month, a handler's department, a CSV
download, and the public home page's opinion figures; --explain prints EXPLAIN ANALYZE of every statement of one
/staff/stats request.

Target: p95 < 300 ms (issue 17). The items are spread like bench/staff_queue.py's (every state, channel, kind and
department, received over 400 days; their text does not matter here) in the demo campaign, with clocks that fit
their states: accepted 0-20 days after receipt,
answered 10-80 days after acceptance, one in twenty extended, one in five linked to a measure, every answer sent and
every other one rated. Requests go through the whole app with Flask's test client in this process (server time
without the network).
Run: bench/stats [--items N] [--requests N] [--reuse] [--explain]   (PostgreSQL from BENCH_DATABASE_URL, else a
private cluster; --reuse measures again on the database the last run filled)
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, func, select, text

sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)), os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]
from benchdb import bench_app, prepared_database  # noqa: E402

from portal import db  # noqa: E402
from portal.models import Campaign, Department, FeedbackItem, User  # noqa: E402
from portal.models.feedback import CHANNELS, KINDS, STATES  # noqa: E402
from portal.services.accounts.users import create_user  # noqa: E402
from portal.services.ops.demo import DEMO_SLUG  # noqa: E402

NAME = "portal_bench_stats"
PASSWORD = "bench password 1"
#: the items, and their clocks fitting their states, in SQL
FILL = """
INSERT INTO feedback_item (case_number, query_code_hash, campaign_id, channel, kind, content, state, received_at,
 accept_due, department_id, wants_reply, consent_publish, needs_attention)
 SELECT 'GH-B-' || n, repeat('0', 64), :campaign, (CAST(:channels AS text[]))[1 + n % 4],
 (CAST(:kinds AS text[]))[1 + (n / 4) % 5], '意见内容',
 s.state, r.received_at, (r.received_at AT TIME ZONE 'Asia/Shanghai')::date + 15,
 CASE WHEN s.state NOT IN ('received', 'spam', 'not_accepted', 'transferred', 'duplicate')
 THEN (CAST(:departments AS int[]))[1 + (n * 7) % array_length(CAST(:departments AS int[]), 1)] END,
 false, false, false
 FROM generate_series(1, :items) AS n,
 LATERAL (SELECT (CAST(:states AS text[]))[1 + (n * 13) % array_length(CAST(:states AS text[]), 1)] AS state) s,
 LATERAL (SELECT CAST(:newest AS timestamptz) - (n % :days) * interval '1 day' - (n % 1440) * interval '1 minute'
 AS received_at) r;
UPDATE feedback_item SET accepted_at = received_at + random() * interval '20 days'
 WHERE state IN ('accepted', 'handling', 'replied', 'review', 'closed');
UPDATE feedback_item SET handle_due = (accepted_at AT TIME ZONE 'Asia/Shanghai')::date + 60
 WHERE accepted_at IS NOT NULL;
UPDATE feedback_item SET extension_days = 30, handle_due = handle_due + 30
 WHERE accepted_at IS NOT NULL AND id % 20 = 0;
UPDATE feedback_item SET replied_at = accepted_at + (10 + random() * 70) * interval '1 day'
 WHERE state IN ('replied', 'review', 'closed');
UPDATE feedback_item SET closed_at = coalesce(replied_at, received_at) + random() * interval '10 days'
 WHERE state IN ('closed', 'not_accepted', 'transferred', 'duplicate', 'spam');
UPDATE feedback_item SET due_date = CASE WHEN state = 'received' THEN accept_due
 WHEN state IN ('accepted', 'handling') THEN handle_due END;
INSERT INTO feedback_link (item_id, measure_id)
 SELECT i.id, m.ids[1 + i.id % array_length(m.ids, 1)] FROM feedback_item i,
 (SELECT array_agg(id ORDER BY id) AS ids FROM measure WHERE campaign_id = :campaign) m WHERE i.id % 5 = 0;
INSERT INTO reply (item_id, text, channel, status, sent_at, created_at, publish_status)
 SELECT id, '答复', 'email', 'sent', replied_at, replied_at, 'none' FROM feedback_item WHERE replied_at IS NOT NULL;
INSERT INTO answer_rating (item_id, reply_id, level, source, rated_at)
 SELECT item_id, id, (ARRAY['satisfied', 'basically_satisfied', 'unsatisfied'])[1 + id % 3], 'web', sent_at
 FROM reply WHERE id % 2 = 0;
"""


def prepare(app, items: int, newest: datetime | None = None, days: int = 400) -> None:
    """items received over days days up to newest (now when None), then VACUUM ANALYZE as autovacuum would."""
    with app.app_context():
        session = db.session()
        create_user(session, "supervisor@bench.test", "监督", "supervisor", PASSWORD)
        create_user(session, "handler@bench.test", "承办", "handler", PASSWORD, department="办公室")
        session.commit()
        print(f"==> inserting {items:,} items", flush=True)
        values = {"campaign": session.scalar(select(Campaign.id).where(Campaign.slug == DEMO_SLUG)), "items": items,
                  "newest": newest or datetime.now(UTC), "days": days,
                  "channels": list(CHANNELS), "kinds": list(KINDS), "states": list(STATES),
                  "departments": list(session.scalars(select(Department.id).order_by(Department.id)))}
        for statement in FILL.split(";"):
            if statement.strip():
                session.execute(text(statement), {k: v for k, v in values.items() if f":{k}" in statement})
        session.commit()
        with db.engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def logged_in(app, email: str):
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    assert client.post("/staff/login", data={"email": email, "password": PASSWORD,
                                             "csrf_token": token}).status_code == 302
    return client


def measure(client, url: str, requests: int) -> tuple[float, float]:
    """(p50 ms, p95 ms) over requests GETs, after two warm-up requests."""
    for _ in range(2):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), statistics.quantiles(times, n=20)[-1]


def explain(app, client, url: str) -> None:
    """EXPLAIN ANALYZE of each statement one request of url runs."""
    statements = []
    with app.app_context():
        engine = db.engine()

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and "feedback_item" in statement:
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
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + statement, parameters)
                plan = [row[0] for row in cursor.fetchall()]
            print("\n" + " ".join(statement.split())[:300] + " …")
            print("\n".join("    " + line for line in plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="measure again on the database a previous run filled")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of one /staff/stats request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance:
        if args.reuse:
            url = os.environ["BENCH_DATABASE_URL"].rsplit("/", 1)[0] + "/" + NAME
            app = bench_app(url, instance, LOGIN_RATE_LIMIT="1000 per minute", PUBLIC_VERSION_SECONDS=0)
        else:
            url = prepared_database(NAME)
            app = bench_app(url, instance, LOGIN_RATE_LIMIT="1000 per minute", PUBLIC_VERSION_SECONDS=0)
            prepare(app, args.items)
        with app.app_context():
            session = db.session()
            args.items = session.scalar(select(func.count(FeedbackItem.id)))
            assert session.scalar(select(User.id).where(User.email == "handler@bench.test"))
            office = session.scalar(select(Department.id).where(Department.name == "办公室"))
            assigned = session.scalar(select(func.count(FeedbackItem.id)).where(FeedbackItem.department_id == office))
        supervisor, handler = logged_in(app, "supervisor@bench.test"), logged_in(app, "handler@bench.test")
        today = date.today()
        year = f"campaign={DEMO_SLUG}&date_from={today - timedelta(days=365)}&date_to={today}"
        month = f"campaign={DEMO_SLUG}&date_from={today - timedelta(days=30)}&date_to={today}&period=week"
        cases = [("whole campaign (default page)", supervisor, "/staff/stats"),
                 ("the last year", supervisor, f"/staff/stats?{year}"),
                 ("the last 30 days, by week", supervisor, f"/staff/stats?{month}"),
                 (f"a handler's department ({assigned:,} items)", handler, f"/staff/stats?{year}"),
                 ("CSV of the departments' table, the last year", supervisor, f"/staff/stats/departments.csv?{year}"),
                 ("public home page (opinion figures each request)", app.test_client(), f"/campaigns/{DEMO_SLUG}/")]
        if args.explain:
            explain(app, supervisor, f"/staff/stats?{year}")
        print(f"\n{datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, PostgreSQL, {args.items:,} items, {args.requests} requests each\n")
        print("| page | p50 ms | p95 ms |\n|---|---|---|")
        for label, client, path in cases:
            p50, p95 = measure(client, path, args.requests)
            print(f"| {label} | {p50:.1f} | {p95:.1f} |")
        print("\ntarget: p95 < 300 ms for /staff/stats (issue 17)")


if __name__ == "__main__":
    sys.exit(main())
