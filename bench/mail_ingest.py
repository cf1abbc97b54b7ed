"""Inbound mail throughput: N varied messages through the pipe path, LMTP and IMAP fetch, on SQLite and PostgreSQL.

Target (email issue): at least 100 messages/s parsed and stored, then a re-run that
creates no duplicates. The pipe path is the ingest service in this process, as `flask mail ingest` runs it (without
the process start-up an MTA pipe pays per message); the LMTP path is a `flask mail lmtp` process (its defaults: two
writers, up to 20 waiting messages per commit) fed by --clients LMTP connections, as an MTA delivers; the IMAP path is
`flask mail fetch`'s loop against pymap on loopback (one commit per IMAP batch). Messages
come from tests/mail/corpus.py (every encoding case, attachments, HTML, auto-replies and bounces), each with its own
Message-ID.
The mailgate path is scripts/mailgate, one process per message (--clients at a time), handing each to a `flask mail
lmtp` process: the MTA pipe without the application's start-up (issue 19: ≥ 20 messages/s with 4 parallel
deliveries on PostgreSQL).
Run: bench/mail_ingest [--messages N] [--backends sqlite,postgresql] [--paths pipe,lmtp,imap,mailgate] [--batch N]
     [--clients N]
"""
from __future__ import annotations

import argparse
import os
import platform
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app, db  # noqa: E402
from portal.commands.mail_inbound import receive, stored_outcomes  # noqa: E402
from portal.models import Base, FeedbackItem, InboundMessage  # noqa: E402
from portal.services.mail import imap as imap_fetch  # noqa: E402
from portal.services.mail.ingest import IngestSettings  # noqa: E402
from portal.services.mail.parse import MailParseError, parse  # noqa: E402
from tests.mail import corpus as mail_corpus  # noqa: E402
from tests.mail.imap_fixtures import running_pymap  # noqa: E402

#: messages per second, parsed and stored (the issue's target)
TARGET = 100
#: paths with their own target: the MTA pipe pays a process start per message
TARGETS = {"mailgate": 20}
ROOT = Path(__file__).resolve().parent.parent


def database(backend: str, workdir: Path, name: str) -> str:
    """An empty database with the current schema: a SQLite file, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        url = f"sqlite:///{workdir / (name + '.db')}"
    else:
        base = os.environ.get("BENCH_DATABASE_URL")
        if not base:
            sys.exit("BENCH_DATABASE_URL is not set: run bench/mail_ingest, which starts a private PostgreSQL")
        admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = base.rsplit("/", 1)[0] + "/" + name
    engine = db.make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


def counts(app) -> tuple[int, int]:
    with app.app_context():
        session = db.session()
        return (session.scalar(select(func.count()).select_from(FeedbackItem)),
                session.scalar(select(func.count()).select_from(InboundMessage)))


def pipe(app, messages: list[bytes]) -> tuple[float, float, Counter]:
    """Wall and CPU seconds to ingest every message, one transaction each, and the outcomes."""
    outcomes: Counter = Counter()
    with app.app_context():
        settings, session = IngestSettings.from_config(app.config), db.session()
        started, cpu = time.perf_counter(), time.process_time()
        for raw in messages:
            outcomes[receive(session, raw, "pipe", settings).outcome] += 1
        return time.perf_counter() - started, time.process_time() - cpu, outcomes


def imap(app) -> tuple[float, float, Counter]:
    """Wall and CPU seconds for one `flask mail fetch` run over the whole folder, and the outcomes."""
    outcomes: Counter = Counter()
    with app.app_context():
        settings, session = IngestSettings.from_config(app.config), db.session()
        started, cpu = time.perf_counter(), time.process_time()
        for batch_counts in imap_fetch.fetch(imap_fetch.ImapSettings.from_config(app.config),
                                             lambda raws: stored_outcomes(session, raws, "imap", settings)):
            outcomes.update(batch_counts)
        return time.perf_counter() - started, time.process_time() - cpu, outcomes



def lmtp(url: str, messages: list[bytes], clients: int, through_pipe: bool = False) -> tuple[float, float, Counter]:
    """Wall seconds to deliver every message to a `flask mail lmtp` process over `clients` LMTP connections (or,
    through_pipe, by one scripts/mailgate process per message, `clients` at a time, as an MTA's pipe deliveries), the
    listener's CPU seconds, and the outcomes (the first word of each 250 reply)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": "bench", "PORTAL_LOG_REQUESTS": "false",
           "PORTAL_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "lmtp", "--port", str(port)]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) as listener:
        listener.stdout.readline()
        cpu = _cpu_seconds(listener.pid)
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            send = _pipe_all if through_pipe else _deliver_all
            shares = pool.map(lambda share: send(port, share), [messages[i::clients] for i in range(clients)])
            outcomes = sum(shares, Counter())
        seconds, cpu = time.perf_counter() - started, _cpu_seconds(listener.pid) - cpu
        listener.send_signal(signal.SIGTERM)
        listener.communicate(timeout=60)
    return seconds, cpu, outcomes


def _deliver_all(port: int, messages: list[bytes]) -> Counter:
    """One LMTP connection delivering each message in turn, as an MTA reuses its connections."""
    outcomes: Counter = Counter()
    with smtplib.LMTP("127.0.0.1", port) as client:
        client.ehlo()
        for raw in messages:
            client.mail("citizen@example.cn")
            client.rcpt("gsghzys@163.com")
            code, text = client.data(raw)
            outcomes[text.decode().split()[1] if code == 250 else f"refused {code}"] += 1
    return outcomes


def _pipe_all(port: int, messages: list[bytes]) -> Counter:
    """One scripts/mailgate process per message, in turn, as an MTA's pipe transport runs them: the script by its own
    #! line (python3 -I -S, this interpreter's directory first on PATH)."""
    outcomes: Counter = Counter()
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "SENDER": "citizen@example.cn",
           "RECIPIENT": "gsghzys@163.com"}
    for raw in messages:
        done = subprocess.run([str(ROOT / "scripts" / "mailgate"), "--listener", f"127.0.0.1:{port}"], input=raw,
                              capture_output=True, env=env)
        reply = done.stdout.decode().split()
        outcomes[reply[2] if done.returncode == 0 and len(reply) > 2 else f"exit {done.returncode}"] += 1
    return outcomes


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def report(label: str, seconds: float, cpu: float, outcomes: Counter, before: tuple[int, int],
           after: tuple[int, int]) -> None:
    """One line of figures; CPU is the ingesting process's (this one, or the LMTP listener), not the database's or
    pymap's."""
    total = sum(outcomes.values())
    print(f"  {label:<24} {total:>5} msgs {seconds:7.2f} s = {total / seconds:6.1f} msgs/s "
          f"(CPU {1000 * cpu / total:4.1f} ms/msg)  items +{after[0] - before[0]}, stored +{after[1] - before[1]}, "
          f"ignored {outcomes['ignored']}, quarantined {outcomes['quarantined']}, duplicates {outcomes['duplicate']}",
          flush=True)


