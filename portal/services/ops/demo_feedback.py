"""示例数据 for the back office: one account per role and a few items in different states."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy.orm import Session

from portal.models import Campaign, User
from portal.models.staff import ROLES
from portal.services.accounts.users import create_user, department_named
from portal.services.feedback import workflow
from portal.services.feedback.intake import Contact, IntakeSettings, NewItem, create_item
from portal.services.replies import drafting, publication

#: reserved for testing (RFC 6761): mail to the demo accounts never leaves the machine
DEMO_DOMAIN = "demo.test"


def create_demo_accounts(session: Session) -> dict[str, tuple[User, str]]:
    """role → (account, random password); the handler belongs to 政研室."""
    accounts = {}
    for role in ROLES:
        password = secrets.token_urlsafe(12)
        user = create_user(session, f"{role}@{DEMO_DOMAIN}", f"示例{role}", role, password,
                           department="政研室" if role == "handler" else None)
        accounts[role] = (user, password)
    return accounts


def create_demo_items(session: Session, campaign: Campaign, settings: IntakeSettings,
                      accounts: dict[str, tuple[User, str]]) -> None:
    """Five sample items: waiting, overdue, being handled, answered (by email, published with consent), spam."""
    now = datetime.now(UTC)
    triager, research = accounts["triager"][0], accounts["research"][0]

    def item(days_ago: int, **fields):
        new = NewItem(campaign_id=campaign.id, received_at=now - timedelta(days=days_ago), **fields)
        return create_item(session, new, settings, actor=accounts["clerk"][0] if new.channel != "web" else None)[0]

    item(1, channel="web", kind="suggestion", targets=["35-4"], subject="劳模补助办法",
         content="建议尽快出台《甘肃省劳模专项补助资金发放管理办法》，并公开补助标准和申请流程。（示例数据）",
         contact=Contact(name="李示例", email="citizen@example.org"), wants_reply=True, consent_publish=True)
    item(20, channel="letter", kind="report", targets=["20"], subject="技能竞赛奖励",
         content="来信反映某基层单位技能竞赛奖励发放不及时，请核查。（示例数据）",
         contact=Contact(name="王示例", address="兰州市城关区示例路1号"))
    handling = item(6, channel="phone", kind="inquiry", targets=["3-3"], phone_line="12351",
                    content="来电询问“十四五”发展规划何时出台、是否征求基层职工意见。（示例数据）",
                    contact=Contact(name="赵示例", phone="13800001762"), call_at=now - timedelta(days=6),
                    call_duration_seconds=340)
    workflow.apply(session, handling, "accept", triager, settings.clocks, now=now - timedelta(days=5))
    research_office = department_named(session, "政研室")
    workflow.apply(session, handling, "assign", triager, settings.clocks, department=research_office)
    answered = item(30, channel="web", kind="inquiry", targets=["35"], consent_publish=True,
                    content="困难劳模帮扶台账是否已经建立？如何申请帮扶？（示例数据）",
                    contact=Contact(email="worker@example.org"), wants_reply=True)
    workflow.apply(session, answered, "accept", triager, settings.clocks, now=now - timedelta(days=28))
    workflow.apply(session, answered, "assign", triager, settings.clocks, department=research_office)
    reply = drafting.start_draft(session, accounts["handler"][0], answered,
                                "困难劳模动态管理台账已于2021年建立，可向所在基层工会提出帮扶申请。（示例数据）",
                                settings.clocks)
    drafting.submit(session, accounts["handler"][0], reply, now=now - timedelta(days=11))
    drafting.approve(session, research, reply, drafting.ReplySettings.from_config(current_app.config), confirmed=True,
                    now=now - timedelta(days=10))
    publication.propose(session, research, reply)
    publication.publish(session, research, reply, confirmed=True, spans_checked=False)
    spam = item(2, channel="web", kind="suggestion", content="无关广告内容无关广告内容。（示例数据）")
    workflow.apply(session, spam, "spam", triager, settings.clocks)
