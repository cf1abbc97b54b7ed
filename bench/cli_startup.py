"""Command start-up: CPU time of `flask --help` and `flask mail ingest --help` against a bare import of Flask,
SQLAlchemy and psycopg (issue 19 item 6: a command within 2× that).

Each command runs --runs times in a fresh interpreter, the commands taking turns; the figure is the median of the
child's user + system CPU seconds (from wait4), which the other engineers' load on a shared machine changes far less
than wall time; the median wall time is printed beside it. --against DIR measures another checkout's commands too
(before/after).

Python runs from byte-code caches, as a deployed portal does (pip compiles site-packages; the portal's own modules
get theirs at their first import, or from `python -m compileall`): the caches go to a private PYTHONPYCACHEPREFIX,
filled by one unmeasured run of each command, even when PYTHONDONTWRITEBYTECODE is set (this machine sets it, so
every command used to compile the portal's 200 modules from source: --from-source measures that way).
Run: bench/cli_startup [--runs N] [--against /path/to/other/checkout] [--from-source]
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


def run_once(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of command."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}")
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--against", type=Path, help="another checkout (main, say) to measure the same way")
    parser.add_argument("--from-source", action="store_true",
                        help="no byte-code caches for what pip did not compile (honour PYTHONDONTWRITEBYTECODE)")
    args = parser.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FLASK_APP": "wsgi", "PORTAL_INSTANCE_PATH": tmp,
               "PORTAL_DATABASE_URL": f"sqlite:///{tmp}/cli.db", "PORTAL_SECRET_KEY": "bench"}
        if not args.from_source:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = f"{tmp}/pycache"
        commands = [("python -c 'import flask, sqlalchemy, psycopg'", BARE, ROOT, env)]
        checkouts = [("", ROOT)] + ([(f" ({args.against})", args.against)] if args.against else [])
        for label, checkout in checkouts:
            for words in (["--help"], ["mail", "ingest", "--help"], ["db", "--help"]):
                commands.append((f"flask {' '.join(words)}{label}", FLASK + words, checkout,
                                 {**env, "PYTHONPATH": str(checkout)}))
        for _label, command, cwd, command_env in commands:
            run_once(command, cwd, command_env)
        # every command once per round, so a load that comes and goes weighs on all of them alike
        runs: dict[str, list[tuple[float, float]]] = {label: [] for label, *_rest in commands}
        for _round in range(args.runs):
            for label, command, cwd, command_env in commands:
                runs[label].append(run_once(command, cwd, command_env))
    medians = {label: (statistics.median(c for c, _w in got), statistics.median(w for _c, w in got))
               for label, got in runs.items()}
    bare = medians[commands[0][0]][0]
    print(f"\n{args.runs} rounds, median, {'from source' if args.from_source else 'from byte-code caches'}; "
          f"load average {os.getloadavg()[0]:.1f} at the end\n")
    print("| command | CPU s | × bare import | wall s |\n|---|---|---|---|")
    for label, (cpu, wall) in medians.items():
        print(f"| {label} | {cpu:.3f} | {cpu / bare:.2f} | {wall:.3f} |")


if __name__ == "__main__":
    main()