def run_backend(backend: str, count: int, paths: list[str], batch: int, clients: int, server, workdir: Path
                ) -> list[str]:
    """Each path on a fresh database of this backend: every message, then every message again; the failed checks."""
    failures = []
    for path in paths:
        instance = workdir / f"{backend}-{path}"
        instance.mkdir()
        url = database(backend, workdir, f"portal_bench_mail_{path}")
        server.new_folder()
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": False,
                          **server.config(IMAP_PORT=server.port, IMAP_BATCH=batch)}, instance_path=str(instance))
        messages = mail_corpus.varied(count, tag=f"{backend}-{path}")
        expected_items = mail_corpus.items_in_varied(count)
        if path == "imap":
            started = time.perf_counter()
            server.append(*messages)
            print(f"  (appended {count} messages to the IMAP folder in {time.perf_counter() - started:.1f} s)")
        empty = counts(app)
        seconds, cpu, outcomes = deliver(path, app, url, messages, clients)
        first = counts(app)
        report(f"{backend} {path}", seconds, cpu, outcomes, empty, first)
        if path == "imap":
            client = server.connect()
            client.select(server.folder)
            client.store("1:*", "-FLAGS", r"(\Seen)")
            client.logout()
        rerun_seconds, rerun_cpu, again = deliver(path, app, url, messages, clients)
        second = counts(app)
        report(f"{backend} {path} re-run", rerun_seconds, rerun_cpu, again, first, second)
        if count / seconds < TARGETS.get(path, TARGET):
            failures.append(f"{backend} {path}: {count / seconds:.0f} msgs/s is below the target of "
                            f"{TARGETS.get(path, TARGET)}")
        if first != (expected_items, count):
            failures.append(f"{backend} {path}: {first[0]} items / {first[1]} stored, "
                            f"expected {expected_items} / {count}")
        if second != first or again["duplicate"] != count:
            failures.append(f"{backend} {path} re-run created rows or missed duplicates: {dict(again)}")
    return failures


def deliver(path: str, app, url: str, messages: list[bytes], clients: int) -> tuple[float, float, Counter]:
    if path == "pipe":
        return pipe(app, messages)
    if path in ("lmtp", "mailgate"):
        return lmtp(url, messages, clients, through_pipe=path == "mailgate")
    return imap(app)


def parse_only(messages: list[bytes]) -> float:
    started = time.perf_counter()
    for raw in messages:
        try:
            parse(raw)
        except MailParseError:
            pass
    return len(messages) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--paths", default="pipe,lmtp,imap")
    parser.add_argument("--batch", type=int, default=50, help="IMAP_BATCH")
    parser.add_argument("--clients", type=int, default=4, help="LMTP connections (or mailgate processes at a time)")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}; "
          f"{args.messages} messages, {mail_corpus.items_in_varied(args.messages)} of them new items")
    print(f"  parsing only: {parse_only(mail_corpus.varied(args.messages, tag='parse')):.0f} msgs/s")
    failures = []
    with tempfile.TemporaryDirectory() as tmp, running_pymap() as server:
        for backend in args.backends.split(","):
            failures += run_backend(backend.strip(), args.messages, args.paths.split(","), args.batch, args.clients,
                                    server, Path(tmp))
    print("FAILED: " + "; ".join(failures) if failures else "OK: every message stored once, re-runs made no duplicates")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
