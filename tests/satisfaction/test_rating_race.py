"""Two ratings of one answer at the same moment (a double click, two tabs): both are saved, the later one as a change
of the first, never a unique-constraint error (HTTP 500)."""
from __future__ import annotations

import threading

from sqlalchemy import select

from portal.models import AnswerRating, AuditEvent
from portal.services.satisfaction import ratings
from portal.services.satisfaction.links import rating_link
from tests.conftest import csrf_token
from tests.satisfaction.test_ratings import path_of


def test_two_simultaneous_first_ratings_of_one_answer_both_succeed_as_a_record_and_a_change(
        app, session, answered, rating_settings, monkeypatch):
    item, reply = answered()
    session.commit()
    page = path_of(rating_link(reply, rating_settings))
    clients = [app.test_client(), app.test_client()]
    forms = [{"level": level, "comment": "", "via": "", "csrf_token": csrf_token(client, page)}
             for client, level in zip(clients, ("satisfied", "unsatisfied"), strict=True)]
    # both requests have read "no rating yet" before either writes: the race the unique reply_id used to lose
    both_read = threading.Barrier(2, timeout=20)
    rate = ratings.rate

    def rate_together(*args, **kwargs):
        both_read.wait()
        return rate(*args, **kwargs)

    monkeypatch.setattr(ratings, "rate", rate_together)
    statuses: list[int] = []

    def post(client, form) -> None:
        statuses.append(client.post(page, data=form).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [303, 303]
    session.expire_all()
    saved = session.scalars(select(AnswerRating).where(AnswerRating.reply_id == reply.id)).all()
    assert len(saved) == 1 and saved[0].updated_at is not None
    events = {e.action: e for e in
              session.scalars(select(AuditEvent).where(AuditEvent.object_type == "answer_rating"))}
    assert sorted(events) == ["rating.change", "rating.record"]
    first, change = events["rating.record"], events["rating.change"]
    assert {first.details["level"], change.details["level"]} == {"satisfied", "unsatisfied"}
    assert change.details["previous_level"] == first.details["level"]
    assert saved[0].level == change.details["level"]
    assert first.item_id == change.item_id == item.id
