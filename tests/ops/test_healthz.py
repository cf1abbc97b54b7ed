"""/healthz tells a load balancer whether the database answers, with no details and no caching."""
from __future__ import annotations

import pytest

from portal import create_app
from portal.limits import limiter


def test_healthz_answers_ok_with_a_working_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Request-ID"]


@pytest.mark.parametrize("url", [
    "postgresql://portal@127.0.0.1:1/portal",
    "sqlite:////nonexistent-folder/no/such/dir/portal.db",
], ids=["closed-port", "missing-folder"])
def test_healthz_answers_503_without_details_when_the_database_is_unreachable(tmp_path, url):
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test"}, instance_path=str(tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_healthz_is_exempt_from_a_default_rate_limit(db_url, tmp_path, monkeypatch):
    # the limiter is one object shared by every app in the process: keep this test's default limit to this test
    monkeypatch.setattr(limiter.limit_manager, "_default_limits", [])
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test",
                      "RATELIMIT_DEFAULT": "2 per minute"}, instance_path=str(tmp_path))
    client = app.test_client()
    assert [client.get("/privacy").status_code for _ in range(3)] == [200, 200, 429]
    assert [client.get("/healthz").status_code for _ in range(5)] == [200] * 5
    app.extensions["portal.db"].kw["bind"].dispose()
