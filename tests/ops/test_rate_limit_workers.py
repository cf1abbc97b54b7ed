"""Rate limits hold across gunicorn workers: 4 workers share one count in the portal's database (SQLite, PostgreSQL)
or in Redis, so exactly the limit gets through however the requests are spread over connections and workers."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from portal import db
from portal.models import Base
from tests.conftest import fresh_pg_database

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
CONNECTIONS = 8
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, data: bytes | None = None, cookie: str = "") -> tuple[int, str, str]:
    """(status, body, session cookie) of one request on a connection of its own."""
    request = urllib.request.Request(url, data=data, headers={"Cookie": cookie, "Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), response.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), ""


class Gunicorn:
    """gunicorn wsgi:app with WORKERS workers on a free loopback port, against database_url."""

    def __init__(self, database_url: str, tmp_path: Path, **settings: str) -> None:
        self.url = f"http://127.0.0.1:{_free_port()}"
        env = {**os.environ, "PORTAL_DATABASE_URL": database_url, "PORTAL_SECRET_KEY": "workers-test",
               "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"), "PORTAL_LOG_REQUESTS": "false",
               **{f"PORTAL_{name}": value for name, value in settings.items()}}
        # -c /dev/null: without the warm-up of gunicorn.conf.py (templates, jieba, measure indexes), which these
        # limits do not need and which would cost each of the workers seconds on a loaded machine
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "/dev/null", "-w", str(WORKERS),
             "-b", self.url.removeprefix("http://"), "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "gunicorn.log", "w"))
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _request(self.url + "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not answer within a minute")

    def form(self, path: str) -> tuple[str, str]:
        """(session cookie, CSRF token) of the form at path."""
        status, body, cookie = _request(self.url + path)
        assert status == 200
        return cookie.split(";", 1)[0], TOKEN.search(body).group(1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _posts(server: Gunicorn, path: str, fields: dict[str, str], count: int) -> list[int]:
    """Statuses of count POSTs of the form at path, sent over CONNECTIONS concurrent connections."""
    cookie, token = server.form(path)
    body = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        return list(pool.map(lambda _i: _request(server.url + path, body, cookie)[0], range(count)))


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
            gunicorn = Gunicorn(_schema(url), tmp_path, **settings)
            yield gunicorn
            gunicorn.stop()
        return
    if request.param == "redis":
        settings["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:6379/{os.getpid() % 16}"
        _flush_redis(settings["RATELIMIT_STORAGE_URI"])
    gunicorn = Gunicorn(_schema(f"sqlite:///{tmp_path / 'portal.db'}"), tmp_path, **settings)
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
