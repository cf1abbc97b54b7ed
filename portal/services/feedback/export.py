"""Feedback items for operators: rows for `flask feedback list/show` and the .xlsx/.csv export."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.labels import chinese
from portal.models import AnswerRating, AuditEvent, FeedbackItem, FeedbackLink, User
from portal.services.common import audit, authz, privacy
from portal.services.common.errors import ServiceError
from portal.services.common.spreadsheet import formula_safe
from portal.services.feedback import case_codes

#: who the audit log names when an operator command reads contact data
OPERATOR = "运维命令"
#: what `flask feedback show` prints of the contact, in full
CONTACT_FIELDS = ("name", "email", "phone", "address")
EXPORT_COLUMNS = ("受理编号", "渠道", "类型", "状态", "收到时间", "受理时间", "受理期限", "交办时间", "办理期限",
                  "答复时间", "办结时间", "承办部门", "关联措施", "关联问题", "满意度", "评价时间", "主题", "内容",
                  "附件", "姓名", "电话", "电子邮箱", "地址")
#: columns holding a time of day, and those holding a date only
TIME_COLUMNS = frozenset({"收到时间", "受理时间", "交办时间", "答复时间", "办结时间", "评价时间"})
DATE_COLUMNS = frozenset({"受理期限", "办理期限"})
#: characters an .xlsx cell cannot hold
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class FeedbackExportError(ServiceError):
    """The export cannot be written where asked; the message is for the operator (Chinese)."""


@dataclass(frozen=True)
class _Extras:
    """What the export adds from other tables: when each item was first assigned, and its latest rating."""

    assigned: dict[int, datetime]
    ratings: dict[int, AnswerRating]


def _items(session: Session, state: str | None = None, case_number: str | None = None,
           visible: ColumnElement[bool] | None = None) -> list[FeedbackItem]:
    query = select(FeedbackItem).options(
        selectinload(FeedbackItem.links).joinedload(FeedbackLink.measure),
        selectinload(FeedbackItem.links).joinedload(FeedbackLink.problem),
        selectinload(FeedbackItem.attachments), joinedload(FeedbackItem.contact),
        joinedload(FeedbackItem.department),
    ).order_by(FeedbackItem.received_at, FeedbackItem.id)
    if visible is not None:
        query = query.where(visible)
    if state:
        query = query.where(FeedbackItem.state == state)
    if case_number is not None:
        query = query.where(FeedbackItem.case_number == case_codes.normalise_case_number(case_number))
    return list(session.scalars(query).unique())


def _targets(item: FeedbackItem) -> tuple[list[str], list[int]]:
    """(linked measure codes, linked problem numbers)."""
    measures = sorted(link.measure.code for link in item.links if link.measure)
    problems = sorted(link.problem.number for link in item.links if link.problem)
    return measures, problems


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def list_rows(session: Session, state: str | None = None) -> list[dict]:
    """One summary per item, oldest first, without contact data."""
    rows = []
    for item in _items(session, state=state):
        measures, problems = _targets(item)
        rows.append({
            "case_number": item.case_number, "channel": item.channel, "kind": item.kind, "state": item.state,
            "received_at": _iso(item.received_at), "accept_due": _iso(item.accept_due),
            "handle_due": _iso(item.handle_due), "subject": item.subject, "measures": measures, "problems": problems,
        })
    return rows


def item_detail(session: Session, case_number: str) -> dict | None:
    """Everything an operator needs about one item, contact data in full (the reading is audited)."""
    found = _items(session, case_number=case_number)
    if not found:
        return None
    item = found[0]
    measures, problems = _targets(item)
    contact = item.contact
    if contact and (contact.name or contact.email or contact.phone or contact.address):
        audit.record(session, None, "item.reveal_contact", "feedback_item", item.id, item_id=item.id,
                     actor_label=f"{OPERATOR} flask feedback show")
        session.flush()
    return {
        "case_number": item.case_number, "channel": item.channel, "kind": item.kind, "state": item.state,
        "received_at": _iso(item.received_at), "accept_due": _iso(item.accept_due),
        "handle_due": _iso(item.handle_due), "measures": measures, "problems": problems,
        "subject": item.subject, "content": item.content,
        "attachments": [a.filename for a in item.attachments],
        "contact": {name: getattr(contact, name) if contact else None for name in CONTACT_FIELDS},
    }


def export_items(session: Session, path: Path | str, timezone: str, with_contact: bool = False) -> int:
    """Write every item to path (.xlsx, or .csv in UTF-8 with BOM); contact masked unless with_contact."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise FeedbackExportError(f"不支持的导出格式“{path.suffix or path.name}”：请使用 .xlsx 或 .csv。")
    rows = _rows(session, true(), ZoneInfo(timezone), with_contact)
    try:
        with path.open("wb") as out:
            _write(out, suffix, rows)
    except OSError as exc:
        raise FeedbackExportError(f"无法写入文件“{path}”：{exc.strerror}。") from exc
    audit.record(session, None, "items.export", "feedback_item", actor_label=f"{OPERATOR} flask feedback export",
                 count=len(rows), with_contact=with_contact, format=suffix.lstrip("."))
    session.flush()
    return len(rows)


