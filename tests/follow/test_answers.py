"""An answer made public about a followed measure mails the measure's and its problem's followers, saying only that
an answer was published (its text and the submitter's data stay on /answers and off the mail)."""
from __future__ import annotations

from sqlalchemy import select

from portal.models import FollowEvent, utcnow
from portal.services.follow import sender
from portal.services.replies import publication
from tests.follow.conftest import follow, follow_mails
from tests.replies.test_publication import ANSWER, SECRETS, sent_reply  # noqa: F401


def test_a_published_answer_mails_the_followers_of_its_measure_and_problem(app, session, settings, sent_reply, staff,
                                                                          small_campaign):
    follow(session, settings, small_campaign, "measure@example.org", measure="2-1")
    follow(session, settings, small_campaign, "problem@example.org", problem="2")
    follow(session, settings, small_campaign, "elsewhere@example.org", problem="1")
    _item, reply = sent_reply()
    publication.propose(session, staff.research, reply)
    publication.publish(session, staff.research, reply, confirmed=True, spans_checked=True)
    session.commit()
    (event,) = session.scalars(select(FollowEvent)).all()
    assert (event.kind, event.details) == ("answer", {"reply_id": reply.id, "code": "2-1"})
    sender.run(app.extensions["portal.db"], settings, utcnow())
    mails = follow_mails(session)
    assert sorted(m.to_address for m in mails) == ["measure@example.org", "problem@example.org"]
    for mail in mails:
        assert "公开了一份关于整改措施2-1的答复" in mail.body_text
        assert ANSWER not in mail.body_text and not any(secret in mail.body_text for secret in SECRETS)
