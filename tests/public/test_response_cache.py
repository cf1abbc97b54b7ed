"""The response cache's own bounds: least recently used pages go first once the bodies pass the byte budget."""
from __future__ import annotations

from portal.public.response_cache import ResponseCache


def test_the_least_recently_used_entries_go_first_past_the_byte_budget():
    cache = ResponseCache(max_bytes=10)
    cache.put("a", "A", 4)
    cache.put("b", "B", 4)
    assert cache.get("a") == "A"  # a is now the most recently used
    cache.put("c", "C", 4)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")


def test_replacing_an_entry_counts_its_size_once():
    cache = ResponseCache(max_bytes=10)
    for _ in range(5):
        cache.put("a", "A", 6)
    cache.put("b", "B", 4)
    assert (cache.get("a"), cache.get("b")) == ("A", "B")


def test_an_entry_larger_than_the_budget_is_not_kept():
    cache = ResponseCache(max_bytes=10)
    cache.put("huge", "H", 11)
    assert cache.get("huge") is None
