"""Command start-up: `flask --help` and `flask mail ingest --help` load neither the other commands nor the heavy
libraries only some commands need; each lazily listed command is the one it stands for."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from portal.commands import COMMANDS, LazyCommand

#: what no command's help, and no page, needs at start-up
HEAVY = ("openpyxl", "alembic", "docx", "pypdf", "jieba", "opencc_purepy", "aiosmtpd", "email_validator", "PIL",
         "portal.services.ops.demo", "portal.commands.db", "portal.commands.demo")
PROBE = """
import json, sys
from portal import create_app
app = create_app({"DATABASE_URL": "sqlite:///%(db)s", "SECRET_KEY": "x"}, instance_path=%(instance)r)
try:
    app.cli.main(args=%(args)r, prog_name="flask", standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(name for name in %(heavy)r if name in sys.modules)))
"""


@pytest.mark.parametrize("args", [["--help"], ["mail", "ingest", "--help"], ["mail", "--help"]])
def test_help_loads_nothing_heavy(tmp_path, args):
    code = PROBE % {"db": tmp_path / "probe.db", "instance": str(tmp_path), "args": args, "heavy": HEAVY}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_listed_command_is_the_real_one_with_its_help(app, name):
    listed = app.cli.get_command(None, name)
    assert isinstance(listed, LazyCommand)
    real = listed.real()
    assert real.name == name
    assert (real.help or "").splitlines()[0] == listed.help


def test_a_lazily_listed_group_runs_its_subcommand(runner):
    result = runner.invoke(args=["campaign", "list"])
    assert result.exit_code == 0, result.output
