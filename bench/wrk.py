"""Shared by the benchmarks: a fresh PostgreSQL database, gunicorn apps on loopback, and wrk to measure them."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class WrkResult:
    url: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int

    def row(self, label: str) -> str:
        return (f"| {label} | {self.requests_per_s:,.0f} | {self.p50_ms:.1f} | {self.p99_ms:.1f} | {self.errors} |")


def fresh_database(base_url: str, name: str) -> str:
    """Drop and create database name on the server of base_url; return its URL."""
    admin = create_engine(base_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base_url.rsplit("/", 1)[0] + "/" + name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str, env: dict, workers: int = 2, cwd: Path = ROOT, options: tuple[str, ...] = ()):
    """Serve app (module:variable) with gunicorn on a free loopback port; yield its base URL.

    The app's log (one JSON line per request) goes to a file, as it would in production, not to the terminal.
    options go to gunicorn (-c FILE, say); without them it reads gunicorn.conf.py in cwd, as in production.
    """
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
           *options, app]
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **env}, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            _wait(base, proc)
        except RuntimeError:
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace")[-4000:])
            raise
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _wait(base: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            urllib.request.urlopen(base + "/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start in time")


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    print("==> installing wrk (Debian package)", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("wrk") or sys.exit("wrk is not available")


def run_wrk(url: str, connections: int = 32, duration: int = 10, threads: int = 2) -> WrkResult:
    """Drive url with wrk and parse requests/s, p50, p99 and socket errors/non-2xx responses."""
    out = subprocess.run([ensure_wrk(), f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+([\d.]+\w+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return WrkResult(url, rps, p50, p99, errors + (int(non2xx.group(1)) if non2xx else 0))


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
