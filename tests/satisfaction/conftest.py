"""Fixtures of the satisfaction tests: items whose answer went out (by e-mail, on the case page, by letter or call)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.models.feedback import APPROVED
from portal.services.common.clocks import ClockSettings
from portal.services.feedback import workflow
from portal.services.replies import drafting
from portal.services.satisfaction.links import RatingSettings

CLOCKS = ClockSettings()


@pytest.fixture
def rating_settings(app) -> RatingSettings:
    return RatingSettings.from_config(app.config)


@pytest.fixture
def answered(app, session, new_item, staff):
    """Factory: answered(channel="web", sent_at=…, **intake fields) → (item, reply), the reply sent at sent_at."""
    settings = drafting.ReplySettings.from_config(app.config)

    def make(channel: str = "web", sent_at: datetime | None = None, text: str = "经核查，已整改到位。", **fields):
        sent_at = sent_at or datetime.now(UTC)
        item, _ = new_item(channel=channel, received_at=sent_at - timedelta(days=1), **fields)
        workflow.apply(session, item, "accept", staff.triager, CLOCKS, now=sent_at)
        workflow.apply(session, item, "assign", staff.triager, CLOCKS, now=sent_at, department=staff.office.id)
        reply = drafting.start_draft(session, staff.handler, item, text, CLOCKS)
        drafting.submit(session, staff.handler, reply, now=sent_at)
        drafting.approve(session, staff.research, reply, settings, confirmed=True, now=sent_at)
        if reply.status == APPROVED:
            drafting.record_delivery(session, staff.research, reply, CLOCKS, sent_at, confirmed=True, now=sent_at)
        return item, reply
    return make
