"""In-process cache of what a campaign's ledger gives (figures), keyed by its data version; and recent lookups."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class VersionedCache:
    """Values per campaign, valid while the campaign's data version is unchanged.

    Only the newest version of each campaign is kept, so the cache is bounded by the number of
    campaigns times the few keys callers use per campaign. Each process keeps its own copy; the
    version read from the database on every request keeps them all consistent.
    """

    def __init__(self) -> None:
        self._entries: dict[int, tuple[int, dict[Hashable, Any]]] = {}
        self._versions: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def recent(self, key: Hashable, max_age: float, lookup: Callable[[], T | None]) -> T | None:
        """lookup()'s result for key, reused for max_age seconds (so a busy page asks the database at most once per
        interval per process); a None result is never kept, so that unknown keys cannot fill the memory."""
        now = time.monotonic()
        kept = self._versions.get(key)
        if kept is not None and now - kept[0] < max_age:
            return kept[1]
        value = lookup()
        if value is not None and max_age > 0:
            self._versions[key] = (now, value)
        return value

    def get(self, campaign_id: int, version: int, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value stored under key for this campaign version, computed and stored when missing."""
        entry = self._entries.get(campaign_id)
        if entry is not None and entry[0] == version and key in entry[1]:
            return entry[1][key]
        value = compute()
        with self._lock:
            current = self._entries.get(campaign_id)
            if current is None or current[0] < version:
                self._entries[campaign_id] = (version, {key: value})
            elif current[0] == version:
                current[1][key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._versions.clear()
