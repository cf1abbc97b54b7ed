"""答复模板: canned reply texts kept by the research office, with {case_number} and {received_date} filled in."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import labels
from portal.models import FeedbackItem, ReplyTemplate, User
from portal.services.common import audit, authz
from portal.services.common.clocks import ClockSettings
from portal.services.common.errors import ServiceError
from portal.services.common.text import clean_text

MAX_TITLE, MAX_TEXT = 100, 5000
#: the placeholders a template may use (labels.PLACEHOLDERS says what each stands for)
PLACEHOLDERS = ("case_number", "received_date")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class TemplateError(ServiceError):
    """A reply template refused."""


def chinese_date(day: date) -> str:
    """2021年3月31日, whatever the page's language: for letters, emails and reply texts."""
    return f"{day.year}年{day.month}月{day.day}日"


def fill(text: str, item: FeedbackItem, clocks: ClockSettings) -> str:
    """The text with {case_number} and {received_date} replaced by the item's values; other braces stay."""
    values = {"case_number": item.case_number or "",
              "received_date": chinese_date(clocks.local_date(item.received_at))}
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def all_templates(session: Session, actor: User) -> list[ReplyTemplate]:
    """Every template, active first, by title (the management list)."""
    authz.require(actor, "manage_templates")
    return list(session.scalars(select(ReplyTemplate).order_by(ReplyTemplate.active.desc(), ReplyTemplate.title)))


def active_templates(session: Session, actor: User) -> list[ReplyTemplate]:
    """The templates offered when drafting a reply."""
    authz.require(actor, "draft_reply")
    return list(session.scalars(select(ReplyTemplate).where(ReplyTemplate.active.is_(True))
                                .order_by(ReplyTemplate.title)))


def _checked(session: Session, title: str, text: str, template_id: int | None) -> tuple[str, str]:
    title, text = clean_text(title), clean_text(text)
    if not title:
        raise TemplateError(_("请填写模板名称。"), "title")
    if len(title) > MAX_TITLE:
        raise TemplateError(_("模板名称不能超过%(max)s个字。", max=MAX_TITLE), "title")
    clash = session.scalar(select(ReplyTemplate.id).where(ReplyTemplate.title == title))
    if clash is not None and clash != template_id:
        raise TemplateError(_("已有名为“%(title)s”的模板。", title=title), "title")
    if not text:
        raise TemplateError(_("请填写模板内容。"), "text")
    if len(text) > MAX_TEXT:
        raise TemplateError(_("模板内容不能超过%(max)s个字（现为%(count)s个字）。", max=MAX_TEXT, count=len(text)),
                            "text")
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        raise TemplateError(_("不认识的占位符%(unknown)s；可用的占位符：%(allowed)s。",
                              unknown=labels.join(f"{{{name}}}" for name in unknown),
                              allowed=labels.join(f"{{{name}}}" for name in PLACEHOLDERS)), "text")
    return title, text


def create_template(session: Session, actor: User, title: str, text: str, active: bool = True) -> ReplyTemplate:
    authz.require(actor, "manage_templates")
    title, text = _checked(session, title, text, None)
    template = ReplyTemplate(title=title, text=text, active=active)
    session.add(template)
    session.flush()
    audit.record(session, actor, "template.create", "reply_template", template.id, title=title)
    session.flush()
    return template


def update_template(session: Session, actor: User, template: ReplyTemplate, title: str, text: str,
                    active: bool) -> None:
    authz.require(actor, "manage_templates")
    template.title, template.text = _checked(session, title, text, template.id)
    template.active = active
    audit.record(session, actor, "template.update", "reply_template", template.id, title=template.title,
                 active=active)
    session.flush()


def delete_template(session: Session, actor: User, template: ReplyTemplate, confirmed: bool) -> None:
    """Delete a template once confirmed; replies drafted from it keep their text."""
    authz.require(actor, "manage_templates")
    if not confirmed:
        raise TemplateError(_("请勾选“确认删除”后再提交。"), "confirm")
    audit.record(session, actor, "template.delete", "reply_template", template.id, title=template.title)
    session.delete(template)
    session.flush()


def find_template(session: Session, template_id: int) -> ReplyTemplate | None:
    return session.get(ReplyTemplate, template_id)
