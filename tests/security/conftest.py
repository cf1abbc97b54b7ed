"""Fixtures of the security sweeps."""
from __future__ import annotations

import pytest

from tests.security.test_csrf import World, build_world


@pytest.fixture
def world(app, session, new_item, make_user, small_campaign) -> World:
    """The world of real objects every route-enumerating sweep requests (see test_csrf.build_world), with rate limits
    high enough for a sweep."""
    app.config.update(LOGIN_RATE_LIMIT="10000 per minute", FORM_RATE_LIMIT="10000 per minute",
                      LOOKUP_RATE_LIMIT="10000 per minute")
    return build_world(session, new_item, make_user, small_campaign)
