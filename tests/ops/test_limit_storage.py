"""The rate-limit storage in the portal's database: fixed windows counted atomically, ended windows reset and swept."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import func, select

from portal import create_app, db
from portal.limit_storage import DatabaseStorage, storage_uri
from portal.limits import limiter
from portal.models import RateLimitCounter


def test_the_default_storage_is_the_portals_database(db_url, tmp_path):
    app = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "k"}, instance_path=str(tmp_path))
    assert app.config["RATELIMIT_STORAGE_URI"] == f"portal+db://{db_url}"
    assert isinstance(limiter.storage, DatabaseStorage)
    assert limiter.storage.url == db_url


def test_a_configured_redis_storage_is_used(db_url, tmp_path):
    create_app({"DATABASE_URL": db_url, "SECRET_KEY": "k", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"},
               instance_path=str(tmp_path))
    assert type(limiter.storage).__name__ == "RedisStorage" and limiter.storage.check()


def test_counts_add_up_within_a_window(db_url):
    storage = storage_from_string(storage_uri(db_url))
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("k", 60, amount=2) == 5
    assert storage.get("k") == 5 and storage.get("other") == 0
    storage.clear("k")
    assert storage.get("k") == 0


def test_an_ended_window_starts_again_from_the_new_hit(db_url):
    storage = storage_from_string(storage_uri(db_url))
    storage.incr("k", -1, amount=7)
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1
    assert storage.get_expiry("k") > storage.get_expiry("missing")


def test_ended_windows_are_swept(db_url):
    storage = storage_from_string(storage_uri(db_url))
    storage.incr("old", -1)
    storage.next_sweep = 0.0
    storage.incr("new", 60)
    with db.make_engine(db_url).connect() as connection:
        assert connection.scalars(select(RateLimitCounter.key)).all() == ["new"]


def test_concurrent_hits_let_exactly_the_limit_through(db_url):
    limit = parse("10 per minute")
    storage = storage_from_string(storage_uri(db_url))
    with ThreadPoolExecutor(8) as pool:
        allowed = list(pool.map(lambda _i: FixedWindowRateLimiter(storage).hit(limit, "client"), range(30)))
    assert allowed.count(True) == 10
    with db.make_engine(db_url).connect() as connection:
        assert connection.scalar(select(func.sum(RateLimitCounter.count))) == 30


def test_reset_and_check(db_url):
    storage = storage_from_string(storage_uri(db_url))
    storage.incr("a", 60)
    storage.incr("b", 60)
    assert storage.check()
    assert storage.reset() == 2
    assert storage.get("a") == 0
