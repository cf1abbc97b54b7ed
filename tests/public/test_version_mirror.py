"""The public data versions copied to Redis (portal.version_mirror), with a real Redis on 127.0.0.1:6379: a commit
copies what it moved, another host reads the copy instead of the database, the copy only moves forward, and a
missing key or an unreachable Redis falls back to the database."""
from __future__ import annotations

import logging
import os
from datetime import UTC, datetime

import pytest
import redis
from sqlalchemy import text

from portal import create_app, db, version_mirror
from portal.services.common import public_version
from portal.services.common.public_version import FEEDBACK, LEDGER, SCOPES, Versions
from tests.public.factory import count_queries, seed

#: a Redis database of this test process's own (the rate-limit tests use os.getpid() % 16 and flush it)
REDIS_URL = f"redis://127.0.0.1:6379/{15 - os.getpid() % 8}"
KEYS = [version_mirror.REDIS_KEY.format(scope=scope) for scope in SCOPES]


@pytest.fixture
def store():
    client = redis.Redis.from_url(REDIS_URL)
    client.delete(*KEYS)
    yield client
    client.delete(*KEYS)


def portal(db_url, tmp_path, name: str, **settings):
    instance = tmp_path / name
    instance.mkdir()
    return create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
                       "PUBLIC_VERSION_SECONDS": 0, "RATELIMIT_STORAGE_URI": "memory://",
                       "PUBLIC_VERSION_REDIS_URL": REDIS_URL, **settings}, instance_path=str(instance))


@pytest.fixture
def hosts(db_url, tmp_path, store):
    apps = [portal(db_url, tmp_path, name) for name in ("one", "two")]
    yield apps
    for app in apps:
        app.extensions["portal.db"].kw["bind"].dispose()


@pytest.fixture
def ledger(hosts) -> str:
    return seed(hosts[0], slug="small", problems=3)


def numbers_in(store) -> list[int | None]:
    return [int(value.decode().split("|")[0]) if value else None for value in store.mget(KEYS)]


def database_numbers(app) -> tuple[int, ...]:
    with app.app_context(), db.engine().connect() as connection:
        return public_version.read(connection).numbers


def test_a_commit_copies_the_versions_it_moved_with_a_lifetime(hosts, store, ledger):
    one, _two = hosts
    with one.app_context():
        session = db.session()
        public_version.mark_changed(session, LEDGER)
        session.commit()
    assert tuple(numbers_in(store)) == database_numbers(one) and database_numbers(one)[0] >= 1
    assert all(0 < store.ttl(key) <= 30 for key in KEYS)


def test_another_host_shows_a_change_reading_the_copy_not_the_database(hosts, store, ledger):
    one, two = hosts
    page = f"/campaigns/{ledger}/problems/2"
    assert two.test_client().get(page).status_code == 200
    with one.app_context():
        session = db.session()
        session.execute(text("UPDATE problem SET description = '经由另一主机修改的问题' WHERE number = 2"))
        public_version.mark_changed(session, LEDGER)
        session.commit()
    with count_queries(two) as statements:
        shown = two.test_client().get(page).get_data(as_text=True)
    assert "经由另一主机修改的问题" in shown
    assert not any("public_version" in statement for statement in statements)
    with count_queries(two) as statements:
        two.test_client().get(page)
    assert statements == []  # the page again, its versions from Redis: no SQL at all


def test_the_copy_only_moves_forward(hosts, store):
    mirror = hosts[0].extensions[version_mirror.KEY]
    when = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    mirror.publish(Versions((7, 3), when))
    mirror.publish(Versions((5, 4), datetime(2026, 12, 4, tzinfo=UTC)))
    assert numbers_in(store) == [7, 4]
    assert mirror.read() == Versions((7, 4), when)


def test_a_missing_key_is_read_from_the_database_and_copied_again(hosts, store, ledger):
    one, _two = hosts
    store.delete(KEYS[1])
    assert one.extensions[version_mirror.KEY].read() is None
    assert one.test_client().get(f"/campaigns/{ledger}/").status_code == 200
    assert tuple(numbers_in(store)) == database_numbers(one)


def test_without_redis_pages_read_the_database_and_the_failure_is_logged(db_url, tmp_path, ledger, caplog):
    app = portal(db_url, tmp_path, "unreachable", PUBLIC_VERSION_REDIS_URL="redis://127.0.0.1:9/0")
    page = f"/campaigns/{ledger}/problems/2"
    with caplog.at_level(logging.WARNING, logger="portal.version_mirror"):
        assert app.test_client().get(page).status_code == 200
        with app.app_context():
            session = db.session()
            session.execute(text("UPDATE problem SET description = '没有Redis也能看到的修改' WHERE number = 2"))
            public_version.mark_changed(session, LEDGER, FEEDBACK)
            session.commit()
        assert "没有Redis也能看到的修改" in app.test_client().get(page).get_data(as_text=True)
    assert any("Redis" in record.getMessage() for record in caplog.records)
    app.extensions["portal.db"].kw["bind"].dispose()


def test_without_the_setting_there_is_no_mirror(app):
    assert version_mirror.KEY not in app.extensions
    assert public_version.MIRROR not in app.extensions["portal.db"]().info
