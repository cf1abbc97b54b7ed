"""Subscribing is double opt-in: one pending subscription per address and target, a confirmation mail that says
nothing about earlier subscriptions, a signed link that expires, and an audit trail without the address."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, FollowSubscription, OutboxMessage, utcnow
from portal.services.follow import subscriptions, targets, tokens
from portal.services.follow.subscriptions import FollowError


def confirmation_link(session) -> str:
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "follow_confirm")
                              .order_by(OutboxMessage.id.desc())).first()
    return next(word for word in message.body_text.split() if "/follow/confirm/" in word)


def test_subscribing_stores_a_pending_subscription_and_queues_a_confirmation_mail(session, settings, ledger):
    target = targets.find(session, ledger, measure="1-2")
    subscriptions.subscribe(session, settings, [target], "Li.Si@Example.ORG", "weekly", "zh")
    subscription = session.scalar(select(FollowSubscription))
    assert (subscription.state, subscription.measure_id, subscription.frequency) == ("pending", target.measure.id,
                                                                                    "immediate")
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "follow_confirm"))
    assert message.to_address == "Li.Si@example.org"
    assert "整改措施1-2" in message.subject and "/follow/confirm/" in message.body_text
    assert "每周汇总一次" in message.body_text


def test_the_same_address_and_target_is_one_subscription(session, settings, ledger):
    target = targets.find(session, ledger, problem="1")
    for _ in range(3):
        subscriptions.subscribe(session, settings, [target], "a@example.org", "immediate", "zh")
    assert session.scalar(select(func.count()).select_from(FollowSubscription)) == 1
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_confirming_activates_with_the_frequency_chosen_and_audits_without_the_address(session, settings, ledger):
    target = targets.find(session, ledger, measure="1-2")
    subscriptions.subscribe(session, settings, [target], "zhang@example.org", "weekly", "en")
    link = confirmation_link(session)
    assert subscriptions.pending_confirmation(session, settings, link.rsplit("/", 1)[1])[0].state == "pending"
    (subscription,) = subscriptions.confirm(session, settings, link.rsplit("/", 1)[1], utcnow())
    assert (subscription.state, subscription.frequency, subscription.language) == ("active", "weekly", "en")
    assert subscription.next_digest_at is not None
    events = session.scalars(select(AuditEvent).where(AuditEvent.action.like("follow.%"))).all()
    assert [e.action for e in events] == ["follow.subscribe", "follow.confirm"]
    assert all("zhang" not in repr(e.details) + e.actor_label for e in events)


def test_an_english_follower_gets_an_english_confirmation(session, settings, ledger):
    subscriptions.subscribe(session, settings, [targets.find(session, ledger, measure="1-2")], "en@example.org",
                            "immediate", "en")
    message = session.scalar(select(OutboxMessage))
    assert message.subject.startswith("Please confirm")


@pytest.mark.parametrize("address", ["", "not-an-address", "a@example.org\nBcc: b@example.org", "A <a@example.org>"])
def test_a_bad_address_is_refused_and_nothing_is_stored(session, settings, ledger, address):
    with pytest.raises(FollowError) as refused:
        subscriptions.subscribe(session, settings, [targets.find(session, ledger)], address, "immediate", "zh")
    assert refused.value.field == "email"
    assert session.scalar(select(func.count()).select_from(FollowSubscription)) == 0


def test_bad_and_expired_confirmation_links_are_refused(session, settings, ledger):
    subscriptions.subscribe(session, settings, [targets.find(session, ledger)], "a@example.org", "immediate", "zh")
    token = confirmation_link(session).rsplit("/", 1)[1]
    with pytest.raises(FollowError) as bad:
        subscriptions.confirm(session, settings, token[:-2], utcnow())
    assert bad.value.field == "token"
    with pytest.raises(tokens.ExpiredToken):
        tokens.read_confirm(settings.key, token, max_age=-1)
    with pytest.raises(FollowError) as other_key:
        subscriptions.confirm(session, tokens.FollowSettings(settings.mail, "another key", settings.base_url), token,
                              utcnow())
    assert other_key.value.field == "token"


def test_an_unsubscribe_token_is_not_a_manage_token(session, settings, ledger):
    subscriptions.subscribe(session, settings, [targets.find(session, ledger)], "a@example.org", "immediate", "zh")
    subscription = session.scalar(select(FollowSubscription))
    with pytest.raises(FollowError):
        subscriptions.by_manage_token(session, settings, tokens.unsubscribe_token(settings.key, subscription.id))
    assert subscriptions.by_unsubscribe_token(
        session, settings, tokens.unsubscribe_token(settings.key, subscription.id)) is subscription


def test_the_manage_link_reaches_only_the_same_addresss_subscriptions(session, settings, ledger):
    mine, theirs = (targets.find(session, ledger, measure="1-1"), targets.find(session, ledger, measure="2-1"))
    subscriptions.subscribe(session, settings, [mine, theirs], "me@example.org", "immediate", "zh")
    subscriptions.subscribe(session, settings, [theirs], "other@example.org", "immediate", "zh")
    me, _mine2, other = session.scalars(select(FollowSubscription).order_by(FollowSubscription.id)).all()
    assert len(subscriptions.of_address(session, me)) == 2
    with pytest.raises(FollowError):
        subscriptions.manage(session, me, other.id, "unsubscribe", utcnow())
    subscriptions.manage(session, me, me.id, "unsubscribe", utcnow())
    assert (me.state, other.state) == ("unsubscribed", "pending")
