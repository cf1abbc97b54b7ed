"""Hostile ledgers — bombs, far cells, encrypted or mislabelled files, formulas never calculated — are refused with a
clear Chinese message: quickly, within a gigabyte of memory, never with a traceback, and nothing is written."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.ledger.hostile_files import HOSTILE, SLOW
from tests.ledger_files import campaign, counts

ROOT = Path(__file__).resolve().parents[2]
#: the reader alone, in a process that may not grow past 1 GiB of address space; prints how long reading took
READ_UNDER_1_GIB = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))
from portal.services.ledger.reader import LedgerRejected, read_ledger
started = time.monotonic()
try:
    errors = read_ledger(sys.argv[1]).errors
except LedgerRejected as exc:
    errors = exc.errors
print(json.dumps({"seconds": time.monotonic() - started, "errors": [str(error) for error in errors]}))
"""
#: seconds the subprocess may take in all: starting Python and importing the portal is slow on a busy machine
STARTUP_ALLOWANCE = 50


def cases() -> list:
    return [pytest.param(case, marks=pytest.mark.slow) if case in SLOW else case for case in HOSTILE]


@pytest.mark.parametrize("case", cases())
def test_reader_refuses_within_10_seconds_and_1_gib(tmp_path, case):
    write, message = HOSTILE[case]
    path = write(tmp_path)
    done = subprocess.run([sys.executable, "-c", READ_UNDER_1_GIB, str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=10 + STARTUP_ALLOWANCE)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    read = json.loads(done.stdout)
    assert read["seconds"] < 10
    assert any(message in error for error in read["errors"]), read["errors"]


@pytest.mark.parametrize("case", cases())
def test_cli_import_prints_the_message_and_writes_nothing(app, runner, session, tmp_path, case):
    write, message = HOSTILE[case]
    campaign(session)
    session.commit()
    result = runner.invoke(args=["ledger", "import", str(write(tmp_path)), "--campaign", "test-2020"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "台账未导入" in result.output and message in result.output
    assert counts(session) == (0, 0, 0, 0)
