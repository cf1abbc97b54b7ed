"""收件记录 (/staff/inbound): ignored and quarantined mail with reasons, masked senders and audited raw downloads."""
import pytest
from sqlalchemy import select

from tests.mail import corpus
from portal.models import AuditEvent
from portal.services.mail.ingest import IngestSettings, ingest


@pytest.fixture
def received(app, session):
    """One message of each outcome the page lists or skips, ingested as the pipe does."""
    settings = IngestSettings.from_config(app.config)
    take = {name: ingest(session, raw, "pipe", settings) for name, raw in [
        ("item", corpus.utf8_plain()), ("auto", corpus.auto_reply()), ("bounce", corpus.dsn_bounce()),
        ("junk", corpus.UNPARSEABLE[1]), ("refused", corpus.refused_attachments())]}
    session.commit()
    return take


def test_triager_sees_ignored_quarantined_and_refused_mail_with_reasons(client, login, make_user, received):
    login(make_user("triager"))
    html = client.get("/staff/inbound").get_data(as_text=True)
    assert "自动回复（Auto-Submitted: auto-replied）" in html and "退信或回执" in html and "没有邮件头" in html
    assert "未收的附件" in html and received["refused"].item.case_number in html
    assert "z***@example.cn" in html and "zhang.san@example.cn" not in html
    assert html.split("<tbody>")[1].count("<tr>") == 4, "the plain new item is not listed"
    assert html.count("/raw\" download>") == 1 and 'aria-current="page">收件记录' in html


def test_filter_by_outcome(client, login, make_user, received):
    login(make_user("research"))
    quarantined = client.get("/staff/inbound?outcome=quarantined").get_data(as_text=True)
    assert "没有邮件头" in quarantined and "自动回复（" not in quarantined
    ignored = client.get("/staff/inbound?outcome=ignored").get_data(as_text=True)
    assert "自动回复（" in ignored and "没有邮件头" not in ignored


def test_quarantined_raw_downloads_exactly_and_is_audited(client, login, make_user, session, received):
    user = make_user("supervisor")
    login(user)
    junk = received["junk"].inbound
    response = client.get(f"/staff/inbound/{junk.id}/raw")
    assert response.status_code == 200 and response.data == corpus.UNPARSEABLE[1]
    assert "attachment" in response.headers["Content-Disposition"] and response.headers["Cache-Control"] == "no-store"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "inbound.download_raw"))
    assert event.actor_id == user.id and event.object_id == junk.id
    assert client.get(f"/staff/inbound/{received['auto'].inbound.id}/raw").status_code == 404


@pytest.mark.parametrize("role", ["handler", "clerk"])
def test_other_roles_may_not_see_inbound_mail(client, login, make_user, received, role):
    login(make_user(role, department="办公室" if role == "handler" else None))
    assert client.get("/staff/inbound").status_code == 403
    assert client.get(f"/staff/inbound/{received['junk'].inbound.id}/raw").status_code == 403
    assert "收件记录" not in client.get("/staff/").get_data(as_text=True)


def test_pages_of_fifty_keep_the_outcome_filter(app, client, login, make_user, session):
    settings = IngestSettings.from_config(app.config)
    for n in range(51):
        ingest(session, corpus.auto_reply(message_id=f"<auto{n}@mail.example.cn>"), "pipe", settings)
    ingest(session, corpus.UNPARSEABLE[1], "pipe", settings)
    login(make_user("triager"))
    first = client.get("/staff/inbound?outcome=ignored").get_data(as_text=True)
    assert first.split("<tbody>")[1].count("<tr>") == 50 and "第1页，共2页" in first
    assert 'href="/staff/inbound?page=2&amp;outcome=ignored" rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/staff/inbound?page=2&outcome=ignored").get_data(as_text=True)
    assert second.split("<tbody>")[1].count("<tr>") == 1 and "没有邮件头" not in second
    assert 'href="/staff/inbound?page=1&amp;outcome=ignored" rel="prev"' in second and 'rel="next"' not in second
