"""Command start-up: `flask --help` and `flask mail ingest --help` load neither the other commands nor the heavy
libraries only some commands need, nor the views and the models; each lazily listed command is the one it stands for;
the views are registered when a request, a URL or a look at the routes needs them."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from flask import url_for
from flask.cli import routes_command
from sqlalchemy import select
from werkzeug.routing import Rule

from portal import create_app
from portal.commands import COMMANDS, LazyCommand
from portal.commands.mail import SUBCOMMANDS
from portal.models import OutboxMessage
from portal.routing import LazyBuildRule, LazyRulesFlask
from tests.mail import corpus

#: what no command's help, and no page, needs at start-up
HEAVY = ("openpyxl", "alembic", "docx", "pypdf", "jieba", "opencc_purepy", "aiosmtpd", "email_validator", "PIL",
         "portal.services.ops.demo", "portal.commands.db", "portal.commands.demo")
#: what only a request needs (the views, the error pages, the services the views import), and the models, which
#: a command maps when it works, not for its help
VIEWS_AND_MODELS = ("portal.public", "portal.staff", "portal.api", "portal.health", "portal.errors", "portal.models",
                    "portal.services.ledger", "portal.services.mail.ingest")
BLUEPRINTS = {"public", "api", "staff", "health"}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
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


@pytest.mark.parametrize("args", [["--help"], ["mail", "ingest", "--help"], ["mail", "--help"], ["db", "--help"]])
def test_help_loads_nothing_heavy_nor_the_views_and_compiles_no_url_builder(tmp_path, args):
    heavy = HEAVY + VIEWS_AND_MODELS if args[0] != "db" else VIEWS_AND_MODELS
    code = PROBE % {"db": tmp_path / "probe.db", "instance": str(tmp_path), "args": args, "heavy": heavy}
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


def fresh_app(tmp_path, **config) -> LazyRulesFlask:
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}", "SECRET_KEY": "test",
                      **config}, instance_path=str(tmp_path / "instance"))
    assert isinstance(app, LazyRulesFlask) and not app.blueprints
    return app


def test_a_command_works_and_renders_its_mail_without_the_views(runner, app, session):
    """`flask mail ingest` stores the message and puts the acknowledgement, with its links, in the outbox; no view is
    registered for it."""
    result = runner.invoke(args=["mail", "ingest"], input=corpus.utf8_plain())
    assert result.exit_code == 0 and result.output.startswith("新件，")
    ack = session.scalars(select(OutboxMessage)).one()
    assert "http://127.0.0.1:5000/lookup" in ack.body_text and not app.blueprints


def test_what_the_views_add_to_templates_no_mail_template_uses(tmp_path):
    """A template rendered outside a request (the mails commands send) sees the same names with the views registered
    or not: the views add only globals that the public pages use."""
    app = fresh_app(tmp_path)
    env = app.jinja_env
    names = {"globals": set(env.globals), "filters": set(env.filters), "tests": set(env.tests)}
    processors = list(app.template_context_processors[None])  # a blueprint's own apply in its requests only
    app.register_views()
    assert set(app.blueprints) == BLUEPRINTS
    added = set(env.globals) - names["globals"]
    assert {"progress_bar", "rate_chart", "nav_counts"} <= added
    assert (set(env.filters), set(env.tests)) == (names["filters"], names["tests"])
    assert app.template_context_processors[None] == processors
    mails = [path.read_text(encoding="utf-8") for path in (TEMPLATES / "email").iterdir()]
    assert mails and not [name for name in added for text in mails if name in text]
    app.extensions["portal.db"].kw["bind"].dispose()


def test_a_url_built_outside_a_request_registers_the_views_first(tmp_path):
    app = fresh_app(tmp_path, SERVER_NAME="portal.example.cn", PREFERRED_URL_SCHEME="https")
    with app.app_context():
        assert url_for("public.lookup") == "https://portal.example.cn/lookup"
        assert url_for("staff.login") == "https://portal.example.cn/staff/login"
    assert set(app.blueprints) == BLUEPRINTS
    app.extensions["portal.db"].kw["bind"].dispose()


def test_the_first_request_registers_the_views_and_the_error_pages(tmp_path):
    app = fresh_app(tmp_path)
    response = app.test_client().get("/no-such-page")
    assert response.status_code == 404 and "页面" in response.get_data(as_text=True)
    assert set(app.blueprints) == BLUEPRINTS and 404 in app.error_handler_spec[None]
    app.extensions["portal.db"].kw["bind"].dispose()


def test_flask_routes_lists_every_route(tmp_path):
    app = fresh_app(tmp_path)
    result = app.test_cli_runner().invoke(routes_command)
    assert result.exit_code == 0
    for rule in ("/staff/login", "/api/v1/campaigns", "/healthz", "/lookup"):
        assert f" {rule}" in result.output
    app.extensions["portal.db"].kw["bind"].dispose()


def test_a_thread_reading_the_url_map_while_the_views_register_waits_for_all_of_them():
    app = LazyRulesFlask(__name__)
    started, go = threading.Event(), threading.Event()

    def register(app) -> None:
        app.add_url_rule("/first", "first", lambda: "")
        started.set()
        go.wait()
        app.add_url_rule("/second", "second", lambda: "")

    app.defer_views(register)
    seen: dict[str, set[str]] = {}

    def read(name: str) -> None:
        seen[name] = {rule.rule for rule in app.url_map.iter_rules()}

    registering = threading.Thread(target=read, args=("registering",))
    registering.start()
    started.wait()
    waiting = threading.Thread(target=read, args=("waiting",))
    waiting.start()
    waiting.join(0.5)
    assert "waiting" not in seen  # still waiting for the registration
    go.set()
    registering.join()
    waiting.join()
    assert seen["registering"] == seen["waiting"] == {"/static/<path:filename>", "/first", "/second"}
