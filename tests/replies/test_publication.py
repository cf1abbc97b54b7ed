"""答复公开: only with the submitter's consent and the research office's approval, redacted, and reversible."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import AuditEvent
from portal.services.replies import publication, drafting as replies
from portal.services.feedback import workflow
from portal.services.common.authz import PermissionDenied
from portal.services.common.clocks import ClockSettings
from portal.services.feedback.intake import Contact
from portal.services.replies.publication import PublicationError

CLOCKS = ClockSettings()
CONTACT = Contact(name="张三丰", phone="13812341762", email="zhangsan@163.com", address="兰州市城关区东岗西路123号")
ANSWER = ("张三丰同志：您反映的东岗西路123号职工食堂账目问题，经核查属实，已于3月底公开。"
          "如有疑问请联系李女士，电话0931-8821762。")
SECRETS = ("张三丰", "13812341762", "zhangsan@163.com", "东岗西路123号", "李女士", "8821762")


@pytest.fixture
def sent_reply(app, session, new_item, staff, small_campaign):
    """Factory: an item about measure 2-1 answered with ANSWER (consent to publish as given)."""
    def make(consent: bool = True, text: str = ANSWER):
        item, _ = new_item(contact=CONTACT, consent_publish=consent, campaign_id=small_campaign.id, targets=["2-1"],
                           content="举报人张三丰反映食堂账目不公开。")
        workflow.apply(session, item, "accept", staff.triager, CLOCKS)
        workflow.apply(session, item, "assign", staff.triager, CLOCKS, department=staff.office.id)
        reply = replies.start_draft(session, staff.handler, item, text, CLOCKS)
        replies.submit(session, staff.handler, reply)
        replies.approve(session, staff.research, reply, replies.ReplySettings.from_config(app.config), confirmed=True)
        return item, reply
    return make


def test_nothing_is_proposed_or_published_without_consent(session, sent_reply, staff):
    _, reply = sent_reply(consent=False)
    with pytest.raises(PublicationError, match="未同意公开"):
        publication.propose(session, staff.research, reply)
    with pytest.raises(PublicationError, match="未同意公开"):
        publication.publish(session, staff.research, reply, confirmed=True, spans_checked=True)
    assert reply.publish_status == "none" and reply.public_text is None


def test_a_reply_not_yet_sent_cannot_be_published(session, new_item, staff):
    item, _ = new_item(consent_publish=True)
    workflow.apply(session, item, "accept", staff.triager, CLOCKS)
    workflow.apply(session, item, "assign", staff.triager, CLOCKS, department=staff.office.id)
    draft = replies.start_draft(session, staff.handler, item, "草稿。", CLOCKS)
    with pytest.raises(PublicationError, match="只有已答复提交人的答复"):
        publication.propose(session, staff.research, draft)


@pytest.mark.parametrize("role", ["handler", "triager", "supervisor"])
def test_only_the_research_office_publishes(session, sent_reply, staff, make_user, role):
    _, reply = sent_reply()
    user = staff.handler if role == "handler" else make_user(role)
    with pytest.raises(PermissionDenied):
        publication.propose(session, user, reply)
    publication.propose(session, staff.research, reply)
    with pytest.raises(PermissionDenied):
        publication.publish(session, user, reply, confirmed=True, spans_checked=True)
    assert reply.publish_status == "proposed"


def test_proposal_masks_personal_data_and_shows_what_it_found(session, sent_reply, staff):
    _, reply = sent_reply()
    masked = publication.propose(session, staff.research, reply)
    assert reply.publish_status == "proposed" and reply.public_text == masked.text
    assert not any(secret in reply.public_text for secret in SECRETS)
    assert "张**同志" in reply.public_text and "0931-****762" in reply.public_text
    view = publication.view(session, staff.research, reply)
    assert {span.original for span in view.detected.spans} >= {"张三丰", "李女士", "0931-8821762"}
    assert view.remaining.spans == ()


def test_edited_text_with_the_contacts_own_data_is_refused(session, sent_reply, staff):
    _, reply = sent_reply()
    publication.propose(session, staff.research, reply)
    publication.save_text(session, staff.research, reply, "答复张三丰：已公开。")
    with pytest.raises(PublicationError, match="姓名") as refused:
        publication.publish(session, staff.research, reply, confirmed=True, spans_checked=True)
    assert refused.value.field == "public_text" and reply.publish_status == "proposed"


def test_other_detected_data_needs_an_explicit_check(session, sent_reply, staff):
    _, reply = sent_reply()
    publication.propose(session, staff.research, reply)
    publication.save_text(session, staff.research, reply, "经核查已整改。咨询电话0931-8821762。")
    with pytest.raises(PublicationError, match="勾选确认") as refused:
        publication.publish(session, staff.research, reply, confirmed=True, spans_checked=False)
    assert refused.value.field == "spans_checked"
    with pytest.raises(PublicationError, match="勾选确认") as unconfirmed:
        publication.publish(session, staff.research, reply, confirmed=False, spans_checked=True)
    assert unconfirmed.value.field == "confirm"
    publication.publish(session, staff.research, reply, confirmed=True, spans_checked=True)
    assert reply.publish_status == "published" and reply.published_by_id == staff.research.id


def test_publish_unpublish_are_audited_without_the_text(session, sent_reply, staff):
    item, reply = sent_reply()
    publication.propose(session, staff.research, reply)
    publication.publish(session, staff.research, reply, confirmed=True, spans_checked=False)
    with pytest.raises(PublicationError, match="先撤下"):
        publication.save_text(session, staff.research, reply, "改")
    with pytest.raises(PublicationError, match="勾选确认"):
        publication.unpublish(session, staff.research, reply, confirmed=False)
    publication.unpublish(session, staff.research, reply, confirmed=True)
    assert (reply.publish_status, reply.published_at) == ("proposed", None)
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.item_id == item.id,
                                                           AuditEvent.action.like("reply.%p%blish"))))
    assert [e.action for e in events] == ["reply.publish", "reply.unpublish"]
    all_details = str([e.details for e in session.scalars(select(AuditEvent).where(AuditEvent.item_id == item.id))])
    assert not any(secret in all_details for secret in SECRETS)
