"""bandit over the portal package: no finding of medium or high severity (a justified one carries # nosec and why)."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"


@pytest.mark.slow
def test_bandit_finds_nothing_of_medium_or_high_severity():
    if importlib.util.find_spec("bandit") is None:
        pytest.fail("bandit is not installed: pip install 'bandit>=1.7,<2' (it is in the test extras)")
    run = subprocess.run([sys.executable, "-m", "bandit", "-r", str(PORTAL), "-ll", "-q", "-f", "json"],
                         capture_output=True, text=True, check=False)
    assert run.stdout, f"bandit printed nothing: {run.stderr}"
    report = json.loads(run.stdout)
    assert report["errors"] == [], f"bandit could not read: {report['errors']}"
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']} ({r['issue_severity']}) {r['issue_text']}"
                for r in report["results"]]
    assert findings == [], "\n".join(findings)
