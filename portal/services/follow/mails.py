"""What a follower receives: the confirmation mail, and the mail of new events (immediate) or of the week (digest).

Every mail after the confirmation carries RFC 8058 one-click unsubscribe headers and a link to manage all of the
address's subscriptions; each is written in the language of the page the address subscribed on.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import labels
from portal.models import FollowEvent, FollowSubscription, OutboxMessage
from portal.models.feedback import ENGLISH
from portal.models.follow import ANSWER, MEASURE_CHANGE, RECHECK, REPORT
from portal.services.follow import tokens
from portal.services.follow.targets import Target
from portal.services.mail import outbox

CONFIRM_KIND, NOTICE_KIND, DIGEST_KIND = "follow_confirm", "follow", "follow_digest"


@dataclass(frozen=True)
class EventLine:
    """One event as a follower reads it: a sentence and the public page it concerns."""

    text: str
    url: str


def locale_of(language: str) -> str:
    return "en" if language == ENGLISH else labels.CHINESE


def describe(event: FollowEvent, slug: str, base_url: str) -> EventLine:
    """The event in the current language, with its page."""
    details = event.details or {}
    campaign = f"{base_url}/campaigns/{slug}"
    if event.kind == MEASURE_CHANGE:
        field = details.get("field")
        old, new = details.get("old"), details.get("new")
        if field == "status":
            old, new = labels.label("measure_status", old), labels.label("measure_status", new)
        text = _("整改措施%(code)s的%(field)s：%(old)s → %(new)s", code=details.get("code"),
                 field=labels.label("measure_field", field), old=old or _("（无）"), new=new or _("（无）"))
        return EventLine(text, f"{campaign}/measures/{details.get('code')}")
    if event.kind == RECHECK:
        text = _("整改措施%(code)s回头看：%(result)s。%(note)s", code=details.get("code"),
                 result=labels.label("recheck_result", details.get("result")), note=details.get("note") or "")
        return EventLine(text, f"{campaign}/measures/{details.get('code')}")
    if event.kind == REPORT:
        return EventLine(_("发布进展通报：%(title)s", title=details.get("title")),
                         f"{campaign}/reports/{details.get('report_id')}")
    if event.kind == ANSWER and details.get("code"):
        return EventLine(_("公开了一份关于整改措施%(code)s的答复", code=details["code"]),
                         f"{base_url}/answers?campaign={slug}&measure={details['code']}")
    return EventLine(_("公开了一份关于问题%(number)s的答复", number=details.get("number")),
                     f"{base_url}/answers?campaign={slug}&problem={details.get('number')}")


def queue_confirmation(session: Session, settings: tokens.FollowSettings, email: str,
                       subscriptions: Sequence[tuple[FollowSubscription, Target]], frequency: str,
                       language: str) -> OutboxMessage:
    """The double opt-in mail: one link confirms every subscription listed."""
    token = tokens.confirm_token(settings.key, [s.id for s, _target in subscriptions], frequency)
    with force_locale(locale_of(language)):
        targets = [(t.title(), settings.base_url + t.path) for _s, t in subscriptions]
        subject = _("请确认关注：%(target)s", target=targets[0][0]) if len(targets) == 1 \
            else _("请确认关注%(count)s项", count=len(targets))
        text = render_template("email/follow_confirm.txt", targets=targets,
                               confirm_url=f"{settings.base_url}/follow/confirm/{token}",
                               frequency=labels.label("follow_frequency", frequency),
                               days=tokens.CONFIRM_SECONDS // 86400)
    return outbox.enqueue(session, settings.mail, to=email, subject=subject, text=text, kind=CONFIRM_KIND)


def unsubscribe_url(settings: tokens.FollowSettings, subscription: FollowSubscription) -> str:
    return f"{settings.base_url}/follow/unsubscribe/{tokens.unsubscribe_token(settings.key, subscription.id)}"


def queue_events(session: Session, settings: tokens.FollowSettings, subscription: FollowSubscription,
                 target: Target, events: Sequence[FollowEvent], digest: bool,
                 lines: dict[tuple[str, int], EventLine] | None = None) -> OutboxMessage:
    """One mail listing events for one follower, with the one-click unsubscribe headers; added to the session, not
    flushed (the sender flushes a batch's mails at once). lines keeps each event's text per language for the next
    follower."""
    lines = {} if lines is None else lines
    unsubscribe = unsubscribe_url(settings, subscription)
    manage = f"{settings.base_url}/follow/manage/{tokens.manage_token(settings.key, subscription.id)}"
    with force_locale(locale_of(subscription.language)):
        title = target.title()
        listed = [lines.get((subscription.language, e.id)) or lines.setdefault(
            (subscription.language, e.id), describe(e, target.campaign.slug, settings.base_url)) for e in events]
        subject = (_("本周关注动态：%(target)s（%(count)s条）", target=title, count=len(events)) if digest
                   else _("您关注的%(target)s有新动态", target=title))
        text = render_template("email/follow_events.txt", title=title, lines=listed, digest=digest,
                               page_url=settings.base_url + target.path, unsubscribe_url=unsubscribe,
                               manage_url=manage)
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return outbox.enqueue(session, settings.mail, to=subscription.email, subject=subject, text=text,
                          kind=DIGEST_KIND if digest else NOTICE_KIND, headers=headers, flush=False)
