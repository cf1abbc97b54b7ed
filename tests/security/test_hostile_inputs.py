"""Hostile and clumsy input never answers 500: every rule of app.url_map, every path argument, every query parameter
some view reads and every field of every form gets each value of a corpus (huge and negative numbers, digits of
other scripts, control characters, bidi and zero-width marks, year 1 and 9999, 10,000 characters, wrong types),
as anonymous and as each role, on SQLite and PostgreSQL. New routes, parameters and form fields are covered without
editing this file; a query parameter read in portal/ but missing from QUERY_NAMES fails the first test.
"""
from __future__ import annotations

import html
import inspect
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from werkzeug.routing import Rule
from wtforms.fields.core import UnboundField

from tests.conftest import CSRF_FIELD
from tests.security.test_csrf import PASSWORD, STATE_CHANGING, World, plausible, routes, url_of, url_values

pytestmark = pytest.mark.slow

#: the hostile corpus: each value goes into every path argument, query parameter and form field
HOSTILE = ("99999999999999999999", "2147483648", "-1", "0", "᧚", "²", "١٢", "１２", "1e20", "abc", "",
           "a\x00b", "a\x01\x1fb", "\u202eevil\u200b\ufeff", "0001-01-01", "9999-12-31", "0001-01-01T00:00",
           "9999-12-31T23:59", "1-1\u2014", "x" * 10_000)
#: every name a view reads from the query string (tests below check this list against portal/)
QUERY_NAMES = ("page", "q", "state", "channel", "kind", "measure", "problem", "department", "overdue", "due_soon",
               "actor", "action", "case_number", "date_from", "date_to", "template", "campaign", "outcome", "next",
               "lang", "link_q", "target", "role", "token", "level", "via", "saved", "format", "period", "case",
               "type", "from", "to", "answer", "sort", "month", "leader", "per_page")
#: who sends the requests: anonymous and each role (the handler in the department of the world's item)
#: stands for the hostile value while a URL is built (an int converter would refuse "abc" itself)
SENTINEL = 918273645
ROLES = ("anonymous", "admin", "clerk", "triager", "handler_in", "research", "supervisor", "rectification")
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ACTION = re.compile(r'action="([^"]*)"')
FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.I)
#: a form field read by name in a view: request.form.get("text"), form.getlist("item_ids")
READ_FIELD = re.compile(r"""form\.get(?:list)?\(\s*["']([a-z_]+)["']""")
FORM_CLASS = re.compile(r"\b([A-Z]\w*Form)\(")
READ_ARG = re.compile(r"""(?:request\.args|args)\.get(?:list)?\(\s*["']([a-z_]+)["']""")


