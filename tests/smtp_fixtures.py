"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives, and can go down and come back."""
from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One message as the server got it: the envelope and the parsed email."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    email: EmailMessage


class _Keep:
    """aiosmtpd handler: refuse unknown recipients; keep each message, or answer DATA with data_reply instead."""

    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, _server, _session, envelope, address: str, _options) -> str:
        if address in self.sink.unknown_recipients:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope) -> str:
        self.sink.receiving.set()
        await asyncio.sleep(self.sink.data_delay)
        if self.sink.data_reply:
            return self.sink.data_reply
        raw = bytes(envelope.content)
        self.sink.keep(Received(envelope.mail_from, list(envelope.rcpt_tos), raw,
                                message_from_bytes(raw, policy=policy.default)))
        return "250 OK"


class SmtpSink:
    """The SMTP server tests send to: start(), stop() to simulate an outage, messages received so far."""

    def __init__(self) -> None:
        self.host = HOST
        self.port = _free_port()
        self.messages: list[Received] = []
        #: when set (e.g. "451 4.3.0 try later"), DATA is answered with it and nothing is kept
        self.data_reply = ""
        #: addresses RCPT TO refuses with 550
        self.unknown_recipients: set[str] = set()
        #: seconds the server takes over each message, so that concurrent senders really overlap
        self.data_delay = 0.0
        #: set when a message's DATA has arrived (and data_delay begins)
        self.receiving = threading.Event()
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def keep(self, received: Received) -> None:
        with self._lock:
            self.messages.append(received)

    def start(self) -> None:
        """Listen (again) on the same port; a stopped aiosmtpd controller cannot be restarted, so make a new one."""
        if self._controller is None:
            self._controller = Controller(_Keep(self), hostname=self.host, port=self.port)
            self._controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused until start()."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def config(self) -> dict:
        """App config that points Flask-Mail at this server (and really sends, although TESTING is on)."""
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port, "MAIL_USE_TLS": False, "MAIL_USE_SSL": False,
                "MAIL_USERNAME": None, "MAIL_PASSWORD": None, "MAIL_SUPPRESS_SEND": False, "MAIL_TIMEOUT": 10}

    def message_ids(self) -> list[str]:
        with self._lock:
            return [m.email["Message-ID"] for m in self.messages]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_sink():
    """A running SmtpSink, stopped after the test."""
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()
