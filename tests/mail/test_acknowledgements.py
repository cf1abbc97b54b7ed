"""Acknowledgements are queued in the outbox with the case number, the query code and the lookup link."""
from flask import current_app

from portal.services.mail.acknowledgements import AckSettings, acknowledge
from portal.services.feedback.intake import Contact


def test_acknowledgement_is_queued_for_an_item_with_an_email(app, session, new_item):
    item, code = new_item(contact=Contact(email="citizen@example.org"), wants_reply=True)
    with app.test_request_context():
        message = acknowledge(session, item, code, AckSettings.from_config(current_app.config))
    assert message.to_address == "citizen@example.org" and message.kind == "ack"
    assert item.case_number in message.subject and code in message.body_text and code in message.body_html
    assert "/lookup" in message.body_text and "15日内" in message.body_text
    assert message.headers == {"Auto-Submitted": "auto-generated"}
    assert message.message_id.startswith(f"<{item.case_number}.")


def test_no_acknowledgement_without_an_email(app, session, new_item):
    item, code = new_item(contact=Contact(phone="13812341762"))
    with app.test_request_context():
        assert acknowledge(session, item, code, AckSettings.from_config(current_app.config)) is None
