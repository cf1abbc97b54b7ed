"""Delivery by LMTP (RFC 2033): the MTA hands every message to one long-running listener, which stores it as
`flask mail ingest` does, without a Python process started per message."""
from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP

log = logging.getLogger(__name__)
#: a passing failure (the database is unavailable…): the MTA keeps the message and delivers it again later
TEMPFAIL = "451 4.3.0 Temporary failure, message not stored; try again later"
#: store(raws) commits the messages and gives, for each, the text of its 250 reply or the exception that stopped it
StoreBatch = Callable[[list[bytes]], Sequence[str | BaseException]]


class Writers:
    """Threads that store the messages waiting, several in one transaction: a writer takes every message queued
    while it was busy (up to batch), so under load one commit serves many deliveries and when mail is quiet each
    message is stored at once, alone. A message's future is resolved only after the commit that holds it."""

    def __init__(self, store: StoreBatch, workers: int, batch: int) -> None:
        self.store, self.batch = store, batch
        self.waiting: queue.Queue[tuple[bytes, Future] | None] = queue.Queue()
        self.threads = [threading.Thread(target=self._run, name=f"lmtp-store-{n}", daemon=True)
                        for n in range(workers)]
        for thread in self.threads:
            thread.start()

    def submit(self, raw: bytes) -> Future:
        done: Future = Future()
        self.waiting.put((raw, done))
        return done

    def stop(self) -> None:
        """Store what is queued, then end every writer."""
        for _thread in self.threads:
            self.waiting.put(None)
        for thread in self.threads:
            thread.join()

    def _run(self) -> None:
        while (first := self.waiting.get()) is not None:
            taken = [first]
            stopping = False
            while len(taken) < self.batch:
                try:
                    more = self.waiting.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                taken.append(more)
            self._store(taken)
            if stopping:
                return

    def _store(self, taken: list[tuple[bytes, Future]]) -> None:
        try:
            outcomes: Sequence[str | BaseException] = self.store([raw for raw, _done in taken])
        except Exception as exc:  # noqa: BLE001 - every message of the batch is answered 451, none is lost
            outcomes = [exc] * len(taken)
        for (_raw, done), outcome in zip(taken, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                done.set_exception(outcome)
            else:
                done.set_result(outcome)


class _Deliver:
    """aiosmtpd handler: the message goes to the writers, and its 250 reply waits for the commit that stores it."""

    def __init__(self, writers: Writers) -> None:
        self.writers = writers

    async def handle_DATA(self, _server, _session, envelope) -> str:
        """Store the message once, then answer each accepted recipient with the same reply (RFC 2033 §4.2)."""
        try:
            stored = await asyncio.wrap_future(self.writers.submit(envelope.original_content))
            reply = f"250 2.0.0 {stored}"
        except Exception:  # noqa: BLE001 - any 5xx would make the MTA bounce the citizen's mail
            log.exception("LMTP 投递的邮件未能入库，已答复 451，MTA 稍后重新投递")
            reply = TEMPFAIL
        return "\r\n".join([reply] * len(envelope.rcpt_tos))


class LmtpServer(Controller):
    """LMTP on host:port in a thread of its own; `workers` threads store the messages, at most `batch` in one
    transaction.

    The SIZE it announces is max_bytes: the MTA refuses a larger message before sending it and bounces it to the
    sender, where the pipe would keep its headers in quarantine.
    """

    def __init__(self, store: StoreBatch, host: str, port: int, max_bytes: int, workers: int, batch: int) -> None:
        self.writers = Writers(store, workers, batch)
        super().__init__(_Deliver(self.writers), hostname=host, port=port, data_size_limit=max_bytes,
                         ident="zhenggai-portal")

    def factory(self) -> LMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)

    def stop(self, no_assert: bool = False) -> None:
        """Stop listening, then let the messages being stored finish."""
        super().stop(no_assert)
        self.writers.stop()
