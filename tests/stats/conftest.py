"""A campaign with items of known dates, states, departments and ratings; tests/stats/test_figures.py states every
figure they give."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from portal.models import AnswerRating, FeedbackLink, Reply
from portal.models.feedback import SENT
from portal.services.accounts.users import department_named

ZONE = ZoneInfo("Asia/Shanghai")
#: the day the figures are computed on
TODAY = date(2021, 6, 30)


def local(text: str) -> datetime:
    """'2021-03-01 10:00' in Beijing time, as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


@pytest.fixture
def world(session, new_item, small_campaign, make_user):
    """Items 1-11 of the campaign "t" (the numbers are the tests' names for them):

    办公室: 1 accepted on time, answered on time, closed, rated 满意 (plus a second answer, unrated);
            2 accepted late, answered late, rated 不满意; 3 accepted, extended 30 days, still handling past its date.
    组织部: 4 accepted and answered on time, rated 基本满意.
    unassigned: 5 still waiting past its accept-by date; 6 not accepted on time; 10 transferred late (received at
    00:30 Beijing time on 1 March, still 28 February in UTC).
    excluded: 7 duplicate, 8 spam. Outside the range: 11 (23:30 on 28 February, Beijing time).
    """
    office, org = department_named(session, "办公室"), department_named(session, "组织部")
    problems = {p.number: p for p in small_campaign.categories[0].problems + small_campaign.categories[1].problems}
    measures = {m.code: m for p in problems.values() for m in p.measures}
    items = {}

    def make(number, received, state, channel="web", kind="suggestion", department=None, accepted=None,
             closed=None, replied=None, extension=None, targets=()):
        received_at = local(received)
        fields = {"phone_line": "12351"} if channel == "phone" else {}
        item, _code = new_item(channel=channel, kind=kind, campaign_id=small_campaign.id, received_at=received_at,
                               **fields)
        item.state = state
        item.department = department
        if accepted:
            item.accepted_at = local(accepted)
            item.handle_due = item.accepted_at.date() + timedelta(days=60 + (extension or 0))
            item.extension_days = extension
        if closed:
            item.closed_at = local(closed)
        if replied:
            item.replied_at = local(replied)
        item.due_date = (None if state not in ("received", "accepted", "handling")
                         else item.accept_due if state == "received" else item.handle_due)
        for target in targets:
            session.add(FeedbackLink(item_id=item.id, measure_id=measures[target].id) if "-" in target
                        else FeedbackLink(item_id=item.id, problem_id=problems[int(target)].id))
        items[number] = item
        return item

    make(1, "2021-03-01 10:00", "closed", department=office, accepted="2021-03-10 10:00",
         replied="2021-04-10 10:00", closed="2021-04-20 10:00", targets=["1-1"])
    make(2, "2021-03-01 10:00", "replied", channel="phone", department=office, accepted="2021-03-20 10:00",
         replied="2021-05-25 10:00", targets=["1-2", "1"])
    make(3, "2021-03-05 10:00", "handling", channel="email", kind="report", department=office,
         accepted="2021-03-06 10:00", extension=30, targets=["2"])
    make(4, "2021-04-01 10:00", "replied", channel="letter", kind="appeal", department=org,
         accepted="2021-04-02 10:00", replied="2021-05-01 10:00", targets=["2-1"])
    make(5, "2021-06-01 10:00", "received")
    make(6, "2021-06-10 10:00", "not_accepted", kind="inquiry", closed="2021-06-12 10:00")
    make(7, "2021-03-02 10:00", "duplicate", targets=["1-1"])
    make(8, "2021-03-03 10:00", "spam")
    make(10, "2021-03-01 00:30", "transferred", channel="phone", kind="praise", closed="2021-03-20 00:30")
    make(11, "2021-02-28 23:30", "received")
    session.flush()
    replies = {}
    for number, extra in ((1, 1), (2, 0), (4, 0)):
        item = items[number]
        for _ in range(1 + extra):
            reply = Reply(item_id=item.id, text="答复", channel="email", status=SENT, sent_at=item.replied_at)
            session.add(reply)
            replies.setdefault(number, reply)
    session.add(Reply(item_id=items[4].id, text="草稿", channel="email", status="draft"))
    session.flush()
    for number, level in ((1, "satisfied"), (2, "unsatisfied"), (4, "basically_satisfied")):
        session.add(AnswerRating(item_id=items[number].id, reply_id=replies[number].id, level=level, source="web"))
    session.flush()
    return SimpleNamespace(campaign=small_campaign, items=items, office=office, org=org,
                           supervisor=make_user("supervisor"), handler=make_user("handler", department="办公室"),
                           clerk=make_user("clerk"))
