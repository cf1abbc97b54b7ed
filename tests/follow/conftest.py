"""Fixtures of the follow tests: the settings, a ledger campaign imported from a file, and confirmed followers."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.models import Campaign, FollowSubscription, OutboxMessage, utcnow
from portal.services.follow import subscriptions, targets
from portal.services.follow.tokens import FollowSettings, confirm_token
from portal.services.ledger.importer import import_ledger
from tests import ledger_files
from tests.smtp_fixtures import smtp_sink  # noqa: F401


@pytest.fixture
def settings(app) -> FollowSettings:
    return FollowSettings.from_config(app.config)


@pytest.fixture
def ledger(session, tmp_path) -> Campaign:
    """Campaign test-2020 with measures 1-1, 1-2 (problem 1) and 2-1 (problem 2), imported from a CSV ledger."""
    campaign = ledger_files.campaign(session)
    import_ledger(session, campaign, ledger_files.write_csv(tmp_path / "v1.csv", ledger_files.ROWS), actor="导入")
    session.commit()
    return campaign


def change_ledger(session, campaign: Campaign, tmp_path: Path, code: str, status: str = "已完成",
                  done_on: str = "2021-03-01", note: str = "已印发制度") -> None:
    """Import the ledger again with measure code marked done (as an operator's `flask ledger import` would)."""
    rows = [list(row) for row in ledger_files.ROWS]
    for row in rows:
        if row[8] == code:
            row[10:13] = [status, done_on, note]
    path = ledger_files.write_csv(tmp_path / f"v-{code}-{len(list(tmp_path.iterdir()))}.csv", rows)
    import_ledger(session, campaign, path, actor="导入")
    session.commit()


def follow(session, settings, campaign: Campaign, email: str, *, problem: str | None = None,
           measure: str | None = None, frequency: str = "immediate", language: str = "zh",
           confirmed_days_ago: float = 0) -> FollowSubscription:
    """A confirmed follower, through subscribe and confirm."""
    target = targets.find(session, campaign, problem, measure)
    subscriptions.subscribe(session, settings, [target], email, frequency, language)
    subscription = session.scalar(select(FollowSubscription).where(FollowSubscription.email == email,
                                                                   FollowSubscription.target_key == target.key))
    subscriptions.confirm(session, settings, confirm_token(settings.key, [subscription.id], frequency),
                          utcnow() - timedelta(days=confirmed_days_ago))
    session.commit()
    return subscription


def follow_mails(session, to: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind.in_(("follow", "follow_digest"))).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return list(session.scalars(query))
