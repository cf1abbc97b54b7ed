"""Real portal processes for tests: gunicorn wsgi:app on a free loopback port, and plain HTTP requests to it."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, data: bytes | None = None, cookie: str = "") -> tuple[int, str, str]:
    """(status, body, session cookie) of one request on a connection of its own."""
    request = urllib.request.Request(url, data=data, headers={"Cookie": cookie, "Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), response.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), ""


class Gunicorn:
    """gunicorn wsgi:app with `workers` workers on a loopback port (a free one unless given), against database_url.

    It runs in a process group of its own, so kill() takes the master and its workers down at once, as a host that
    dies would; start() brings it up again on the same port."""

    def __init__(self, database_url: str, tmp_path: Path, *, workers: int = 4, port: int | None = None,
                 **settings: str) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers, self.tmp_path = workers, tmp_path
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "PORTAL_DATABASE_URL": database_url, "PORTAL_SECRET_KEY": "workers-test",
                    "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"), "PORTAL_LOG_REQUESTS": "false",
                    **{f"PORTAL_{name}": value for name, value in settings.items()}}
        self.start()

    def start(self) -> None:
        # -c /dev/null: without the warm-up of gunicorn.conf.py (templates, jieba, measure indexes), which the tests
        # do not need and which would cost each of the workers seconds on a loaded machine
        with open(self.tmp_path / "gunicorn.log", "a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "/dev/null", "-w", str(self.workers),
                 "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(self.url + "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not answer within a minute")

    def form(self, path: str) -> tuple[str, str]:
        """(session cookie, CSRF token) of the form at path."""
        status, body, cookie = request(self.url + path)
        assert status == 200
        return cookie.split(";", 1)[0], TOKEN.search(body).group(1)

    def kill(self) -> None:
        """The master and every worker killed at once (SIGKILL): nothing is finished, nothing is answered."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
