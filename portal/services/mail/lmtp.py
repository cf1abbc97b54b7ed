"""Delivery by LMTP (RFC 2033): the MTA hands every message to one long-running listener, which stores it as
`flask mail ingest` does, without a Python process started per message."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP

log = logging.getLogger(__name__)
#: a passing failure (the database is unavailable…): the MTA keeps the message and delivers it again later
TEMPFAIL = "451 4.3.0 Temporary failure, message not stored; try again later"


class _Deliver:
    """aiosmtpd handler: store(raw) runs on a worker thread and commits; its text ends the 250 reply."""

    def __init__(self, store: Callable[[bytes], str], workers: ThreadPoolExecutor) -> None:
        self.store, self.workers = store, workers

    async def handle_DATA(self, _server, _session, envelope) -> str:
        """Store the message once, then answer each accepted recipient with the same reply (RFC 2033 §4.2)."""
        try:
            stored = await asyncio.get_running_loop().run_in_executor(self.workers, self.store,
                                                                      envelope.original_content)
            reply = f"250 2.0.0 {stored}"
        except Exception:  # noqa: BLE001 - any 5xx would make the MTA bounce the citizen's mail
            log.exception("LMTP 投递的邮件未能入库，已答复 451，MTA 稍后重新投递")
            reply = TEMPFAIL
        return "\r\n".join([reply] * len(envelope.rcpt_tos))


class LmtpServer(Controller):
    """LMTP on host:port in a thread of its own; at most `workers` messages are stored at once.

    The SIZE it announces is max_bytes: the MTA refuses a larger message before sending it and bounces it to the
    sender, where the pipe would keep its headers in quarantine.
    """

    def __init__(self, store: Callable[[bytes], str], host: str, port: int, max_bytes: int, workers: int) -> None:
        self.workers = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lmtp-store")
        super().__init__(_Deliver(store, self.workers), hostname=host, port=port, data_size_limit=max_bytes,
                         ident="zhenggai-portal")

    def factory(self) -> LMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)

    def stop(self, no_assert: bool = False) -> None:
        """Stop listening, then let the messages being stored finish."""
        super().stop(no_assert)
        self.workers.shutdown(wait=True)
