"""Two app hosts behind nginx (docs/deploy/): opinions sent through nginx while one host is killed and started again
are each stored exactly once — the host that is up takes new requests, and a form sent again after a 502 finds the
first POST's receipt instead of making a second item."""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from portal import db, version_mirror
from portal.models import Base, FeedbackItem, IntakeReceipt
from portal.services.common import public_version
from portal.services.common.public_version import FEEDBACK, SCOPES
from tests.conftest import fresh_pg_database
from tests.ops.app_servers import ROOT, TOKEN, Gunicorn, free_port

DEPLOY = ROOT / "docs" / "deploy" / "nginx"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
VERSION_KEYS = [version_mirror.REDIS_KEY.format(scope=scope) for scope in SCOPES]
SUBMISSION = re.compile(r'name="submission" type="hidden" value="([^"]+)"')
CASE_NUMBER = re.compile(r'class="case-number">([A-Z]+-\d{4}-\d{6,})<')
CLIENTS, OPINIONS_EACH = 8, 5
#: a client sends its form again after a 502 or a refused connection, at most this often
ATTEMPTS = 40
RETRY = (502, 503, 504)


class Nginx:
    """Debian's nginx on a free loopback port, configured with the documented upstream and locations files (their
    example addresses and paths replaced by the test's)."""

    def __init__(self, tmp_path: Path, hosts: list[Gunicorn]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        prefix = tmp_path / "nginx"
        self.error_log = prefix / "logs" / "error.log"
        (prefix / "logs").mkdir(parents=True)
        upstream = (DEPLOY / "portal-upstream.conf").read_text(encoding="utf-8")
        upstream = upstream.replace("10.0.0.11:8000", f"127.0.0.1:{hosts[0].port}")
        upstream = upstream.replace("10.0.0.12:8000", f"127.0.0.1:{hosts[1].port}")
        locations = (DEPLOY / "portal-locations.conf").read_text(encoding="utf-8")
        locations = locations.replace("/opt/portal/app/", f"{ROOT}/")
        (prefix / "upstream.conf").write_text(upstream, encoding="utf-8")
        (prefix / "locations.conf").write_text(locations, encoding="utf-8")
        temp = "".join(f"{kind}_temp_path {prefix / kind};\n"
                       for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (prefix / "nginx.conf").write_text(f"""
daemon off;
pid {prefix / 'nginx.pid'};
error_log {self.error_log} warn;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    {temp}
    include {prefix / 'upstream.conf'};
    server {{
        listen 127.0.0.1:{self.port};
        include {prefix / 'locations.conf'};
    }}
}}
""", encoding="utf-8")
        self.process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError(f"nginx did not start: {self.process.stderr.read().decode()}") from None
                time.sleep(0.2)
        raise AssertionError("nginx did not answer within 20 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _schema(url: str) -> str:
    engine = db.make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


def _again(call):
    """call() until it is answered by a host that is up: a 502–504 or a refused connection is tried again."""
    for _ in range(ATTEMPTS):
        try:
            return call()
        except urllib.error.HTTPError as error:
            if error.code not in RETRY:
                raise
        except urllib.error.URLError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"no answer after {ATTEMPTS} attempts")


def _send_opinion(base: str, number: int) -> str:
    """One citizen's opinion sent through nginx, sent again (same form, same token) until it is answered; the case
    number on the result page."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def read(path: str, data: bytes | None = None) -> str:
        with opener.open(base + path, data=data, timeout=30) as response:
            return response.read().decode()

    form = _again(lambda: read("/feedback"))
    body = urllib.parse.urlencode({
        "kind": "suggestion", "consent": "y", "csrf_token": TOKEN.search(form)[1],
        "submission": SUBMISSION.search(form)[1],
        "content": f"第{number}条意见：建议公开第二批整改措施的完成时间和佐证材料，便于群众监督。"}).encode()
    result = _again(lambda: read("/feedback", body))
    return CASE_NUMBER.search(result)[1]


@pytest.mark.slow
@pytest.mark.postgres
def test_opinions_sent_through_nginx_are_stored_once_while_an_app_host_dies_and_comes_back(tmp_path):
    redis_url = f"redis://127.0.0.1:6379/{os.getpid() % 16}"
    settings = {"FORM_RATE_LIMIT": "1000 per minute", "PROXY_FIX_X_FOR": "1", "RATELIMIT_STORAGE_URI": redis_url,
                "PUBLIC_VERSION_REDIS_URL": redis_url, "PUBLIC_VERSION_SECONDS": "0"}
    copies = redis.Redis.from_url(redis_url)
    copies.delete(*VERSION_KEYS)
    with fresh_pg_database(f"portal_hosts_{os.getpid()}") as url:
        _schema(url)
        hosts = [Gunicorn(url, tmp_path / name, workers=2, **settings) for name in ("host1", "host2")]
        nginx = Nginx(tmp_path, hosts)
        answered: list[str] = []
        enough = threading.Event()

        def send(number: int) -> str:
            case = _send_opinion(nginx.url, number)
            answered.append(case)
            if len(answered) >= CLIENTS:
                enough.set()
            return case

        try:
            with ThreadPoolExecutor(CLIENTS) as pool:
                cases = pool.map(send, range(CLIENTS * OPINIONS_EACH))
                assert enough.wait(120), "the first opinions were not answered"
                hosts[0].kill()
                time.sleep(1.5)
                hosts[0].start()
                cases = list(cases)
        finally:
            nginx.stop()
            for host in hosts:
                host.stop()
        engine = db.make_engine(url)
        with engine.connect() as conn:
            items = conn.scalar(select(func.count()).select_from(FeedbackItem))
            receipts = conn.scalar(select(func.count()).select_from(IntakeReceipt))
            stored = set(conn.scalars(select(FeedbackItem.case_number)))
            versions = public_version.read(conn)
        engine.dispose()
    # every commit copied the versions it moved to Redis, from whichever host: the copy is the database's
    assert [int(value.split(b"|")[0]) for value in copies.mget(VERSION_KEYS)] == list(versions.numbers)
    assert versions.numbers[SCOPES.index(FEEDBACK)] >= len(cases)
    # nginx saw the killed host fail requests it had taken, or refuse connections: the fault happened under load
    assert re.search(r"upstream prematurely closed|Connection reset by peer|connect\(\) failed",
                     nginx.error_log.read_text(encoding="utf-8"))
    assert len(cases) == CLIENTS * OPINIONS_EACH
    assert len(set(cases)) == len(cases)
    assert items == receipts == len(cases)
    assert stored == set(cases)
