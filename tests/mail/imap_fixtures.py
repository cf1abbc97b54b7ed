"""A real IMAP server for tests: pymap (in-memory backend) on a free loopback port, behind a proxy that drops connections.

tests/mail/conftest.py provides the fixture to the mail tests.
"""
from __future__ import annotations

import atexit
import ctypes
import imaplib
import itertools
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

USER, PASSWORD = "office", "imap-test-password"
PR_SET_PDEATHSIG = 1
FETCHED_BODY = re.compile(rb"^\* \d+ FETCH \(.*BODY\[")
LITERAL = re.compile(rb"\{(\d+)\+?\}\r\n$")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Proxy:
    """Relays IMAP between client and server; can close the connection after N fetched messages or on a command."""

    def __init__(self, upstream: int) -> None:
        self.upstream = upstream
        self.drop_after_fetches: int | None = None
        self.drop_on_command: bytes | None = None
        self.dropped = 0
        #: the command name of every line a client sent, in order (b"LOGIN", b"ID", b"SELECT", b"UID" …)
        self.commands: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream))
            threading.Thread(target=self._client_to_server, args=(client, server), daemon=True).start()
            threading.Thread(target=self._server_to_client, args=(server, client), daemon=True).start()

    def _drop(self, *sockets: socket.socket) -> None:
        self.dropped += 1
        self.drop_after_fetches = self.drop_on_command = None
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _client_to_server(self, client: socket.socket, server: socket.socket) -> None:
        reader = client.makefile("rb")
        try:
            for line in reader:
                self.commands.append((line.split(b" ", 2) + [b""])[1].strip().upper())
                if self.drop_on_command and self.drop_on_command in line.upper():
                    self._drop(client, server)
                    return
                server.sendall(line)
        except OSError:
            pass

    def _server_to_client(self, server: socket.socket, client: socket.socket) -> None:
        """Forward whole responses (a line and its literal), counting FETCH responses that carry a message body."""
        reader = server.makefile("rb")
        fetched = 0
        try:
            for line in reader:
                literal = LITERAL.search(line)
                client.sendall(line + (reader.read(int(literal.group(1))) if literal else b""))
                if FETCHED_BODY.match(line):
                    fetched += 1
                    if self.drop_after_fetches is not None and fetched >= self.drop_after_fetches:
                        self._drop(client, server)
                        return
        except OSError:
            pass

    def close(self) -> None:
        self._listener.close()


class ImapServer:
    """pymap with one account; each test gets its own folder; messages go in by APPEND over a direct connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.user, self.password = USER, PASSWORD
        self._folders = itertools.count(1)
        self.proxy = Proxy(port)
        self.folder = "INBOX"

    def connect(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port)
        # imaplib writes an APPEND literal and its CRLF separately: without this each append waits for a delayed ACK
        client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.login(self.user, self.password)
        return client

    def new_folder(self) -> str:
        self.folder = f"test{next(self._folders)}"
        client = self.connect()
        client.create(self.folder)
        client.logout()
        self.proxy.drop_after_fetches = self.proxy.drop_on_command = None
        self.proxy.commands.clear()
        return self.folder

    def append(self, *messages: bytes, folder: str | None = None, seen: bool = False) -> None:
        client = self.connect()
        for raw in messages:
            typ, data = client.append(folder or self.folder, r"(\Seen)" if seen else None, None, raw)
            assert typ == "OK", data
        client.logout()

    def flags(self, folder: str | None = None) -> list[str]:
        """The flags of every message in the folder, in order."""
        client = self.connect()
        client.select(folder or self.folder, readonly=True)
        typ, data = client.fetch("1:*", "(FLAGS)")
        client.logout()
        return [item.decode() for item in data if item] if typ == "OK" and data != [None] else []

    def unseen(self, folder: str | None = None) -> int:
        return sum("\\Seen" not in flags for flags in self.flags(folder))

    def config(self, **overrides) -> dict:
        """App config pointing at this server through the proxy, without TLS (loopback only)."""
        return {"IMAP_HOST": "127.0.0.1", "IMAP_PORT": self.proxy.port, "IMAP_SECURITY": "none",
                "IMAP_USER": self.user, "IMAP_PASSWORD": self.password, "IMAP_FOLDER": self.folder, **overrides}


def _die_with_parent() -> None:
    """Linux: pymap gets SIGTERM when the test process dies, even when it is killed before atexit runs."""
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextmanager
def running_pymap():
    """Start pymap's dict backend on a free port; stop it afterwards."""
    port = free_port()
    pymap = Path(sys.executable).with_name("pymap")
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([str(pymap), "--host", "127.0.0.1", "--port", str(port), "dict",
                                "--demo-user", USER, "--demo-password", PASSWORD], stdout=log, stderr=log,
                               preexec_fn=_die_with_parent)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"pymap did not start: {log.read().decode()[-2000:]}") from None
                time.sleep(0.1)
        server = ImapServer(port)
        yield server
        server.proxy.close()
    finally:
        process.terminate()
        process.wait(10)
        log.close()


_shared: list[ImapServer] = []


def _shared_server() -> ImapServer:
    """One pymap per test process, started on first use and stopped when the process exits."""
    if not _shared:
        context = running_pymap()
        _shared.append(context.__enter__())
        atexit.register(context.__exit__, None, None, None)
    return _shared[0]


@pytest.fixture
def imap_server() -> ImapServer:
    """A real IMAP server holding a fresh, empty folder for this test; see ImapServer and Proxy."""
    server = _shared_server()
    server.new_folder()
    return server
