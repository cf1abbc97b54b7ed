"""Several senders at once never send a message twice; `flask mail send --loop` stops cleanly on SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from portal import db
from portal.models import AuditEvent, OutboxMessage, utcnow
from portal.services.mail import send as mail_send, outbox

pytestmark = pytest.mark.slow


def queue_notices(app, session, new_item, n: int) -> set[str]:
    """n messages for one item, committed; their Message-IDs."""
    item, _ = new_item()
    settings = outbox.MailSettings.from_config(app.config)
    ids = {outbox.enqueue(session, settings, to=f"citizen{i}@example.org", subject=f"[{item.case_number}] 通知 {i}",
                          text="您好。", kind="notice", item=item).message_id for i in range(n)}
    session.commit()
    return ids


def start_loop(db_url: str, sink, tmp_path) -> subprocess.Popen:
    """`flask mail send --loop` in a process of its own, configured by PORTAL_* variables like a systemd unit."""
    env = {**os.environ, "PORTAL_DATABASE_URL": db_url, "PORTAL_SECRET_KEY": "test-secret",
           "PORTAL_MAIL_SERVER": sink.host, "PORTAL_MAIL_PORT": str(sink.port)}
    (tmp_path / "worker").mkdir()
    factory = f"portal:create_app(instance_path={str(tmp_path / 'worker')!r})"
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", factory, "mail", "send", "--loop",
                             "--interval", "0.2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_workers_at_once_send_each_message_exactly_once(app, db_url, session, new_item, smtp_sink):
    app.config.update(smtp_sink.config())
    smtp_sink.data_delay = 0.01
    queued = queue_notices(app, session, new_item, 50)
    start, counts, errors = threading.Barrier(2), [], []

    def worker() -> None:
        engine = db.make_engine(db_url)
        try:
            with app.app_context():
                mailer, settings = mail_send.Mailer(app), mail_send.SendSettings.from_config(app.config)
                start.wait()
                sent = 0
                while (result := mail_send.send_due(sessionmaker(engine), mailer, settings, utcnow(), 5)).attempted:
                    sent += result.sent
                counts.append(sent)
        except Exception as exc:  # a worker's failure must fail the test, not vanish with its thread
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    received = smtp_sink.message_ids()
    assert len(received) == 50 and set(received) == queued
    assert sum(counts) == 50 and min(counts) > 0, f"both workers sent: {counts}"
    session.expire_all()
    assert set(session.scalars(select(OutboxMessage.status))) == {"sent"}


def test_other_writers_go_on_while_a_message_is_being_sent(app, db_url, session, new_item, smtp_sink):
    app.config.update(smtp_sink.config())
    smtp_sink.data_delay = 3
    queue_notices(app, session, new_item, 1)

    def send() -> None:
        with app.app_context():
            mail_send.send_due(app.extensions["portal.db"], mail_send.Mailer(app),
                               mail_send.SendSettings.from_config(app.config), utcnow(), 1)

    sender = threading.Thread(target=send)
    sender.start()
    assert smtp_sink.receiving.wait(10)
    started = time.monotonic()
    session.add(AuditEvent(actor_label="测试", action="test.write", object_type="test", details={}))
    session.commit()
    waited = time.monotonic() - started
    sender.join(30)
    assert waited < 1.5, f"a write waited {waited:.1f} s for the sender"
    assert len(smtp_sink.messages) == 1


def test_sigterm_stops_the_loop_after_the_message_being_sent(app, db_url, session, new_item, smtp_sink,
                                                             tmp_path):
    queued = queue_notices(app, session, new_item, 3)
    smtp_sink.data_delay = 1
    worker = start_loop(db_url, smtp_sink, tmp_path)
    assert smtp_sink.receiving.wait(30), "the worker never sent"
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert out.splitlines() == ["已发送 1 封，稍后重试 0 封，发送失败 0 封"]
    [received] = smtp_sink.message_ids()
    session.expire_all()
    rows = {m.message_id: m for m in session.scalars(select(OutboxMessage))}
    assert rows[received].status == "sent" and set(rows) == queued
    assert [(m.status, m.attempts) for i, m in rows.items() if i != received] == [("pending", 0)] * 2


def test_the_loop_keeps_sending_and_prints_only_busy_batches(app, db_url, session, new_item, smtp_sink,
                                                             tmp_path):
    worker = start_loop(db_url, smtp_sink, tmp_path)
    time.sleep(1)
    queued = queue_notices(app, session, new_item, 2)
    deadline = time.monotonic() + 30
    while len(smtp_sink.messages) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.send_signal(signal.SIGINT)
    out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert set(smtp_sink.message_ids()) == queued
    assert out.splitlines() == ["已发送 2 封，稍后重试 0 封，发送失败 0 封"]
