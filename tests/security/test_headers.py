"""Security headers on every response: every GET route in app.url_map for every role, static files, and the error
answers (400, 404, 405, 413, 429, 500). Staff pages are never cached."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import csrf_token
from tests.security.test_csrf import ROLES, routes, send, url_of, url_values
from tests.security.test_roles import sign_in

#: Referrer-Policy values that never send a staff URL (with its case number) to another site in clear
SAFE_REFERRER = frozenset({"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"})
#: a route that fails, added for the test, to see the 500 answer
FAILING = "/__security_headers_failure"


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as directive → sources."""
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed.setdefault(words[0].lower(), [w.lower() for w in words[1:]])
    return parsed


def header_problems(response) -> list[str]:
    """What is missing or weak in a response's security headers."""
    headers, problems = response.headers, []
    policy = directives(headers.get("Content-Security-Policy", ""))
    scripts = policy.get("script-src", policy.get("default-src"))
    if scripts is None:
        problems.append("no script-src or default-src in the CSP")
    elif {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(scripts):
        problems.append(f"script-src allows {scripts}")
    if policy.get("frame-ancestors") != ["'none'"]:
        problems.append("CSP frame-ancestors is not 'none'")
    if policy.get("object-src") != ["'none'"]:
        problems.append("CSP object-src is not 'none'")
    if "base-uri" not in policy:
        problems.append("CSP has no base-uri")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if headers.get("X-Frame-Options") != "DENY":
        problems.append("X-Frame-Options is not DENY")
    if headers.get("Referrer-Policy") not in SAFE_REFERRER:
        problems.append(f"Referrer-Policy is {headers.get('Referrer-Policy')!r}")
    return problems


def assert_secure(response, where: str, staff: bool = False) -> None:
    problems = header_problems(response)
    if staff and "no-store" not in response.headers.get("Cache-Control", ""):
        problems.append("a staff page without Cache-Control: no-store")
    assert problems == [], f"{where} ({response.status_code}): {problems}"


@pytest.mark.slow
@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_every_get_route_carries_the_security_headers(app, client, session, world, role):
    sign_in(client, world, role)
    for rule in routes(app, frozenset({"GET"})):
        url = url_of(rule, url_values(rule, world))
        response = send(client, session, "GET", url)
        assert_secure(response, f"GET {url} as {role}", staff=rule.rule.startswith("/staff/"))


def test_static_files_carry_the_security_headers(app, client):
    folder = Path(app.static_folder)
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert files, "no static files found"
    for name in files:
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert_secure(response, f"/static/{name}")


def test_error_answers_carry_the_security_headers_and_hide_details(app, client):
    def fail() -> str:
        raise RuntimeError("secret detail of the failure")

    app.add_url_rule(FAILING, "security_headers_failure", fail)
    app.config.update(PROPAGATE_EXCEPTIONS=False, FORM_RATE_LIMIT="1 per minute")
    failed = client.get(FAILING)
    assert failed.status_code == 500 and "secret detail" not in failed.get_data(as_text=True)
    assert_secure(failed, "500")
    answers = {
        "404": client.get("/no-such-page"), "404 staff": client.get("/staff/no-such-page"),
        "404 api": client.get("/api/v1/campaigns/no-such/figures"), "405": client.get("/staff/logout"),
        "400 csrf": client.post("/feedback", data={"content": "没有安全校验码的提交"}),
        "404 static": client.get("/static/no-such-file.css"),
    }
    app.config["MAX_CONTENT_LENGTH"] = 1000
    answers["413"] = client.post("/feedback", data={"content": "长" * 2000})
    app.config["MAX_CONTENT_LENGTH"] = 60 * 1024 * 1024
    client.post("/feedback", data={"content": "第一次", "csrf_token": csrf_token(client, "/feedback")})
    answers["429"] = client.post("/feedback", data={"content": "第二次", "csrf_token": csrf_token(client, "/feedback")})
    for name, response in answers.items():
        assert response.status_code == int(name[:3]), name
        assert_secure(response, name)


def test_staff_error_answers_are_not_cached(client, session, world):
    sign_in(client, world, "clerk")
    answers = {403: client.get("/staff/audit"), 404: client.get("/staff/items/GH-2099-999999"),
               400: client.post("/staff/queue/bulk", data={"item_ids": [str(world.item_id)]})}
    for code, response in answers.items():
        assert response.status_code == code
        assert_secure(response, f"staff {code}", staff=True)


def test_a_refused_staff_action_gets_the_portals_403_page(client, make_user, login):
    """PermissionDenied from a service becomes the portal's own page (staff layout, in words), not a bare Forbidden."""
    login(make_user("clerk"))
    response = client.get("/staff/users")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "无权访问" in html and "您的账号没有执行此操作的权限" in html and "整改监督平台后台" in html
    assert "<title>403 Forbidden</title>" not in html


def test_a_wrong_method_says_which_methods_are_allowed(client):
    response = client.put("/lookup")
    assert response.status_code == 405 and "请求方式不正确" in response.get_data(as_text=True)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
