"""The SMTP server down for a while as approved replies are being mailed by two `flask mail send --loop` workers.

Items are brought to 办理中 with a submitted reply by the services; during the run the research office approves them
one by one (portal/services/replies/drafting.py approve: the reply email is queued in the outbox in the same
transaction).
Two sender processes send to an aiosmtpd sink on loopback (tests/smtp_fixtures.py) with a short retry schedule;
at a third of the run the sink stops for --outage seconds, then listens again on the same port.
Checks, once nothing is pending: every outbox message marked sent reached the sink exactly once (by Message-ID),
the sink got nothing the outbox does not list as sent, nothing is left pending, and each message whose schedule ran
out is listed as failed with its error.
Run: bench/fault_smtp_down [--replies N] [--seconds N] [--outage S] [--schedule 1,2,4]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchdb import SECRET, bench_app, prepared_database  # noqa: E402
from machine import describe  # noqa: E402
from wrk import ROOT  # noqa: E402

sys.path.insert(0, str(ROOT))
from portal import db  # noqa: E402
from portal.models import OutboxMessage, Reply  # noqa: E402
from portal.services.accounts.users import create_user, department_named  # noqa: E402
from portal.services.common.clocks import ClockSettings  # noqa: E402
from portal.services.feedback import workflow  # noqa: E402
from portal.services.feedback.intake import Contact, IntakeSettings, NewItem, create_item  # noqa: E402
from portal.services.replies import drafting as replies  # noqa: E402
from tests.smtp_fixtures import SmtpSink  # noqa: E402

PASSWORD = "bench password 1"


class TimedSink(SmtpSink):
    """The tests' sink, noting when each message arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[float] = []

    def keep(self, received) -> None:
        super().keep(received)
        self.arrivals.append(time.monotonic())


def prepare(app, count: int) -> tuple[int, list[int]]:
    """count items in 办理中 with an email address and a submitted reply; (research user id, reply ids)."""
    clocks = ClockSettings.from_config(app.config)
    with app.app_context():
        session = db.session()
        triager = create_user(session, "triager@bench.test", "分办", "triager", PASSWORD)
        research = create_user(session, "research@bench.test", "政研室", "research", PASSWORD)
        office = department_named(session, "办公室")
        ids = []
        for i in range(count):
            item, _ = create_item(session, NewItem(channel="web", kind="suggestion",
                                                   content=f"第{i}条：建议公开整改台账进展。",
                                                   contact=Contact(email=f"citizen{i}@example.org")),
                                  IntakeSettings.from_config(app.config))
            workflow.apply(session, item, "accept", triager, clocks)
            workflow.apply(session, item, "assign", triager, clocks, department=office.id)
            reply = replies.start_draft(session, research, item, "您的意见已办理，感谢监督。", clocks)
            replies.submit(session, research, reply)
            ids.append(reply.id)
        session.commit()
        return research.id, ids


def approve_all(app, research_id: int, reply_ids: list[int], seconds: float, approved: list[float]) -> None:
    """The research office approves each reply (one transaction each), spread evenly over seconds."""
    from portal.models import User
    settings = replies.ReplySettings.from_config(app.config)
    started = time.monotonic()
    with app.app_context():
        session = db.session()
        research = session.get(User, research_id)
        for n, reply_id in enumerate(reply_ids):
            time.sleep(max(0.0, started + n * seconds / len(reply_ids) - time.monotonic()))
            replies.approve(session, research, session.get(Reply, reply_id), settings, confirmed=True)
            session.commit()
            approved.append(time.monotonic())


