"""Logs are JSON lines on stderr, one per request, and never carry client addresses or personal data."""
from __future__ import annotations

import json
import logging

import pytest

from portal import create_app
from portal.logging_setup import HANDLER_NAME, redact

CONTENT = "建议公开第二批整改措施的完成时间和佐证材料。"


def log_lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]


def request_lines(capsys) -> list[dict]:
    return [line for line in log_lines(capsys) if line["logger"] == "portal.request"]


def test_a_request_writes_one_json_line_with_its_id_and_timing(client, capsys):
    capsys.readouterr()
    response = client.get("/privacy?ref=newsletter", headers={"Cookie": "session=secret-cookie"})
    [line] = request_lines(capsys)
    assert set(line) == {"time", "level", "logger", "message", "request_id", "method", "path", "status",
                         "duration_ms"}
    assert (line["method"], line["path"], line["status"], line["level"]) == ("GET", "/privacy", 200, "INFO")
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["time"].endswith("+00:00") and line["duration_ms"] >= 0
    assert "newsletter" not in json.dumps(line) and "secret-cookie" not in json.dumps(line)


def test_every_request_gets_its_own_id(client):
    first, second = (client.get("/healthz").headers["X-Request-ID"] for _ in range(2))
    assert first != second and len(first) == 16


def test_submitting_the_form_logs_no_contact_data_and_no_client_address(client, session, small_campaign, post_form,
                                                                         capsys):
    session.commit()
    capsys.readouterr()
    response = post_form("/feedback", {"kind": "suggestion", "content": CONTENT, "consent": "y", "name": "张三",
                                      "email": "zhang.san@example.org", "phone": "13812341762",
                                      "address": "兰州市东郊巷26号"},
                         page="/feedback", environ_base={"REMOTE_ADDR": "203.0.113.77"}, follow_redirects=True)
    assert response.status_code == 200
    output = capsys.readouterr().err
    assert '"path": "/feedback"' in output and '"method": "POST"' in output
    for secret in ("zhang.san", "example.org", "13812341762", "张三", "东郊巷", "203.0.113.77", CONTENT):
        assert secret not in output


def test_app_log_lines_inside_a_request_carry_the_request_id(app, capsys):
    @app.get("/_test_log")
    def _log_something():
        logging.getLogger("portal.test").warning("处理中")
        return "ok"

    capsys.readouterr()
    response = app.test_client().get("/_test_log")
    lines = log_lines(capsys)
    assert [line["message"] for line in lines] == ["处理中", "GET /_test_log 200"]
    assert {line["request_id"] for line in lines} == {response.headers["X-Request-ID"]}


def test_personal_data_written_into_a_message_is_masked(app, capsys):
    logging.getLogger("portal.test").warning("来信人 %s，电话 %s，身份证 %s", "li@163.com", "+86 138-1234-1762",
                                             "62010219800101123X")
    [line] = log_lines(capsys)
    assert line["message"] == "来信人 [email]，电话 [mobile]，身份证 [id-number]"


def test_exceptions_are_logged_masked(app, capsys):
    try:
        raise ValueError("duplicate key email=wang@example.org")
    except ValueError:
        logging.getLogger("portal.test").exception("写入失败")
    [line] = log_lines(capsys)
    assert "[email]" in line["exception"] and "wang@" not in line["exception"]


@pytest.mark.parametrize("text, expected", [
    ("案件 GH-2021-000123 已办结", "案件 GH-2021-000123 已办结"),
    ("请求 id 5afcea3869460146 用时 18.2 ms", "请求 id 5afcea3869460146 用时 18.2 ms"),
    ("电话0931-8821762", "电话0931-8821762"),
    ("手机13912345678。", "手机[mobile]。"),
    ("编号 110105194912310021 的证件", "编号 [id-number] 的证件"),
])
def test_redact_masks_only_what_looks_personal(text, expected):
    assert redact(text) == expected


def test_request_lines_can_be_switched_off(db_url, tmp_path, capsys):
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test", "LOG_REQUESTS": False},
                     instance_path=str(tmp_path))
    capsys.readouterr()
    response = app.test_client().get("/healthz")
    assert response.headers["X-Request-ID"]
    assert request_lines(capsys) == []
    app.extensions["portal.db"].kw["bind"].dispose()


def test_log_level_applies_to_the_portal_loggers(db_url, tmp_path, capsys):
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test", "LOG_LEVEL": "warning"},
                     instance_path=str(tmp_path))
    capsys.readouterr()
    app.test_client().get("/healthz")
    logging.getLogger("portal.test").warning("可见")
    assert [line["message"] for line in log_lines(capsys)] == ["可见"]
    app.extensions["portal.db"].kw["bind"].dispose()


def test_a_malformed_log_call_is_reported_without_its_arguments(app, capsys):
    [handler] = [h for h in logging.getLogger().handlers if h.name == HANDLER_NAME]
    record = logging.LogRecord("portal.test", logging.WARNING, "/srv/x.py", 7, "%d 件", ("13812341762",), None)
    handler.handle(record)
    [line] = log_lines(capsys)
    assert line["message"] == "无法格式化的日志调用（/srv/x.py:7）" and line["level"] == "ERROR"


def test_an_unknown_log_level_stops_the_app_from_starting(db_url, tmp_path):
    with pytest.raises(ValueError, match="LOG_LEVEL 无效"):
        create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test", "LOG_LEVEL": "LOUD"},
                   instance_path=str(tmp_path))


def test_the_development_server_lines_with_client_addresses_are_dropped(app, capsys):
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    werkzeug.setLevel(logging.INFO)
    try:
        werkzeug.info('%s - - [%s] "GET /lookup?code=AB12CD34 HTTP/1.1" 200 -', "203.0.113.9", "01/Jun/2026 10:00:00")
        werkzeug.info(" * Running on http://127.0.0.1:5000")
    finally:
        werkzeug.setLevel(level)
    assert [line["message"] for line in log_lines(capsys)] == [" * Running on http://127.0.0.1:5000"]


def test_database_errors_do_not_carry_the_sql_parameters(session, make_user):
    """An error message (logged with its traceback) must not list the values written, often personal data (the
    database's own detail may still name the duplicate key)."""
    from sqlalchemy.exc import IntegrityError

    from portal.models import User
    make_user("clerk", email="zhang.san@example.org")
    session.add(User(email="zhang.san@example.org", name="张三", role="clerk", password_hash="x", session_token="y"))
    with pytest.raises(IntegrityError) as failed:
        session.flush()
    session.rollback()
    assert "张三" not in str(failed.value) and "parameters hidden" in str(failed.value)
