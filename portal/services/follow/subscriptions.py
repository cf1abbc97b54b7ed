"""Subscribing (double opt-in), confirming, unsubscribing and managing an address's subscriptions.

Nothing here tells the caller whether an address already follows something: subscribing always queues a
confirmation mail and the page says the same. The audit log records the subscription's id, never the address.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Campaign, FeedbackItem, FollowSubscription
from portal.models.feedback import LANGUAGES
from portal.models.follow import ACTIVE, FREQUENCIES, IMMEDIATE, PENDING, UNSUBSCRIBED, WEEKLY
from portal.services.common import addresses, audit
from portal.services.common.errors import ServiceError
from portal.services.follow import mails, tokens
from portal.services.follow.targets import Target, of_subscription

WEEK = timedelta(days=7)
#: ids beyond a 32-bit integer name no row (and an integer the database cannot take must not reach it)
MAX_ID = 2**31


class FollowError(ServiceError):
    """A subscription refused (a bad address or frequency), or a link that is not valid (field "token")."""


def subscribe(session: Session, settings: tokens.FollowSettings, targets: Sequence[Target], email: str,
              frequency: str, language: str) -> None:
    """Queue one confirmation mail for targets; each becomes (or stays) one subscription of the address."""
    address = addresses.normalized(email)
    if address is None:
        raise FollowError(_("电子邮箱格式不正确。"), "email")
    if frequency not in FREQUENCIES:
        raise FollowError(_("请选择接收方式。"), "frequency")
    found = []
    for target in targets:
        subscription = _subscription(session, address, target, language)
        audit.record(session, None, "follow.subscribe", "follow_subscription", subscription.id,
                     actor_label=audit.CITIZEN, target=target.key, frequency=frequency, language=language)
        found.append((subscription, target))
    if found:
        mails.queue_confirmation(session, settings, address, found, frequency, language)


def follow_linked(session: Session, settings: tokens.FollowSettings, item: FeedbackItem) -> int:
    """The submitter's tick on the opinion form: the measures (or problems) the item is linked to, one confirmation
    mail for them all; how many targets, 0 when the item has no address or no link."""
    email = item.contact.email if item.contact else None
    campaign = session.get(Campaign, item.campaign_id) if item.campaign_id else None
    if not email or campaign is None:
        return 0
    targets = [Target(campaign, link.measure.problem if link.measure else link.problem, link.measure)
               for link in item.links]
    subscribe(session, settings, targets, email, IMMEDIATE, item.language)
    return len(targets)


def _subscription(session: Session, address: str, target: Target, language: str) -> FollowSubscription:
    subscription = session.scalar(select(FollowSubscription).where(FollowSubscription.email == address,
                                                                    FollowSubscription.target_key == target.key))
    if subscription is None:
        subscription = FollowSubscription(
            email=address, campaign_id=target.campaign.id, problem_id=target.problem.id if target.problem else None,
            measure_id=target.measure.id if target.measure else None, target_key=target.key,
            language=language if language in LANGUAGES else LANGUAGES[0], state=PENDING)
        session.add(subscription)
        session.flush()
    return subscription


def confirm(session: Session, settings: tokens.FollowSettings, token: str, now: datetime) -> list[FollowSubscription]:
    """Activate what a confirmation link names, with the frequency chosen when subscribing."""
    confirmation = _confirmation(settings, token)
    found = _subscriptions(session, confirmation.subscription_ids)
    frequency = confirmation.frequency if confirmation.frequency in FREQUENCIES else IMMEDIATE
    for subscription in found:
        if subscription.state != ACTIVE:
            subscription.confirmed_at, subscription.unsubscribed_at = now, None
        subscription.state = ACTIVE
        _set_frequency(subscription, frequency, now)
        audit.record(session, None, "follow.confirm", "follow_subscription", subscription.id,
                     actor_label=audit.CITIZEN, frequency=frequency)
    session.flush()
    return found


def pending_confirmation(session: Session, settings: tokens.FollowSettings, token: str) -> list[FollowSubscription]:
    """What a confirmation link would confirm (its GET page); FollowError when the link is not valid."""
    return _subscriptions(session, _confirmation(settings, token).subscription_ids)


def by_unsubscribe_token(session: Session, settings: tokens.FollowSettings, token: str) -> FollowSubscription:
    try:
        subscription_id = tokens.read_unsubscribe(settings.key, token)
    except tokens.BadToken as exc:
        raise FollowError(_("退订链接无效，请使用邮件中的完整链接。"), "token") from exc
    return _subscriptions(session, (subscription_id,))[0]


def by_manage_token(session: Session, settings: tokens.FollowSettings, token: str) -> FollowSubscription:
    try:
        subscription_id = tokens.read_manage(settings.key, token)
    except tokens.BadToken as exc:
        raise FollowError(_("管理链接无效，请使用邮件中的完整链接。"), "token") from exc
    return _subscriptions(session, (subscription_id,))[0]


def unsubscribe(session: Session, subscription: FollowSubscription, now: datetime, how: str) -> None:
    """Stop mailing subscription (how: one_click, page or manage); again on an unsubscribed one changes nothing."""
    if subscription.state == UNSUBSCRIBED:
        return
    subscription.state, subscription.unsubscribed_at = UNSUBSCRIBED, now
    audit.record(session, None, "follow.unsubscribe", "follow_subscription", subscription.id,
                 actor_label=audit.CITIZEN, how=how)
    session.flush()


def of_address(session: Session, owner: FollowSubscription) -> list[tuple[FollowSubscription, Target]]:
    """Every subscription of the address owner belongs to, that is pending or active, oldest first."""
    found = session.scalars(select(FollowSubscription).where(FollowSubscription.email == owner.email,
                                                             FollowSubscription.state != UNSUBSCRIBED)
                            .order_by(FollowSubscription.id))
    return [(s, of_subscription(session, s)) for s in found]


def manage(session: Session, owner: FollowSubscription, subscription_id: int, action: str, now: datetime) -> None:
    """From the manage page: unsubscribe, or switch to immediate or weekly, one of the owner address's subscriptions.

    The manage link is signed for one subscription; it reaches only the subscriptions of the same address.
    """
    subscription = session.get(FollowSubscription, subscription_id) if 0 < subscription_id < MAX_ID else None
    if subscription is None or subscription.email != owner.email:
        raise FollowError(_("找不到这项关注。"), "form")
    if action == "unsubscribe":
        unsubscribe(session, subscription, now, "manage")
        return
    if action not in FREQUENCIES or subscription.state != ACTIVE:
        raise FollowError(_("请选择接收方式。"), "form")
    _set_frequency(subscription, action, now)
    audit.record(session, None, "follow.frequency", "follow_subscription", subscription.id,
                 actor_label=audit.CITIZEN, frequency=action)
    session.flush()


def _set_frequency(subscription: FollowSubscription, frequency: str, now: datetime) -> None:
    """Weekly followers get their first digest a week on, covering what happens from now."""
    if frequency == WEEKLY and (subscription.frequency != WEEKLY or subscription.next_digest_at is None):
        subscription.next_digest_at, subscription.digested_until = now + WEEK, now
    elif frequency == IMMEDIATE:
        subscription.next_digest_at = None
    subscription.frequency = frequency


def _confirmation(settings: tokens.FollowSettings, token: str) -> tokens.Confirmation:
    try:
        return tokens.read_confirm(settings.key, token)
    except tokens.ExpiredToken as exc:
        raise FollowError(_("确认链接已过期（有效期%(days)s天），请重新关注。", days=tokens.CONFIRM_SECONDS // 86400),
                          "expired") from exc
    except tokens.BadToken as exc:
        raise FollowError(_("确认链接无效，请使用邮件中的完整链接。"), "token") from exc


def _subscriptions(session: Session, ids: Sequence[int]) -> list[FollowSubscription]:
    found = list(session.scalars(select(FollowSubscription).where(FollowSubscription.id.in_(ids))
                                 .order_by(FollowSubscription.id)))
    if not found:
        raise FollowError(_("链接指向的关注已不存在。"), "token")
    return found