def sender(url: str, sink: SmtpSink, schedule: list[int], log: Path) -> subprocess.Popen:
    """`flask mail send --loop` in a process of its own, pointed at the sink."""
    env = {**os.environ, "FLASK_APP": "wsgi", "PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": SECRET,
           "PORTAL_MAIL_SERVER": sink.host, "PORTAL_MAIL_PORT": str(sink.port), "PORTAL_MAIL_TIMEOUT": "5",
           "PORTAL_OUTBOX_RETRY_SCHEDULE": json.dumps(schedule)}
    return subprocess.Popen([sys.executable, "-m", "flask", "mail", "send", "--loop", "--interval", "0.3",
                             "--batch", "20"],
                            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def outbox(url: str) -> list[OutboxMessage]:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(OutboxMessage.message_id, OutboxMessage.status, OutboxMessage.attempts,
                                   OutboxMessage.last_error, OutboxMessage.kind)).all()
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=20, help="seconds over which the replies are approved")
    parser.add_argument("--outage", type=float, default=5.0, help="seconds the SMTP server is down")
    parser.add_argument("--schedule", default="1,2,4", help="OUTBOX_RETRY_SCHEDULE for the run, in seconds")
    args = parser.parse_args()
    schedule = [int(s) for s in args.schedule.split(",")]
    url = prepared_database("portal_bench_smtp_down")
    with tempfile.TemporaryDirectory() as instance:
        app = bench_app(url, instance)
        print(f"==> preparing {args.replies} submitted replies", flush=True)
        research_id, reply_ids = prepare(app, args.replies)
        machine = describe(url)
        sink = TimedSink()
        sink.data_delay = 0.002
        sink.start()
        logs = [Path(instance) / f"sender{i}.log" for i in (1, 2)]
        workers = [sender(url, sink, schedule, log) for log in logs]
        approved: list[float] = []
        started = time.monotonic()
        producer = threading.Thread(target=approve_all, args=(app, research_id, reply_ids, args.seconds, approved))
        producer.start()
        time.sleep(args.seconds / 3)
        # the senders start slowly on a busy machine: let them deliver some mail first, so the outage cuts a flow
        ready_by = time.monotonic() + 60
        while len(sink.messages) < min(10, args.replies // 10) and time.monotonic() < ready_by:
            time.sleep(0.1)
        delivered_before = len(sink.messages)
        sink.stop()
        down_at = time.monotonic()
        time.sleep(args.outage)
        sink.start()
        up_at = time.monotonic()
        producer.join()
        limit = time.monotonic() + sum(schedule) + 30
        while time.monotonic() < limit and any(row.status == "pending" for row in outbox(url)):
            time.sleep(0.5)
        drained = time.monotonic()
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        codes = [worker.wait(timeout=30) for worker in workers]
        sink.stop()
        worker_logs = [log.read_text() for log in logs]
    rows = outbox(url)
    at_sink = Counter(sink.message_ids())
    sent = {r.message_id for r in rows if r.status == "sent"}
    failed = [r for r in rows if r.status == "failed"]
    pending = [r for r in rows if r.status == "pending"]
    twice = {mid: n for mid, n in at_sink.items() if n > 1}
    not_received = sent - set(at_sink)
    unexpected = set(at_sink) - sent
    print(f"\n{machine}\ntwo `flask mail send --loop --interval 0.3 --batch 20` workers; "
          f"{args.replies} replies approved "
          f"over {args.seconds} s; SMTP down from {down_at - started:.1f} s for {args.outage:g} s; "
          f"OUTBOX_RETRY_SCHEDULE {schedule}\n")
    print("| figure | value |\n|---|---|")
    print(f"| replies approved (outbox messages) | {len(approved)} ({len(rows)}) |")
    print(f"| received by the sink before the outage | {delivered_before} |")
    print(f"| messages retried at least once / most failed attempts of one | "
          f"{sum(1 for r in rows if r.attempts > 0)} / {max((r.attempts for r in rows), default=0)} |")
    print(f"| outbox: sent / failed / pending | {len(sent)} / {len(failed)} / {len(pending)} |")
    print(f"| sink: messages / distinct Message-IDs | {sum(at_sink.values())} / {len(at_sink)} |")
    print(f"| first delivery / last approval, from the start | {sink.arrivals[0] - started:.1f} s / "
          f"{approved[-1] - started:.1f} s |")
    after = [t - up_at for t in sink.arrivals if t >= up_at]
    print(f"| delivered after the sink came back: count, first / last | {len(after)}, "
          + (f"{after[0]:.1f} s / {after[-1]:.1f} s |" if after else "– |"))
    print(f"| all settled, after the sink came back | {drained - up_at:.1f} s |")
    print(f"| sent twice / sent but not received / received but not marked sent | "
          f"{len(twice)} / {len(not_received)} / {len(unexpected)} |")
    print(f"| sender exit codes | {codes} |")
    for row in failed[:20]:
        print(f"failed after {row.attempts} attempts: {row.message_id}: {row.last_error}")
    if len(failed) > 20:
        print(f"… and {len(failed) - 20} more failed messages (status failed in outbox_message, /staff/outbox)")
    problems = []
    if twice or not_received or unexpected:
        problems.append("sink and outbox disagree")
    if pending:
        problems.append(f"{len(pending)} still pending")
    if len(rows) != len(reply_ids) or len(approved) != len(reply_ids):
        problems.append("not every approved reply has its outbox message")
    if any(not r.last_error for r in failed):
        problems.append("a failed message has no error")
    if any(codes):
        problems.append("a sender exited with an error:\n" + "\n".join(text[-2000:] for text in worker_logs))
    print("\ncorrectness: " + ("; ".join(problems) if problems else
                               "every message delivered exactly once or listed as failed with its error"))
    if problems:
        sys.exit("SMTP outage: lost, doubled or stuck mail")


if __name__ == "__main__":
    main()
