"""Rate limits hold across gunicorn workers: 4 workers share one count in the portal's database (SQLite, PostgreSQL)
or in Redis, so exactly the limit gets through however the requests are spread over connections and workers."""
from __future__ import annotations

import os
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal import db
from portal.models import Base
from tests.conftest import fresh_pg_database
from tests.ops.app_servers import Gunicorn, request as http_request

WORKERS = 4
CONNECTIONS = 8


def _posts(server: Gunicorn, path: str, fields: dict[str, str], count: int) -> list[int]:
    """Statuses of count POSTs of the form at path, sent over CONNECTIONS concurrent connections."""
    cookie, token = server.form(path)
    body = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        return list(pool.map(lambda _i: http_request(server.url + path, body, cookie)[0], range(count)))


def _schema(url: str) -> str:
    engine = db.make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres), "redis"])
def server(request, tmp_path):
    settings = {"LOOKUP_RATE_LIMIT": "10 per minute", "LOGIN_RATE_LIMIT": "20 per minute",
                #: the per-case limit (one case from many addresses) is tested in tests/feedback/test_case_page.py
                "LOOKUP_CASE_RATE_LIMIT": "1000 per hour"}
    if request.param == "postgresql":
        with fresh_pg_database(f"portal_workers_{os.getpid()}") as url:
            gunicorn = Gunicorn(_schema(url), tmp_path, workers=WORKERS, **settings)
            yield gunicorn
            gunicorn.stop()
        return
    if request.param == "redis":
        settings["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:6379/{os.getpid() % 16}"
        _flush_redis(settings["RATELIMIT_STORAGE_URI"])
    gunicorn = Gunicorn(_schema(f"sqlite:///{tmp_path / 'portal.db'}"), tmp_path, workers=WORKERS, **settings)
    yield gunicorn
    gunicorn.stop()


def _flush_redis(uri: str) -> None:
    import redis
    redis.Redis.from_url(uri).flushdb()


@pytest.mark.slow
def test_exactly_the_lookup_limit_gets_through_four_workers(server):
    statuses = _posts(server, "/lookup", {"case_number": "GH-2026-000001", "code": "ABCD-EFGH"}, 24)
    assert statuses.count(429) == 14
    assert len(statuses) - statuses.count(429) == 10


@pytest.mark.slow
def test_exactly_the_login_limit_gets_through_four_workers(server):
    statuses = _posts(server, "/staff/login", {"email": "nobody@example.org", "password": "wrong password"}, 45)
    assert statuses.count(429) == 25
    assert len(statuses) - statuses.count(429) == 20
