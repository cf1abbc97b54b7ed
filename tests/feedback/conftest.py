"""Fixtures of the feedback tests."""
from __future__ import annotations

import pytest


@pytest.fixture
def triager(make_user):
    return make_user("triager")
