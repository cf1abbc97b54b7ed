"""Command start-up: CPU time of `flask --help` and `flask mail ingest --help` against a bare import of Flask,
SQLAlchemy and psycopg (issue 19 item 6: a command within 2× that).

Each command runs --runs times in a fresh interpreter; the figure is the median of the child's user + system CPU
seconds (from wait4), which the other engineers' load on a shared machine changes far less than wall time; the
median wall time is printed beside it. --against DIR measures another checkout's commands too (before/after).
Run: bench/cli_startup [--runs N] [--against /path/to/other/checkout]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BARE = [sys.executable, "-c", "import flask, sqlalchemy, psycopg"]
FLASK = [sys.executable, "-m", "flask"]


def measure(command: list[str], cwd: Path, env: dict[str, str], runs: int) -> tuple[float, float]:
    """(median CPU seconds, median wall seconds) of command."""
    cpu, wall = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall.append(time.perf_counter() - start)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(command)} failed in {cwd}")
        cpu.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--against", type=Path, help="another checkout (main, say) to measure the same way")
    args = parser.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FLASK_APP": "wsgi", "PORTAL_INSTANCE_PATH": tmp,
               "PORTAL_DATABASE_URL": f"sqlite:///{tmp}/cli.db", "PORTAL_SECRET_KEY": "bench"}
        rows = [("python -c 'import flask, sqlalchemy, psycopg'", measure(BARE, ROOT, env, args.runs))]
        checkouts = [("", ROOT)] + ([(f" ({args.against})", args.against)] if args.against else [])
        for label, checkout in checkouts:
            checkout_env = {**env, "PYTHONPATH": str(checkout)}
            for command in (["--help"], ["mail", "ingest", "--help"], ["db", "--help"]):
                rows.append((f"flask {' '.join(command)}{label}",
                             measure(FLASK + command, checkout, checkout_env, args.runs)))
    bare = rows[0][1][0]
    print(f"\n{args.runs} runs each, median\n")
    print("| command | CPU s | × bare import | wall s |\n|---|---|---|---|")
    for label, (cpu, wall) in rows:
        print(f"| {label} | {cpu:.3f} | {cpu / bare:.2f} | {wall:.3f} |")


if __name__ == "__main__":
    main()
