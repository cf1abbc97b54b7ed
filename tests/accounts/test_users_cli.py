"""flask users …: create, list, set-password and deactivate, with Chinese messages and exit codes."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, User
from portal.services.accounts.users import LoginRefused, authenticate, load_user

PASSWORD = "correct horse 1"


def account(session, email: str) -> User | None:
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def test_create_reads_the_password_from_stdin(runner, session):
    result = runner.invoke(args=["users", "create", "Admin@Example.org", "--role", "admin", "--name", "管理员",
                                 "--password-stdin"], input="a long admin password\n")
    assert result.exit_code == 0, result.output
    assert "已创建账号 admin@example.org（admin）。" in result.output
    assert "a long admin password" not in result.output
    user = account(session, "admin@example.org")
    assert (user.name, user.role) == ("管理员", "admin")
    assert authenticate(session, "admin@example.org", "a long admin password", "10.0.0.1") is user
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert event.actor_id is None and event.actor_label == "运维命令"


def test_create_a_handler_with_a_department(runner, session):
    result = runner.invoke(args=["users", "create", "h@example.org", "--role", "handler", "--department", "办公室",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert account(session, "h@example.org").department.name == "办公室"


def test_create_prompts_without_echo_when_stdin_is_not_named(runner, session):
    result = runner.invoke(args=["users", "create", "p@example.org", "--role", "clerk"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert account(session, "p@example.org") is not None


@pytest.mark.parametrize("args, password, message", [
    (["short@example.org", "--role", "clerk"], "short", "密码至少需要10个字符。"),
    (["h@example.org", "--role", "handler"], PASSWORD, "承办部门人员必须指定所属部门。"),
    (["x@example.org", "--role", "boss"], PASSWORD, "角色无效"),
    (["not-an-email", "--role", "clerk"], PASSWORD, "电子邮箱格式不正确。"),
])
def test_create_refuses_bad_input_with_exit_status_1(runner, session, args, password, message):
    result = runner.invoke(args=["users", "create", *args, "--password-stdin"], input=password + "\n")
    assert result.exit_code == 1
    assert message in result.output
    session.expire_all()
    assert session.scalar(select(User.id)) is None


def test_create_refuses_an_existing_email(runner, session, make_user):
    user = make_user("clerk")
    session.commit()
    result = runner.invoke(args=["users", "create", user.email, "--role", "clerk", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 1
    assert f"账号 {user.email} 已存在。" in result.output


def test_list_shows_every_account(runner, session, make_user):
    make_user("handler", department="组织部", email="h@example.org")
    make_user("admin", email="a@example.org")
    session.commit()
    runner.invoke(args=["users", "deactivate", "h@example.org"])
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("a@example.org\tadmin用户\tadmin\t-\t启用\t-\t-")
    assert lines[1].startswith("h@example.org\thandler用户\thandler\t组织部\t已停用")


def test_list_without_accounts_says_how_to_create_one(runner, session):
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0
    assert "还没有工作人员账号" in result.output


def test_set_password_unlocks_and_ends_sessions(runner, session, make_user):
    user = make_user("clerk", email="c@example.org")
    for i in range(5):
        with pytest.raises(LoginRefused):
            authenticate(session, user.email, "wrong", f"10.0.0.{i}")
    old_session = user.get_id()
    session.commit()
    result = runner.invoke(args=["users", "set-password", "C@example.org", "--password-stdin"],
                           input="a brand new password\n")
    assert result.exit_code == 0, result.output
    assert "已为 c@example.org 设置新密码" in result.output
    session.expire_all()
    assert load_user(session, old_session) is None
    assert authenticate(session, user.email, "a brand new password", "10.0.1.1") is not None
    assert session.scalar(select(AuditEvent.actor_label).where(AuditEvent.action == "user.password_reset")) == "运维命令"


def test_set_password_refuses_unknown_accounts_and_short_passwords(runner, session, make_user):
    make_user("clerk", email="c@example.org")
    session.commit()
    unknown = runner.invoke(args=["users", "set-password", "nobody@example.org", "--password-stdin"],
                            input="a brand new password\n")
    assert unknown.exit_code == 1 and "账号不存在。" in unknown.output
    short = runner.invoke(args=["users", "set-password", "c@example.org", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "密码至少需要10个字符。" in short.output
    assert authenticate(session, "c@example.org", PASSWORD, "10.0.0.1") is not None


def test_deactivate_ends_sessions_and_logins(runner, session, make_user):
    user = make_user("triager", email="t@example.org")
    old_session = user.get_id()
    session.commit()
    result = runner.invoke(args=["users", "deactivate", "t@example.org"])
    assert result.exit_code == 0, result.output
    assert "已停用账号 t@example.org。" in result.output
    session.expire_all()
    assert load_user(session, old_session) is None
    with pytest.raises(LoginRefused):
        authenticate(session, "t@example.org", PASSWORD, "10.0.0.1")
    again = runner.invoke(args=["users", "deactivate", "t@example.org"])
    assert again.exit_code == 0 and "已是停用状态" in again.output
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.action == "user.deactivate")).all() == [
        "user.deactivate"]


def test_deactivate_unknown_account_fails(runner, session):
    result = runner.invoke(args=["users", "deactivate", "nobody@example.org"])
    assert result.exit_code == 1
    assert "账号不存在。" in result.output
