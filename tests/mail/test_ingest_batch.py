"""Several messages in one transaction (LMTP, IMAP): the new items take their ids in one statement and are written
together, with the case numbers of their ids; a message that cannot be stored still fails alone."""
from sqlalchemy import func, select

from portal.commands.mail_inbound import receive_batch
from portal.models import AuditEvent, FeedbackItem, InboundMessage, OutboxMessage
from portal.services.common import audit
from portal.services.feedback import case_codes
from portal.services.mail import acknowledgements
from portal.services.mail.ingest import DUPLICATE, IngestSettings, ingest_many
from tests.mail import corpus
from tests.public.factory import count_queries


def opinion(number: int, subject: str = "关于整改工作的建议") -> bytes:
    return corpus.message(corpus.text(corpus.OPINION), message_id=f"<batch-{number}@mail.example.cn>",
                          sender=f"citizen{number} <citizen{number}@example.cn>", subject=subject)


def statements_for(app, session, settings: IngestSettings, raws: list[bytes]) -> int:
    with count_queries(app) as statements:
        ingest_many(session, raws, "lmtp", settings)
    return len(statements)


def test_a_batch_writes_its_new_items_with_a_bounded_number_of_statements(app, session):
    settings = IngestSettings.from_config(app.config)
    ingest_many(session, [opinion(0)], "lmtp", settings)  # the default campaign is remembered from here on
    five = statements_for(app, session, settings, [opinion(n) for n in range(1, 6)])
    ten = statements_for(app, session, settings, [opinion(n) for n in range(10, 20)])
    if session.get_bind().dialect.name == "postgresql":
        # per message its raw INSERT … ON CONFLICT DO NOTHING; for the whole batch one statement each: the ids, the
        # items, contacts, audit events, acknowledgements and the raw messages' links to their items
        assert (five, ten) == (5 + 6, 10 + 6)
    else:
        # SQLite gives ids only from an INSERT: per message its raw INSERT, its item's and its contact's (flushed
        # alone, for the id); the audit events, acknowledgements and links stay one statement for the whole batch
        assert ten - five == 5 * 3


def test_the_new_items_of_a_batch_take_consecutive_ids_and_their_case_numbers(app, session):
    settings = IngestSettings.from_config(app.config)
    raws = [opinion(1), corpus.auto_reply(message_id="<batch-auto@mail.example.cn>"), opinion(2), opinion(1),
            corpus.message(corpus.text(""), subject="hi", message_id="<batch-empty@x.cn>"), opinion(3, "举报某单位")]
    results = ingest_many(session, raws, "lmtp", settings)
    assert [r.outcome for r in results] == ["item", "ignored", "item", DUPLICATE, "quarantined", "item"]
    items = [r.item for r in results if r.item is not None]
    ids = [item.id for item in items]
    # the auto-reply, the duplicate and the message intake refused took no id
    assert ids == list(range(ids[0], ids[0] + 3))
    session.expire_all()
    stored = session.scalars(select(FeedbackItem).order_by(FeedbackItem.id)).all()
    assert [item.id for item in stored] == ids and [item.kind for item in stored] == ["suggestion"] * 2 + ["report"]
    for item in stored:
        year = settings.intake.clocks.local_date(item.received_at).year
        assert item.case_number == case_codes.case_number(settings.intake.case_prefix, year, item.id)
        assert item.search_words and item.text_key and item.contact.email.startswith("citizen")
        inbound = session.scalar(select(InboundMessage).where(InboundMessage.item_id == item.id))
        assert inbound.outcome == "item"
        ack = session.scalar(select(OutboxMessage).where(OutboxMessage.item_id == item.id))
        assert item.case_number in ack.subject and ack.to_address == item.contact.email
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.item_id == item.id, AuditEvent.action == "item.create")) == 1
    assert session.scalar(select(func.count()).select_from(InboundMessage)) == 5


def test_a_message_failing_when_the_batch_is_written_fails_alone(app, session, monkeypatch):
    settings = IngestSettings.from_config(app.config)
    real = acknowledgements.acknowledge

    def acknowledge(session, item, *args, **kwargs):
        if item.subject == "坏的一封":
            raise RuntimeError("the acknowledgement could not be queued")
        return real(session, item, *args, **kwargs)

    monkeypatch.setattr(acknowledgements, "acknowledge", acknowledge)
    raws = [opinion(1), opinion(2, "坏的一封"), opinion(3)]
    results = receive_batch(session, raws, "lmtp", settings)
    assert isinstance(results[1], RuntimeError)
    assert [r.outcome for r in (results[0], results[2])] == ["item", "item"]
    session.expire_all()
    assert session.scalars(select(InboundMessage.message_id).order_by(InboundMessage.id)).all() == [
        "<batch-1@mail.example.cn>", "<batch-3@mail.example.cn>"]
    assert session.scalar(select(func.count()).select_from(FeedbackItem)) == 2
    # stored again later (the MTA's next delivery), it becomes an item like the others
    monkeypatch.setattr(acknowledgements, "acknowledge", real)
    again = receive_batch(session, [opinion(2, "坏的一封"), opinion(1)], "lmtp", settings)
    assert [r.outcome for r in again] == ["item", DUPLICATE]


def test_what_the_caller_left_pending_is_written_as_it_was_and_kept(app, session):
    settings = IngestSettings.from_config(app.config)
    noted = audit.record(session, None, "test.before_ingest", "inbound_message")
    ingest_many(session, [opinion(1)], "lmtp", settings)
    # flushed by the unit of work before the messages, not written and forgotten with the batch's own events
    assert noted in session and noted.id is not None
