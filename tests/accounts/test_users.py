"""Staff accounts: argon2 hashes, lockout per account and per address, password change ends sessions."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.models import AuditEvent
from portal.services.accounts.users import (LoginRefused, UserError, authenticate, change_password, create_user,
                                            load_user)

NOW = datetime(2026, 1, 5, 8, tzinfo=UTC)


def test_password_is_stored_as_argon2(session, make_user):
    user = make_user("clerk")
    assert user.password_hash.startswith("$argon2")
    assert authenticate(session, user.email.upper(), "correct horse 1", "10.0.0.1", NOW) is user


def test_handler_needs_a_department_and_passwords_a_minimum_length(session):
    with pytest.raises(UserError, match="部门"):
        create_user(session, "h@example.org", "承办", "handler", "long enough password")
    with pytest.raises(UserError, match="至少"):
        create_user(session, "c@example.org", "登记", "clerk", "short")


def test_five_failures_lock_the_account_for_fifteen_minutes(session, make_user):
    user = make_user("triager")
    for i in range(5):
        with pytest.raises(LoginRefused, match="不正确"):
            authenticate(session, user.email, "wrong", f"10.0.0.{i}", NOW)
    with pytest.raises(LoginRefused, match="15分钟"):
        authenticate(session, user.email, "correct horse 1", "10.0.1.1", NOW + timedelta(minutes=1))
    assert authenticate(session, user.email, "correct horse 1", "10.0.1.1", NOW + timedelta(minutes=16)) is user


def test_unknown_emails_are_locked_out_like_existing_accounts(session, make_user):
    """The answers for an e-mail no account has are the same, attempt by attempt, as for an existing account."""
    user = make_user("triager")

    def answers(email: str, password: str) -> list[str]:
        seen = []
        for i, minutes in enumerate([0, 0, 0, 0, 0, 1, 14, 16]):
            try:
                authenticate(session, email, password, f"10.7.{len(seen)}.{i}", NOW + timedelta(minutes=minutes))
                seen.append("signed in")
            except LoginRefused as exc:
                seen.append(str(exc))
        return seen

    existing, unknown = answers(user.email, "wrong"), answers("  Nobody@Example.org", "wrong")
    assert existing == unknown
    assert existing[5] == existing[6] == "登录失败次数过多，请15分钟后再试。"
    assert existing[7] == "邮箱或密码不正确。"


def test_five_failures_from_one_address_lock_that_address(session, make_user):
    user = make_user("triager")
    for i in range(5):
        with pytest.raises(LoginRefused):
            authenticate(session, f"nobody{i}@example.org", "x", "10.9.9.9", NOW)
    with pytest.raises(LoginRefused, match="15分钟"):
        authenticate(session, user.email, "correct horse 1", "10.9.9.9", NOW)
    assert authenticate(session, user.email, "correct horse 1", "10.9.9.8", NOW) is user


def test_failed_and_successful_logins_are_audited(session, make_user):
    user = make_user("clerk")
    with pytest.raises(LoginRefused):
        authenticate(session, user.email, "wrong", "10.0.0.1", NOW)
    authenticate(session, user.email, "correct horse 1", "10.0.0.1", NOW)
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id)).all()
    assert "user.login_failed" in actions and "user.login" in actions


def test_password_change_ends_other_sessions(session, make_user):
    user = make_user("clerk")
    old_session_id = user.get_id()
    assert load_user(session, old_session_id) is user
    change_password(session, user, "correct horse 1", "a new long password")
    assert load_user(session, old_session_id) is None
    assert load_user(session, user.get_id()) is user
    with pytest.raises(UserError, match="原密码"):
        change_password(session, user, "wrong", "another long password")


def test_logout_ends_every_session_of_the_account(session, make_user):
    from portal.services.accounts.users import record_logout
    user = make_user("clerk")
    copied_cookie_id = user.get_id()
    record_logout(session, user)
    assert load_user(session, copied_cookie_id) is None


@pytest.mark.parametrize("email", ["a<attacker@evil.example>", "x@example.org, y@evil.example", "x@example.org\nBcc: y",
                                   '"x@evil.example"@example.org', "x＠example.org"])
def test_an_account_needs_one_bare_address(session, email):
    with pytest.raises(UserError) as refused:
        create_user(session, email, "某人", "clerk", "correct horse 1")
    assert refused.value.field == "email"


def test_an_account_address_is_stored_normalised_and_logs_in_as_typed(session):
    user = create_user(session, " Li.Si@Example.ORG ", "李四", "clerk", "correct horse 1")
    assert user.email == "li.si@example.org"
    idn = create_user(session, "wang@例子.中国", "王五", "clerk", "correct horse 1")
    assert idn.email == "wang@xn--fsqu00a.xn--fiqs8s"
    session.commit()
    assert authenticate(session, "wang@例子.中国", "correct horse 1", "10.9.0.1").id == idn.id