def export_bytes(session: Session, user: User, fmt: str, timezone: str) -> io.BytesIO:
    """The export as a download for user: the items they may see (a handler their department's), contact masked;
    audited with the user as actor. fmt is "xlsx" or "csv"."""
    authz.require(user, "export_items")
    rows = _rows(session, authz.visible_items(user), ZoneInfo(timezone), with_contact=False)
    out = io.BytesIO()
    _write(out, f".{fmt}", rows)
    out.seek(0)
    audit.record(session, user, "items.export", "feedback_item", count=len(rows), with_contact=False, format=fmt)
    session.flush()
    return out


def _rows(session: Session, visible: ColumnElement[bool], zone: ZoneInfo, with_contact: bool) -> list[list]:
    items = _items(session, visible=visible)
    extras = _extras(session, [item.id for item in items])
    return [_export_row(item, zone, with_contact, extras) for item in items]


def _extras(session: Session, ids: list[int]) -> _Extras:
    """交办时间 (the first 交办 in the audit log) and the rating of each item's latest rated answer."""
    assigned: dict[int, datetime] = {item_id: at for item_id, at in session.execute(
        select(AuditEvent.item_id, func.min(AuditEvent.at)).where(AuditEvent.action == "item.assign",
                                                                   AuditEvent.item_id.is_not(None))
        .group_by(AuditEvent.item_id))}
    ratings: dict[int, AnswerRating] = {}
    for rating in session.scalars(select(AnswerRating).order_by(AnswerRating.reply_id)):
        ratings[rating.item_id] = rating
    wanted = set(ids)
    return _Extras({k: v for k, v in assigned.items() if k in wanted},
                   {k: v for k, v in ratings.items() if k in wanted})


def _export_row(item: FeedbackItem, zone: ZoneInfo, with_contact: bool, extras: _Extras) -> list:
    measures, problems = _targets(item)
    contact = item.contact
    name, phone, email, address = ((contact.name, contact.phone, contact.email, contact.address)
                                   if contact else (None, None, None, None))
    if not with_contact:
        name, phone = privacy.mask_name(name), privacy.mask_phone(phone)
        email, address = privacy.mask_email(email), privacy.mask_address(address)
    rating = extras.ratings.get(item.id)

    def local(moment: datetime | None) -> datetime | None:
        return moment.astimezone(zone).replace(tzinfo=None) if moment else None

    return [item.case_number, chinese("channel", item.channel), chinese("kind", item.kind),
            chinese("state", item.state), local(item.received_at), local(item.accepted_at), item.accept_due,
            local(extras.assigned.get(item.id)), item.handle_due, local(item.replied_at), local(item.closed_at),
            item.department.name if item.department else None,
            "、".join(measures), "、".join(map(str, problems)),
            chinese("rating", rating.level) if rating else None,
            local(rating.updated_at or rating.rated_at) if rating else None,
            item.subject, item.content, "、".join(a.filename for a in item.attachments), name, phone, email, address]


def _text(value) -> str | None:
    """A cell's text made safe for spreadsheets: no formulas, no characters XML cannot carry."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_XML.sub("", value)
    if not value:
        return None
    return formula_safe(value)


def _write(out: IO[bytes], suffix: str, rows: list[list]) -> None:
    if suffix == ".csv":
        _write_csv(out, rows)
    else:
        _write_xlsx(out, rows)


def _write_csv(binary: IO[bytes], rows: Iterable[list]) -> None:
    out = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(["" if v is None else v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime)
                         else v.isoformat() if isinstance(v, date) else _text(v) for v in row])
    out.flush()
    out.detach()


def _write_xlsx(path: IO[bytes], rows: Iterable[list]) -> None:
    from openpyxl import Workbook  # loaded for a workbook only, not with every command
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "意见建议"
    sheet.append(list(EXPORT_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_text(v) for v in row])
    times = [i for i, name in enumerate(EXPORT_COLUMNS) if name in TIME_COLUMNS]
    dates = [i for i, name in enumerate(EXPORT_COLUMNS) if name in DATE_COLUMNS]
    for row in sheet.iter_rows(min_row=2):
        for i in times:
            row[i].number_format = "yyyy-mm-dd hh:mm"
        for i in dates:
            row[i].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    book.save(path)
