"""答复模板: canned reply texts kept by the research office, with {case_number} and {received_date} filled in."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import FeedbackItem, ReplyTemplate, User
from portal.services.common import audit, authz
from portal.services.common.clocks import ClockSettings

MAX_TITLE, MAX_TEXT = 100, 5000
#: placeholder → what it stands for (shown as a hint next to the text)
PLACEHOLDERS = {"case_number": "受理编号", "received_date": "收到日期"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class TemplateError(ValueError):
    """Input refused; field names the form field it belongs to, the message is in Chinese."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


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
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise TemplateError("title", "请填写模板名称。")
    if len(title) > MAX_TITLE:
        raise TemplateError("title", f"模板名称不能超过{MAX_TITLE}个字。")
    clash = session.scalar(select(ReplyTemplate.id).where(ReplyTemplate.title == title))
    if clash is not None and clash != template_id:
        raise TemplateError("title", f"已有名为“{title}”的模板。")
    if not text:
        raise TemplateError("text", "请填写模板内容。")
    if len(text) > MAX_TEXT:
        raise TemplateError("text", f"模板内容不能超过{MAX_TEXT}个字（现为{len(text)}个字）。")
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        allowed = "、".join(f"{{{name}}}" for name in PLACEHOLDERS)
        raise TemplateError("text", f"不认识的占位符{'、'.join(f'{{{n}}}' for n in unknown)}；可用的占位符：{allowed}。")
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
        raise TemplateError("confirm", "请勾选“确认删除”后再提交。")
    audit.record(session, actor, "template.delete", "reply_template", template.id, title=template.title)
    session.delete(template)
    session.flush()


def find_template(session: Session, template_id: int) -> ReplyTemplate | None:
    return session.get(ReplyTemplate, template_id)
