"""scripts/mailgate: the MTA's pipe hands each message to the running LMTP listener; exit 0 when stored, 75 (retry
later) when the listener is down or the database is, 65 (bounce) when the listener refuses the message for good."""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select

from portal import create_app
from portal.models import FeedbackItem, InboundMessage
from tests.mail import corpus
from tests.mail.test_lmtp import ROOT, count, free_port, listening

MAILGATE = ROOT / "scripts" / "mailgate"


def pipe(raw: bytes, listener: str, **env: str) -> subprocess.CompletedProcess:
    """One delivery as Postfix's pipe makes it: the script run by its own #! line, the message on stdin, SENDER and
    RECIPIENT in the environment."""
    environment = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                   "SENDER": "citizen@example.cn", "RECIPIENT": "gsghzys@163.com", **env}
    return subprocess.run([str(MAILGATE), "--listener", listener, "--timeout", "30"],
                          input=raw, capture_output=True, env=environment, timeout=60)


def test_a_piped_message_is_stored_once_and_a_redelivery_is_recognised(app, session):
    server = listening(app)
    try:
        first = pipe(corpus.utf8_plain(), f"127.0.0.1:{server.port}")
        again = pipe(corpus.utf8_plain(), f"127.0.0.1:{server.port}")
    finally:
        server.stop()
    item = session.scalar(select(FeedbackItem))
    assert first.returncode == 0 and first.stdout.decode().strip() == f"250 2.0.0 item {item.case_number}"
    assert again.returncode == 0 and "duplicate" in again.stdout.decode()
    assert count(session, InboundMessage) == 1 and session.scalar(select(InboundMessage.source)) == "lmtp"


def test_lines_starting_with_a_dot_and_bare_newlines_arrive_as_written(app, session):
    raw = corpus.message(corpus.text(corpus.OPINION, cte="8bit"), message_id="<dots@mail.example.cn>")
    raw += b"\r\n.\r\n..two dots\r\n.hidden\r\nthe end"
    server = listening(app)
    try:
        done = pipe(raw.replace(b"the end", b"the end\n"), f"127.0.0.1:{server.port}")
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr
    assert session.scalar(select(InboundMessage.raw)) == raw + b"\r\n"


def test_parallel_pipes_each_store_their_message(app, session):
    server = listening(app)
    messages = corpus.varied(12, tag="mailgate")
    try:
        with ThreadPoolExecutor(4) as deliveries:
            codes = list(deliveries.map(lambda raw: pipe(raw, f"127.0.0.1:{server.port}").returncode, messages))
    finally:
        server.stop()
    assert codes == [0] * 12
    assert count(session, InboundMessage) == 12 and count(session, FeedbackItem) == corpus.items_in_varied(12)


def test_no_listener_asks_the_mta_to_retry_and_stores_nothing(session):
    done = pipe(corpus.utf8_plain(), f"127.0.0.1:{free_port()}")
    assert done.returncode == 75 and "unreachable" in done.stderr.decode()
    assert count(session, InboundMessage) == 0


def test_a_database_outage_asks_the_mta_to_retry(session, tmp_path):
    broken = create_app({"TESTING": True, "SECRET_KEY": "s", "DATABASE_URL": "postgresql://postgres@127.0.0.1:9/portal"},
                        instance_path=str(tmp_path))
    server = listening(broken)
    try:
        done = pipe(corpus.utf8_plain(), f"127.0.0.1:{server.port}")
    finally:
        server.stop()
    assert done.returncode == 75 and done.stderr.decode().startswith("451 ")


def test_a_message_refused_for_good_is_bounced(app, session):
    server = listening(app, max_bytes=2000)
    try:
        done = pipe(corpus.utf8_plain() + (b"x" * 70 + b"\r\n") * 50, f"127.0.0.1:{server.port}")
    finally:
        server.stop()
    assert done.returncode == 65 and done.stderr.decode().startswith("552 ")
    assert count(session, InboundMessage) == 0


def test_the_pipe_imports_nothing_of_the_portal():
    probe = subprocess.run([sys.executable, "-I", "-X", "importtime", str(MAILGATE), "--help"], capture_output=True,
                           timeout=60)
    imported = {line.split("|")[-1].strip() for line in probe.stderr.decode().splitlines() if "|" in line}
    assert probe.returncode == 0 and imported
    assert not {name for name in imported if name.split(".")[0] in ("portal", "flask", "sqlalchemy", "psycopg")}
