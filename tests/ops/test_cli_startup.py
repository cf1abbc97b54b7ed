"""Command start-up: `flask --help` and `flask mail ingest --help` load neither the other commands nor the heavy
libraries only some commands need; each lazily listed command is the one it stands for."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from werkzeug.routing import Rule

from portal.commands import COMMANDS, LazyCommand
from portal.commands.mail import SUBCOMMANDS
from portal.routing import LazyBuildRule

#: what no command's help, and no page, needs at start-up
HEAVY = ("openpyxl", "alembic", "docx", "pypdf", "jieba", "opencc_purepy", "aiosmtpd", "email_validator", "PIL",
         "portal.services.ops.demo", "portal.commands.db", "portal.commands.demo")
PROBE = """
import json, sys
from werkzeug.routing import Rule
compiled = []
werkzeugs = Rule._compile_builder
Rule._compile_builder = lambda rule, *args: compiled.append(rule.rule) or werkzeugs(rule, *args)
from portal import create_app
app = create_app({"DATABASE_URL": "sqlite:///%(db)s", "SECRET_KEY": "x"}, instance_path=%(instance)r)
try:
    app.cli.main(args=%(args)r, prog_name="flask", standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(compiled))
print(json.dumps(sorted(name for name in %(heavy)r if name in sys.modules)))
"""


@pytest.mark.parametrize("args", [["--help"], ["mail", "ingest", "--help"], ["mail", "--help"]])
def test_help_loads_nothing_heavy_and_compiles_no_url_builder(tmp_path, args):
    code = PROBE % {"db": tmp_path / "probe.db", "instance": str(tmp_path), "args": args, "heavy": HEAVY}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    compiled, heavy = result.stdout.strip().splitlines()[-2:]
    assert json.loads(heavy) == [] and json.loads(compiled) == []


@pytest.mark.parametrize(("args", "absent"), [
    (["mail", "ingest", "--help"], ["imap_tools", "portal.commands.mail_outbound", "portal.commands.mail_lmtp",
                                    "portal.services.mail.imap", "portal.services.follow.sender"]),
    (["db", "--help"], ["alembic"]),
])
def test_a_command_loads_only_what_it_needs(tmp_path, args, absent):
    """The MTA pipe (`flask mail ingest`) loads neither the sender, the listener nor the IMAP client; `flask db
    --help` lists the migration commands without Alembic."""
    code = PROBE % {"db": tmp_path / "probe.db", "instance": str(tmp_path), "args": args, "heavy": absent}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_each_mail_command_listed_is_the_real_one_with_its_help(app, name):
    listed = app.cli.get_command(None, "mail").real().get_command(None, name)
    assert isinstance(listed, LazyCommand)
    real = listed.real()
    assert real.name == name and (real.help or "").splitlines()[0] == listed.help


def test_every_url_is_built_as_werkzeug_builds_it(app):
    """The portal's rules compile their URL builders at the first url_for: the URLs are werkzeug's own."""
    samples = {"DatabaseInteger": 42, "PathConverter": "a/b c.pdf", "UnicodeConverter": "gansu-2020"}
    rules = list(app.url_map.iter_rules())
    assert rules and all(isinstance(rule, LazyBuildRule) for rule in rules)
    for rule in rules:
        values = {name: samples[type(converter).__name__] for name, converter in rule._converters.items()}
        for append_unknown in (False, True):
            extra = {"q": "整改 1"} if append_unknown else {}
            built = rule.build({**values, **extra}, append_unknown=append_unknown)
            assert built == Rule._compile_builder(rule, append_unknown).__get__(rule, None)(**values, **extra)


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
