"""The role × action matrix and the department scope, decided without a request: who may do what to which item."""
from __future__ import annotations

import pytest

from portal.models import FeedbackItem, User
from portal.services.common.authz import ACTION_ROLES, PermissionDenied, can, can_view, require, visible_items


def staff(role: str, department_id: int | None = None, active: bool = True) -> User:
    return User(role=role, department_id=department_id, active=active)


OFFICE_ITEM = FeedbackItem(department_id=7)


@pytest.mark.parametrize("action", sorted(ACTION_ROLES))
def test_exactly_the_listed_roles_may_act(action):
    roles = ("admin", "clerk", "triager", "handler", "research", "supervisor", "rectification")
    assert {role for role in roles if can(staff(role, 7), action)} == ACTION_ROLES[action]


def test_a_handler_sees_only_items_of_their_department():
    assert can_view(staff("handler", 7), OFFICE_ITEM)
    assert not can_view(staff("handler", 8), OFFICE_ITEM)
    assert not can_view(staff("handler", None), FeedbackItem(department_id=None))
    assert can_view(staff("triager"), OFFICE_ITEM) and can_view(staff("supervisor"), FeedbackItem())
    assert can(staff("handler", 7), "note", OFFICE_ITEM) and not can(staff("handler", 8), "note", OFFICE_ITEM)


def test_a_deactivated_account_or_nobody_may_do_nothing():
    for role in ("admin", "triager", "research"):
        gone = staff(role, 7, active=False)
        assert can_view(gone, OFFICE_ITEM) is False and str(visible_items(gone)) == "false"
        assert not any(can(gone, action) for action in ACTION_ROLES)
    assert can(None, "view_queue") is False and can(staff("clerk", active=False), "log_phone") is False


def test_the_queue_condition_follows_the_department_scope():
    assert str(visible_items(staff("triager"))) == "true"
    assert str(visible_items(staff("handler", None))) == "false"
    assert str(visible_items(staff("handler", 7))) == "feedback_item.department_id = :department_id_1"
    assert visible_items(staff("handler", 7)).right.value == 7


def test_require_raises_only_when_not_allowed():
    require(staff("triager"), "accept", OFFICE_ITEM)
    require(staff("handler", 7), "note", OFFICE_ITEM)
    with pytest.raises(PermissionDenied):
        require(staff("handler", 8), "note", OFFICE_ITEM)
    with pytest.raises(PermissionDenied):
        require(staff("clerk"), "accept")