@dataclass
class Sweep:
    """One logged-in client per role, the requests sent and what went wrong."""

    app: Flask
    world: World
    session: object
    clients: dict[str, tuple[FlaskClient, str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    sent: int = 0

    def client(self, role: str) -> tuple[FlaskClient, str]:
        if role not in self.clients:
            self.clients[role] = self._sign_in(role)
        return self.clients[role]

    def _sign_in(self, role: str) -> tuple[FlaskClient, str]:
        client = self.app.test_client()
        token = CSRF_FIELD.search(client.get("/staff/login").get_data(as_text=True))[1]
        if role != "anonymous":
            response = client.post("/staff/login", data={"email": self.world.accounts[role].email,
                                                         "password": PASSWORD, "csrf_token": token})
            assert response.status_code == 302, f"{role} cannot log in"
            token = CSRF_FIELD.search(client.get("/staff/password").get_data(as_text=True))[1]
        return client, token

    def send(self, role: str, method: str, url: str, data: dict | None = None) -> str:
        """The response's body ('' when it failed); a 500 or an exception is recorded with what caused it."""
        client, token = self.client(role)
        self.sent += 1
        try:
            response = client.open(url, method=method, data={**(data or {}), "csrf_token": token}
                                   if method in STATE_CHANGING else None)
        except Exception as exc:  # noqa: BLE001 - the sweep reports every failure, not the first
            self.failures.append(f"{method} {url[:200]!r} as {role} {_short(data)}: {exc!r}"[:600])
            response = None
        finally:
            self.session.rollback()
        if response is not None and response.status_code >= 500:
            self.failures.append(f"{method} {url[:200]!r} as {role} {_short(data)}: {response.status_code}")
        if response is None:
            return ""
        if role != "anonymous" and ("/staff/login" in response.headers.get("Location", "") or url.endswith("/logout")):
            self.clients.pop(role, None)  # logged out (or the password changed): sign in again on the next request
        return response.get_data().decode("utf-8", "replace")  # downloads are binary (real PDFs and images)


def _short(data: dict | None) -> str:
    return repr({k: (v[:40] if isinstance(v, str) else v) for k, v in (data or {}).items()})[:300]


def rotation() -> Iterator[str]:
    """Roles in turn, so that over a rule's values each role sends some."""
    while True:
        yield from ROLES


def method_of(rule: Rule, changing: bool = False) -> str:
    """GET where the rule takes it (unless changing), else its state-changing method."""
    return "GET" if "GET" in rule.methods and not changing else sorted(rule.methods & STATE_CHANGING)[0]


@pytest.fixture
def sweep(app, session, world, caplog) -> Iterator[Sweep]:
    app.config.update(FORM_RATE_LIMIT="100000 per minute", LOGIN_RATE_LIMIT="100000 per minute",
                      LOOKUP_RATE_LIMIT="100000 per minute")
    caplog.set_level(logging.ERROR)
    result = Sweep(app, world, session)
    yield result
    logged = [r.getMessage()[:300] for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert result.failures == [] and logged == [], "\n".join([*result.failures[:40], *logged[:20]])


def test_query_names_list_every_parameter_a_view_reads():
    read = {name for path in Path("portal").rglob("*.py") for name in READ_ARG.findall(path.read_text())}
    assert read - set(QUERY_NAMES) == set(), "add these query parameters to QUERY_NAMES"


def test_hostile_path_arguments_never_answer_500(app, sweep):
    roles = rotation()
    for rule in routes(app, frozenset({"GET", *STATE_CHANGING})):
        real = url_values(rule, sweep.world)
        for name in sorted(rule.arguments - {"filename"}):
            for value in HOSTILE:
                if value:
                    url = url_of(rule, {**real, name: SENTINEL}).replace(str(SENTINEL), quote(value, safe=""))
                    sweep.send(next(roles), method_of(rule), url, plausible(rule.endpoint, sweep.world, real))
    assert sweep.sent > 500


def test_hostile_query_parameters_never_answer_500(app, sweep):
    """Every GET rule as every role with each value in all parameters at once, then each parameter alone."""
    rules = routes(app, frozenset({"GET"}))
    roles = rotation()
    for rule in rules:
        url = url_of(rule, url_values(rule, sweep.world))
        for value in HOSTILE:
            sweep.send(next(roles), "GET", f"{url}?{urlencode(dict.fromkeys(QUERY_NAMES, value))}")
    for index, name in enumerate(QUERY_NAMES):
        rule = rules[index % len(rules)]
        for value in HOSTILE:
            sweep.send(next(roles), "GET", f"{url_of(rule, url_values(rule, sweep.world))}?{urlencode({name: value})}")
    assert sweep.sent > 500


def forms_shown(sweep: Sweep) -> dict[str, tuple[str, set[str]]]:
    """URL a form posts to → (the first role shown it, its field names), from every GET page as every role."""
    found: dict[str, tuple[str, set[str]]] = {}
    for role in ROLES:
        for rule in routes(sweep.app, frozenset({"GET"})):
            url = url_of(rule, url_values(rule, sweep.world))
            for attributes, body in FORM.findall(sweep.send(role, "GET", url)):
                if "post" not in attributes.lower():
                    continue
                action = ACTION.search(attributes)
                target = html.unescape(action[1]).split("?")[0] if action else url
                names = set(FIELD_NAME.findall(body)) - {"csrf_token"}
                shown_to, known = found.setdefault(target, (role, set()))
                known.update(names)
    return found


def fields_read(app: Flask, endpoint: str) -> set[str]:
    """The fields a view reads by name, and those of the WTForms classes it builds."""
    view = app.view_functions[endpoint]
    source = inspect.getsource(view)
    names = set(READ_FIELD.findall(source))
    for class_name in FORM_CLASS.findall(source):
        form_class = view.__globals__.get(class_name)
        if isinstance(form_class, type) and issubclass(form_class, FlaskForm):
            names |= {name for name in dir(form_class) if isinstance(getattr(form_class, name, None), UnboundField)}
    return names


@pytest.mark.parametrize("half", [0, 1])
def test_hostile_form_fields_never_answer_500(app, sweep, half):
    """Each field of each POST rule (fields of the forms shown on the pages, and of the plausible data) gets each
    value, the other fields plausible, as the role shown the form (or each role in turn where nobody was)."""
    shown = forms_shown(sweep)
    roles = rotation()
    for index, rule in enumerate(routes(app, STATE_CHANGING)):
        if index % 2 != half:
            continue
        values = url_values(rule, sweep.world)
        url = url_of(rule, values)
        good = plausible(rule.endpoint, sweep.world, values)
        role, names = shown.get(url, (None, set()))
        for name in sorted(names | set(good) | fields_read(app, rule.endpoint)):
            for value in HOSTILE:
                sweep.send(role or next(roles), method_of(rule, changing=True), url, {**good, name: value})
    assert sweep.sent > 200


def test_a_form_field_with_nul_is_refused_with_the_error_page(client, session):
    response = client.post("/feedback", data={"kind": "suggestion", "content": "a\x00b", "consent": "y"})
    assert response.status_code == 400 and "请求无效" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/campaigns/a%00b/", "/feedback?campaign=a%00b", "/answers?q=%01",
                                 "/staff/login?next=%1f"])
def test_control_characters_in_path_or_query_answer_400(client, url):
    response = client.get(url)
    assert response.status_code == 400 and "请求无效" in response.get_data(as_text=True)


def test_tab_and_newlines_stay_allowed_in_form_text(post_form, session):
    response = post_form("/lookup", {"case_number": "GH-2021-000001\t", "code": "AB\r\nCD"}, page="/lookup")
    assert response.status_code == 404 and "请求无效" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/campaigns/t/problems/99999999999999999999", "/campaigns/t/problems/2147483648",
                                 "/campaigns/t/categories/99999999999999999999", "/campaigns/t/reports/2147483648",
                                 "/campaigns/t/problems/١٢"])
def test_out_of_range_and_foreign_digit_numbers_are_not_found(client, small_campaign, session, url):
    session.commit()
    assert client.get(url).status_code == 404
