"""Two deliveries of one message at the same moment (two MTAs, two fetchers) store it once and make one item."""
import threading
import time

from sqlalchemy import func, select

from tests.mail import corpus
from portal import db
from portal.commands.mail_inbound import receive
from portal.models import FeedbackItem, InboundMessage
from portal.services.mail.ingest import DUPLICATE, IngestSettings, ingest


def test_the_copy_that_loses_the_race_is_a_duplicate_not_an_error(app):
    raw = corpus.utf8_plain()
    inserted, go = threading.Event(), threading.Event()
    results = {}

    def first() -> None:
        with app.app_context():
            session = db.session()
            results["first"] = ingest(session, raw, "imap", IngestSettings.from_config(app.config)).outcome
            inserted.set()
            go.wait(30)
            session.commit()

    def second() -> None:
        with app.app_context():
            results["second"] = receive(db.session(), raw, "pipe", IngestSettings.from_config(app.config)).outcome

    winner = threading.Thread(target=first)
    winner.start()
    assert inserted.wait(30)
    loser = threading.Thread(target=second)
    loser.start()
    time.sleep(0.5)  # the loser is now waiting on the winner's uncommitted row (or SQLite's write lock)
    go.set()
    winner.join(30)
    loser.join(30)
    assert results == {"first": "item", "second": DUPLICATE}
    with app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 1
        assert session.scalar(select(func.count()).select_from(FeedbackItem)) == 1
