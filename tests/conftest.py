"""Fixtures: every database test runs once on SQLite and once on PostgreSQL.

PostgreSQL comes from PORTAL_TEST_DATABASE_URL (scripts/test starts a private cluster and sets it).
Run only the SQLite half with `pytest -m "not postgres"`.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import g
from sqlalchemy import create_engine, text

from portal import create_app, db
from portal.models import Base

BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="pg", marks=pytest.mark.postgres)]


@contextmanager
def fresh_pg_database(name: str) -> Iterator[str]:
    """An empty PostgreSQL database `name` on the server of PORTAL_TEST_DATABASE_URL (dropped first if left over from
    an earlier run, dropped again afterwards); its URL."""
    base = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not base:
        pytest.fail("PORTAL_TEST_DATABASE_URL is not set: run the tests with scripts/test, "
                    "or deselect PostgreSQL with -m 'not postgres'")
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_url(worker_id: str):
    """A PostgreSQL database of this test process's own, created with the current schema, dropped afterwards."""
    with fresh_pg_database(f"portal_test_{worker_id}_{os.getpid()}") as url:
        engine = db.make_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        yield url


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        engine = db.make_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        return url
    url = request.getfixturevalue("pg_url")
    engine = db.make_engine(url)
    with engine.begin() as conn:
        # Emptied with DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE gives every table new files
        # (about 200 ms a test on a server with fsync on, 20 ms on scripts/test's cluster; DELETE takes 5 ms).
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        sequences = conn.scalars(text("SELECT quote_ident(sequencename) FROM pg_sequences "
                                      "WHERE schemaname = current_schema()")).all()
        for sequence in sequences:
            conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))
    engine.dispose()
    return url


@pytest.fixture
def app(db_url, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    # rate limits count in process memory here: a test holds SQLite's write lock in the thread that then runs the
    # request, so counters in the database would wait on it (tests/ops/test_limit_storage.py and the gunicorn test
    # in test_rate_limit_workers.py cover the database storage, the default)
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret", "PUBLIC_VERSION_SECONDS": 0,
                      "RATELIMIT_STORAGE_URI": "memory://"}, instance_path=str(instance))

    @app.before_request
    def _fresh_request_globals() -> None:
        """Requests share the test's app context (and so g): forget the previous request's user, token and counts."""
        for name in ("_login_user", "csrf_token", "nav_counts"):
            g.pop(name, None)

    yield app
    app.extensions["portal.db"].kw["bind"].dispose()


@pytest.fixture
def session(app):
    """The app's database session, inside an application context."""
    with app.app_context():
        yield db.session()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """Argon2 with small parameters, so tests that create many accounts stay quick."""
    from argon2 import PasswordHasher

    from portal.services.accounts import users
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def make_user(session):
    """Factory: make_user("handler", department="办公室") → a staff user with password 'correct horse 1'."""
    from portal.services.accounts.users import create_user
    counter = iter(range(1, 10_000))

    def make(role: str, department: str | None = None, email: str | None = None):
        user = create_user(session, email or f"{role}{next(counter)}@example.org", f"{role}用户", role,
                           "correct horse 1", department=department)
        session.flush()
        return user
    return make


@pytest.fixture
def staff(session, make_user):
    """The people of a case in 办公室: office (the department), triager, research, handler (of 办公室), outsider (a
    handler of 组织部) and supervisor."""
    from portal.services.accounts.users import department_named
    return SimpleNamespace(office=department_named(session, "办公室"), triager=make_user("triager"),
                           research=make_user("research"), handler=make_user("handler", department="办公室"),
                           outsider=make_user("handler", department="组织部"), supervisor=make_user("supervisor"))


@pytest.fixture
def intake_settings(app):
    from portal.services.feedback.intake import IntakeSettings
    return IntakeSettings.from_config(app.config)


@pytest.fixture
def upload_dir(intake_settings) -> Path:
    return intake_settings.upload_dir


@pytest.fixture
def new_item(session, intake_settings):
    """Factory: new_item(channel="web", content=…, **fields) → (item, query_code) created through intake."""
    from portal.services.feedback.intake import NewItem, create_item

    def make(channel: str = "web", kind: str = "suggestion", content: str = "建议加快整改进度，公开更多细节。",
             **fields):
        return create_item(session, NewItem(channel=channel, kind=kind, content=content, **fields), intake_settings)
    return make


@pytest.fixture
def small_campaign(session):
    """Campaign "t": problem 1 (2 measures done), 2 (1 of 2 done), 3 in a second category (done)."""
    from datetime import date

    from portal.models import DONE, IN_PROGRESS, Category, Measure, Problem
    from portal.services.ledger.campaigns import create_campaign

    campaign = create_campaign(session, "t", "测试", date(2020, 11, 16))
    cat_a = Category(campaign_id=campaign.id, position=1, title="甲方面")
    cat_b = Category(campaign_id=campaign.id, position=2, title="乙方面")
    session.add_all([cat_a, cat_b])
    session.flush()
    shape = [(cat_a, 1, "1个月内整改到位", [DONE, DONE]),
             (cat_a, 2, "3个月内整改到位", [DONE, IN_PROGRESS]),
             (cat_b, 3, "1个月内整改到位", [DONE])]
    for cat, number, label, statuses in shape:
        problem = Problem(campaign_id=campaign.id, category_id=cat.id, number=number, description=f"问题{number}",
                          deadline_label=label)
        session.add(problem)
        session.flush()
        for i, status in enumerate(statuses, 1):
            session.add(Measure(campaign_id=campaign.id, problem_id=problem.id, code=f"{number}-{i}",
                                position=number * 10 + i, text="措施", status=status))
    session.flush()
    return campaign


CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client, page: str = "/staff/login") -> str:
    """A valid CSRF token for client's session, read from a page that renders a form."""
    html = client.get(page).get_data(as_text=True)
    match = CSRF_FIELD.search(html)
    assert match, f"no csrf_token field on {page}"
    return match.group(1)


def login_attempt(client, email: str, password: str, ip: str = "127.0.0.1", query: str = ""):
    """One login POST through the form, from the address ip."""
    return client.post("/staff/login" + query, environ_base={"REMOTE_ADDR": ip},
                       data={"email": email, "password": password, "csrf_token": csrf_token(client)})


@pytest.fixture
def post_form(client):
    """post_form(url, data, page=url) → response; adds a CSRF token read from page (default: the staff login)."""
    def post(url: str, data: dict | None = None, page: str = "/staff/login", **kwargs):
        return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, page)}, **kwargs)
    return post


@pytest.fixture
def login(client, session):
    """login(user) logs the test client in through the real login form (password 'correct horse 1')."""
    def do_login(user, password: str = "correct horse 1"):
        session.commit()
        response = client.post("/staff/login", data={"email": user.email, "password": password,
                                                    "csrf_token": csrf_token(client)})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        g.pop("csrf_token", None)  # the token cached in the test's app context belonged to the old session
        return response
    return do_login


@pytest.fixture
def login_as(login):
    """login_as(user) → user: login(user), for tests that name the user where they log in."""
    def do_login(user):
        login(user)
        return user
    return do_login
