"""Followers' addresses go when they no longer serve: unconfirmed subscriptions once their link has expired, ended ones
30 days after, follow mails' recipients 30 days after sending; active followers and fresh requests stay."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.models import AuditEvent, FollowSubscription, OutboxMessage, utcnow
from portal.services.follow import retention, sender, subscriptions, targets
from portal.services.feedback.retention import ANONYMISED_ADDRESS
from tests.follow.conftest import change_ledger, follow


def emails(session) -> set[str]:
    session.expire_all()
    return set(session.scalars(select(FollowSubscription.email)))


def ask(session, settings, campaign, email: str, measure: str = "1-2") -> None:
    subscriptions.subscribe(session, settings, [targets.find(session, campaign, None, measure)], email,
                            "immediate", "zh")
    session.commit()


def pending_since(session, campaign, email: str, days: int) -> None:
    """A subscription asked for days ago, to measure 1-2 (as subscribe() stores it)."""
    measure = targets.find(session, campaign, None, "1-2")
    session.add(FollowSubscription(email=email, campaign_id=campaign.id, problem_id=measure.problem.id,
                                   measure_id=measure.measure.id, target_key=measure.key, language="zh",
                                   state="pending", created_at=utcnow() - timedelta(days=days)))
    session.commit()


def test_an_unconfirmed_subscription_goes_once_its_last_link_has_expired(session, settings, ledger):
    pending_since(session, ledger, "never@example.org", 8)
    pending_since(session, ledger, "asked-again@example.org", 8)
    pending_since(session, ledger, "recent@example.org", 6)
    ask(session, settings, ledger, "asked-again@example.org")
    result = retention.purge(session, utcnow())
    session.commit()
    assert result.subscriptions == 1
    assert emails(session) == {"asked-again@example.org", "recent@example.org"}


def test_an_ended_subscription_goes_30_days_after_it_ended_and_an_active_one_stays(session, settings, ledger):
    active = follow(session, settings, ledger, "active@example.org", measure="1-1")
    ended = follow(session, settings, ledger, "ended@example.org", measure="1-1")
    subscriptions.unsubscribe(session, ended, utcnow(), "page")
    session.commit()
    assert retention.purge(session, utcnow() + timedelta(days=29)).subscriptions == 0
    result = retention.purge(session, utcnow() + timedelta(days=31))
    session.commit()
    assert result.subscriptions == 1
    assert emails(session) == {active.email}
    (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.purge_follow"))
    assert event.details["subscriptions"] == 1 and "example.org" not in repr(event.details)


def test_follow_mails_lose_their_recipient_30_days_after_sending_and_a_dry_run_changes_nothing(
        session, settings, ledger, tmp_path, app):
    follow(session, settings, ledger, "reader@example.org", measure="1-2")
    change_ledger(session, ledger, tmp_path, "1-2")
    sender.run(app.extensions["portal.db"], settings, utcnow())
    mails = session.scalars(select(OutboxMessage).where(OutboxMessage.kind.in_(retention.FOLLOW_MAIL_KINDS))).all()
    for mail in mails:
        mail.status, mail.sent_at = "sent", utcnow()
    session.commit()
    later = utcnow() + timedelta(days=31)
    assert retention.purge(session, later, dry_run=True).mails == len(mails) == 2
    assert {m.to_address for m in session.scalars(select(OutboxMessage))} == {"reader@example.org"}
    assert retention.purge(session, later).mails == 2
    session.commit()
    session.expire_all()
    assert {m.to_address for m in session.scalars(select(OutboxMessage))} == {ANONYMISED_ADDRESS}
    assert emails(session) == {"reader@example.org"}


def test_the_privacy_purge_command_reports_the_followers_it_removed(runner, session, settings, ledger):
    session.add(FollowSubscription(email="old@example.org", campaign_id=ledger.id, target_key=f"c{ledger.id}",
                                   language="zh", state="pending", created_at=utcnow() - timedelta(days=8)))
    session.commit()
    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "关注：将删除未确认或已退订的关注 1 条" in dry.output
    assert emails(session) == {"old@example.org"}
    real = runner.invoke(args=["privacy", "purge"])
    assert "关注：已删除未确认或已退订的关注 1 条" in real.output
    assert emails(session) == set()
