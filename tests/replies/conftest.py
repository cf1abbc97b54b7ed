"""Fixtures of the reply tests: an item in handling at 办公室, ready for a reply."""
from __future__ import annotations

import pytest

from portal.services.common.clocks import ClockSettings
from portal.services.feedback import workflow

CLOCKS = ClockSettings()


@pytest.fixture
def handling(session, new_item, staff):
    """Factory: an item accepted and assigned to 办公室, with the fields given to intake."""
    def make(**fields):
        item, code = new_item(**fields)
        workflow.apply(session, item, "accept", staff.triager, CLOCKS)
        workflow.apply(session, item, "assign", staff.triager, CLOCKS, department=staff.office.id)
        return item, code
    return make
