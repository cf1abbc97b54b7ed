"""A storage for the limits library in the portal's own database: one count per key and window, for every worker.

Flask-Limiter's default memory:// storage counts in each process, so with n workers a limit lets n times as many
requests through. This one keeps the counters in the rate_limit_counter table, incremented by one atomic
INSERT … ON CONFLICT DO UPDATE (SQLite ≥ 3.35 and PostgreSQL alike), so the fixed-window strategy holds across
workers and hosts with nothing more to run. Its URI is portal+db:// followed by the SQLAlchemy URL.
"""
from __future__ import annotations

import os
import time
from functools import cache

from limits.storage import Storage
from sqlalchemy import Table, case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from portal.db import make_engine

SCHEME = "portal+db"
#: how often (seconds) a process deletes the windows that have ended
SWEEP_SECONDS = 60
#: one engine per database and process: pooled connections must not cross a fork
_engines: dict[tuple[str, int], Engine] = {}


@cache
def _table() -> Table:
    """The counters' table, from its model: the models load with the first limited request, not with every command
    (Flask-Limiter makes the storage when the app is created)."""
    from portal.models import RateLimitCounter

    return RateLimitCounter.__table__  # type: ignore[return-value]  # a mapped class's is a Table


def storage_uri(database_url: str) -> str:
    return f"{SCHEME}://{database_url}"


def _engine(url: str) -> Engine:
    """SQLite connects per use (a file, cheap to open; nothing left open between requests), servers through a pool."""
    key = (url, os.getpid())
    if key not in _engines:
        _engines[key] = make_engine(url, poolclass=NullPool) if url.startswith("sqlite") else make_engine(url)
    return _engines[key]


class DatabaseStorage(Storage):
    """Fixed-window counters in the rate_limit_counter table (created by the portal's migrations)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions, **options)
        self.url = uri.removeprefix(f"{SCHEME}://")
        self.next_sweep = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    @property
    def engine(self) -> Engine:
        return _engine(self.url)

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add amount to key's window, starting a new window of expiry seconds when the last one has ended."""
        counters = _table()
        now = time.time()
        engine = self.engine
        insert = (sqlite.insert if engine.dialect.name == "sqlite" else postgresql.insert)(counters)
        insert = insert.values(key=key, expires_at=now + expiry, count=amount)
        ended = counters.c.expires_at <= now
        statement = insert.on_conflict_do_update(index_elements=[counters.c.key], set_={
            "count": case((ended, insert.excluded["count"]), else_=counters.c.count + insert.excluded["count"]),
            "expires_at": case((ended, insert.excluded.expires_at), else_=counters.c.expires_at),
        }).returning(counters.c.count)
        with engine.begin() as connection:
            count = connection.execute(statement).scalar_one()
        if now >= self.next_sweep:
            self.next_sweep = now + SWEEP_SECONDS
            self._sweep(now)
        return count

    def _sweep(self, now: float) -> None:
        """Delete the windows that have ended, so the table holds only the last minutes' clients."""
        counters = _table()
        with self.engine.begin() as connection:
            connection.execute(delete(counters).where(counters.c.expires_at <= now))

    def get(self, key: str) -> int:
        counters = _table()
        query = select(counters.c.count).where(counters.c.key == key, counters.c.expires_at > time.time())
        with self.engine.connect() as connection:
            return connection.scalar(query) or 0

    def get_expiry(self, key: str) -> float:
        counters = _table()
        now = time.time()
        query = select(counters.c.expires_at).where(counters.c.key == key, counters.c.expires_at > now)
        with self.engine.connect() as connection:
            return connection.scalar(query) or now

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        counters = _table()
        with self.engine.begin() as connection:
            return connection.execute(delete(counters)).rowcount

    def clear(self, key: str) -> None:
        counters = _table()
        with self.engine.begin() as connection:
            connection.execute(delete(counters).where(counters.c.key == key))
