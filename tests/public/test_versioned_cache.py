"""The public cache: values per campaign data version, and the home page's version remembered for a short while."""
from __future__ import annotations

from portal.public.versioned_cache import VersionedCache


def test_a_value_is_computed_once_per_version_and_again_when_the_version_moves():
    cache, calls = VersionedCache(), []

    def compute(label):
        calls.append(label)
        return label

    assert cache.get(1, 3, "home", lambda: compute("v3")) == "v3"
    assert cache.get(1, 3, "home", lambda: compute("again")) == "v3"
    assert cache.get(1, 4, "home", lambda: compute("v4")) == "v4"
    assert cache.get(1, 3, "home", lambda: compute("old")) == "old"  # an old version is computed, not stored
    assert cache.get(1, 4, "home", lambda: compute("not used")) == "v4"
    assert calls == ["v3", "v4", "old"]


def test_recent_reuses_a_lookup_within_max_age_only(monkeypatch):
    cache, clock, lookups = VersionedCache(), [100.0], []
    monkeypatch.setattr("portal.public.versioned_cache.time.monotonic", lambda: clock[0])

    def lookup():
        lookups.append(clock[0])
        return ("campaign", len(lookups))

    assert cache.recent("home", 1.0, lookup) == ("campaign", 1)
    clock[0] = 100.9
    assert cache.recent("home", 1.0, lookup) == ("campaign", 1)
    clock[0] = 101.0
    assert cache.recent("home", 1.0, lookup) == ("campaign", 2)
    assert cache.recent("home", 0, lookup) == ("campaign", 3)
    assert lookups == [100.0, 101.0, 101.0]


def test_recent_never_keeps_a_missing_answer():
    cache, lookups = VersionedCache(), []
    assert cache.recent("no-such-campaign", 60, lambda: lookups.append(1)) is None
    assert cache.recent("no-such-campaign", 60, lambda: lookups.append(1)) is None
    assert len(lookups) == 2
