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


def test_the_kept_bodies_are_what_the_templates_render_for_each_item(app, session, new_item):
    from flask import render_template

    from portal.models.feedback import ENGLISH
    from portal.services.feedback.language import submitters_language

    settings = AckSettings.from_config(current_app.config)
    # a link with characters the HTML escapes, as a base URL with a query could give
    settings = AckSettings(settings.mail, settings.clocks, "https://example.org/gh?a=1&b=<2>")
    items = [new_item(contact=Contact(email=f"c{n}@example.org"), wants_reply=True) for n in range(2)]
    items.append(new_item(contact=Contact(email="en@example.org"), wants_reply=True, language=ENGLISH))
    bodies = []
    with app.test_request_context():
        for item, code in items:
            message = acknowledge(session, item, code, settings)
            bodies.append(message.body_text)
            lookup_url = f"{settings.base_url}/lookup?case={item.case_number}"
            context = {"item": item, "query_code": code, "lookup_url": lookup_url,
                       "accept_days": settings.clocks.accept_days}
            with submitters_language(item):
                assert message.body_text == render_template("email/ack.txt", **context)
                assert message.body_html == render_template("email/ack.html", **context)
            assert "&amp;b=&lt;2&gt;" in message.body_html and code in message.body_text
    # the second item's text is the first one's with its own case number and code; the English one is English
    assert bodies[1] == bodies[0].replace(items[0][0].case_number, items[1][0].case_number).replace(
        items[0][1], items[1][1])
    assert "您好" in bodies[0] and "您好" not in bodies[2]
