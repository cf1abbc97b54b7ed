"""What RESULTS.md records with each run: the machine, the software, the date and the load average at the start."""
from __future__ import annotations

import os
import platform
import statistics
from datetime import datetime

from sqlalchemy import create_engine, text


def describe(database_url: str | None = None) -> str:
    """One line: date, uname -m, cores, RAM, Python, PostgreSQL, load average now (call it before the load starts)."""
    ram = "?"
    try:
        with open("/proc/meminfo") as meminfo:
            ram = f"{int(meminfo.readline().split()[1]) / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    pg = ""
    if database_url:
        engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            pg = ", PostgreSQL " + conn.scalar(text("SHOW server_version")).split()[0]
        engine.dispose()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{datetime.now():%Y-%m-%d %H:%M}, {platform.machine()}, {os.cpu_count()} cores, {ram}, "
            f"Python {platform.python_version()}{pg}; load average at start {load}")


def percentiles(latencies_ms: list[float]) -> tuple[float, float, float]:
    """(p50, p95, p99) in ms; a single sample counts for all three, none gives zeros."""
    if len(latencies_ms) < 2:
        value = latencies_ms[0] if latencies_ms else 0.0
        return value, value, value
    cuts = statistics.quantiles(latencies_ms, n=100, method="inclusive")
    return statistics.median(latencies_ms), cuts[94], cuts[98]
