"""Write-once rows (audit events, queued mail) inserted without the unit of work: every column as the ORM would have
written it, column defaults included, in the order they were added, once."""
from __future__ import annotations

from sqlalchemy import select

from portal.models import AuditEvent, OutboxMessage
from portal.models.mail import PENDING
from portal.services.common import audit, write_once
from tests.public.factory import count_queries


def test_pending_audit_events_are_inserted_in_order_with_their_defaults_and_forgotten(app, session):
    first = audit.record(session, None, "test.first", "feedback_item", 7, reason="一")
    second = audit.record(session, None, "test.second", "feedback_item", 8, reason="二")
    with count_queries(app) as statements:
        write_once.write_pending(session, AuditEvent)
    assert len(statements) == 1
    assert first not in session and second not in session
    session.flush()
    stored = session.scalars(select(AuditEvent).where(AuditEvent.action.like("test.%")).order_by(AuditEvent.id)).all()
    assert [(e.action, e.object_id, e.details, e.actor_label) for e in stored] == [
        ("test.first", 7, {"reason": "一"}, audit.SYSTEM), ("test.second", 8, {"reason": "二"}, audit.SYSTEM)]
    assert all(e.at is not None for e in stored)


def test_only_the_models_named_are_written_and_the_rest_stays_pending(app, session):
    queued = OutboxMessage(kind="ack", to_address="citizen@example.cn", subject="回执", body_text="正文",
                           message_id="<write-once@example.cn>")
    session.add(queued)
    event = audit.record(session, None, "test.only", "feedback_item", 1)
    write_once.write_pending(session, OutboxMessage)
    assert event in session.new and queued not in session
    session.flush()
    stored = session.scalars(select(OutboxMessage).where(OutboxMessage.message_id == "<write-once@example.cn>")).one()
    assert (stored.status, stored.attempts, stored.headers, stored.next_attempt_at is not None) == (PENDING, 0, {},
                                                                                                   True)
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "test.only")).one().object_id == 1
