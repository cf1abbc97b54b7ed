"""flask mail lmtp: the MTA delivers over LMTP to one listener; each message stored once, 451 when it cannot be."""
import os
import signal
import smtplib
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.mail import corpus
from portal import create_app
from portal.commands.mail_lmtp import lmtp_store
from portal.models import FeedbackItem, InboundMessage, OutboxMessage
from portal.services.mail import ingest as mail_ingest
from portal.services.mail.lmtp import LmtpServer
from portal.services.mail.ingest import IngestSettings

ROOT = Path(__file__).resolve().parents[2]
OFFICE = "gsghzys@163.com"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def listening(app, max_bytes: int | None = None) -> LmtpServer:
    settings = IngestSettings.from_config(app.config)
    server = LmtpServer(lmtp_store(app, settings), "127.0.0.1", free_port(), max_bytes or settings.max_bytes, 1, 20)
    server.start()
    return server


@pytest.fixture
def listener(app):
    server = listening(app)
    yield server
    server.stop()


def deliver(port: int, raw: bytes, recipients: tuple[str, ...] = (OFFICE,)) -> list[tuple[int, str]]:
    """One LMTP transaction as Postfix makes it; the replies to DATA, one per recipient."""
    with smtplib.LMTP("127.0.0.1", port) as client:
        client.ehlo()
        client.mail("citizen@example.cn")
        for recipient in recipients:
            assert client.rcpt(recipient)[0] == 250
        replies = [client.data(raw)] + [client.getreply() for _ in recipients[1:]]
    return [(code, text.decode()) for code, text in replies]


def test_a_delivered_email_is_one_item_whatever_the_number_of_recipients(listener, session):
    replies = deliver(listener.port, corpus.utf8_plain(), (OFFICE, "zys@example.gov.cn"))
    item = session.scalar(select(FeedbackItem))
    assert replies == [(250, f"2.0.0 item {item.case_number}")] * 2
    assert count(session, FeedbackItem) == 1 and session.scalar(select(InboundMessage.source)) == "lmtp"
    assert session.scalar(select(OutboxMessage.kind)) == "ack"
    assert deliver(listener.port, corpus.utf8_plain()) == [(250, "2.0.0 duplicate")]
    assert count(session, FeedbackItem) == 1 and count(session, InboundMessage) == 1


@pytest.mark.parametrize("raw, outcome", [(corpus.auto_reply(), "ignored"), (corpus.dsn_bounce(), "ignored"),
                                          (corpus.UNPARSEABLE[1], "quarantined")])
def test_ignored_and_quarantined_mail_is_accepted_so_the_mta_forgets_it(listener, session, raw, outcome):
    assert deliver(listener.port, raw) == [(250, f"2.0.0 {outcome}")]
    assert count(session, InboundMessage) == 1 and count(session, FeedbackItem) == 0


def test_concurrent_deliveries_each_store_their_message(listener, session):
    messages = corpus.varied(24, tag="lmtp")
    with ThreadPoolExecutor(4) as clients:
        replies = list(clients.map(lambda raw: deliver(listener.port, raw)[0][0], messages))
    assert replies == [250] * 24
    assert count(session, InboundMessage) == 24 and count(session, FeedbackItem) == corpus.items_in_varied(24)


def test_a_message_that_cannot_be_stored_fails_alone_in_its_batch(app, session, monkeypatch):
    good, bad, other = corpus.varied(3, tag="batch")
    real = mail_ingest.parse

    def parse(raw, *args, **kwargs):
        if raw == bad:
            raise RuntimeError("storage refused this message")
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(mail_ingest, "parse", parse)
    outcomes = lmtp_store(app, IngestSettings.from_config(app.config))([good, bad, other])
    assert isinstance(outcomes[1], RuntimeError) and not isinstance(outcomes[0], Exception)
    assert count(session, InboundMessage) == 2 and set(session.scalars(select(InboundMessage.raw))) == {good, other}


def test_deliveries_waiting_for_a_busy_writer_are_answered_after_one_commit(app, session):
    settings = IngestSettings.from_config(app.config)
    batches = []
    store = lmtp_store(app, settings)
    server = LmtpServer(lambda raws: batches.append(len(raws)) or store(raws), "127.0.0.1", free_port(),
                        settings.max_bytes, 1, 20)
    server.start()
    try:
        with ThreadPoolExecutor(6) as clients:
            replies = list(clients.map(lambda raw: deliver(server.port, raw)[0][0], corpus.varied(30, tag="wait")))
    finally:
        server.stop()
    assert replies == [250] * 30 and count(session, InboundMessage) == 30
    assert sum(batches) == 30 and len(batches) < 30


def test_database_unavailable_answers_451_and_the_redelivery_is_stored(app, session, listener, tmp_path):
    broken = create_app({"TESTING": True, "SECRET_KEY": "s", "DATABASE_URL": "postgresql://postgres@127.0.0.1:9/portal"},
                        instance_path=str(tmp_path))
    down = listening(broken)
    try:
        code, text = deliver(down.port, corpus.utf8_plain())[0]
    finally:
        down.stop()
    assert (code, text) == (451, "4.3.0 Temporary failure, message not stored; try again later")
    assert count(session, InboundMessage) == 0
    assert deliver(listener.port, corpus.utf8_plain())[0][0] == 250 and count(session, FeedbackItem) == 1


def test_a_message_over_the_size_limit_is_refused_for_the_mta_to_bounce(app, session):
    server = listening(app, max_bytes=2000)
    try:
        with smtplib.LMTP("127.0.0.1", server.port) as client:
            client.ehlo()
            assert client.esmtp_features["size"] == "2000"
            client.mail("citizen@example.cn")
            client.rcpt(OFFICE)
            code, _text = client.data(corpus.utf8_plain() + (b"x" * 70 + b"\r\n") * 50)
    finally:
        server.stop()
    assert code == 552 and count(session, InboundMessage) == 0


@pytest.mark.slow
def test_the_command_listens_until_sigterm(app, session, db_url, tmp_path):
    port = free_port()
    env = {**os.environ, "PORTAL_DATABASE_URL": db_url, "PORTAL_SECRET_KEY": "test-secret"}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "lmtp", "--port", str(port)]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            assert "LMTP 收件服务已启动" in proc.stdout.readline()
            assert deliver(port, corpus.big5_mail())[0][0] == 250
        finally:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "LMTP 收件服务已停止" in out, err
    assert count(session, FeedbackItem) == 1
