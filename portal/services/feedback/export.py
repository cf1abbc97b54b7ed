"""Feedback items for operators: rows for `flask feedback list/show` and the .xlsx/.csv export."""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.labels import chinese
from portal.models import FeedbackItem, FeedbackLink
from portal.services.common import audit, privacy
from portal.services.common.errors import ServiceError
from portal.services.common.spreadsheet import formula_safe
from portal.services.feedback import case_codes

#: who the audit log names when an operator command reads contact data
OPERATOR = "运维命令"
#: what `flask feedback show` prints of the contact, in full
CONTACT_FIELDS = ("name", "email", "phone", "address")
EXPORT_COLUMNS = ("受理编号", "渠道", "类型", "状态", "收到时间", "受理期限", "办理期限", "承办部门",
                  "关联措施", "关联问题", "主题", "内容", "附件", "姓名", "电话", "电子邮箱", "地址")
#: characters an .xlsx cell cannot hold
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class FeedbackExportError(ServiceError):
    """The export cannot be written where asked; the message is for the operator (Chinese)."""


def _items(session: Session, state: str | None = None, case_number: str | None = None) -> list[FeedbackItem]:
    query = select(FeedbackItem).options(
        selectinload(FeedbackItem.links).joinedload(FeedbackLink.measure),
        selectinload(FeedbackItem.links).joinedload(FeedbackLink.problem),
        selectinload(FeedbackItem.attachments), joinedload(FeedbackItem.contact),
        joinedload(FeedbackItem.department),
    ).order_by(FeedbackItem.received_at, FeedbackItem.id)
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
    items = _items(session)
    rows = [_export_row(item, ZoneInfo(timezone), with_contact) for item in items]
    try:
        if suffix == ".csv":
            _write_csv(path, rows)
        else:
            _write_xlsx(path, rows)
    except OSError as exc:
        raise FeedbackExportError(f"无法写入文件“{path}”：{exc.strerror}。") from exc
    audit.record(session, None, "items.export", "feedback_item", actor_label=f"{OPERATOR} flask feedback export",
                 count=len(rows), with_contact=with_contact, format=suffix.lstrip("."))
    session.flush()
    return len(rows)


def _export_row(item: FeedbackItem, zone: ZoneInfo, with_contact: bool) -> list:
    measures, problems = _targets(item)
    contact = item.contact
    name, phone, email, address = ((contact.name, contact.phone, contact.email, contact.address)
                                   if contact else (None, None, None, None))
    if not with_contact:
        name, phone = privacy.mask_name(name), privacy.mask_phone(phone)
        email, address = privacy.mask_email(email), privacy.mask_address(address)
    return [item.case_number, chinese("channel", item.channel), chinese("kind", item.kind),
            chinese("state", item.state), item.received_at.astimezone(zone).replace(tzinfo=None),
            item.accept_due, item.handle_due, item.department.name if item.department else None,
            "、".join(measures), "、".join(map(str, problems)), item.subject, item.content,
            "、".join(a.filename for a in item.attachments), name, phone, email, address]


def _text(value) -> str | None:
    """A cell's text made safe for spreadsheets: no formulas, no characters XML cannot carry."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_XML.sub("", value)
    if not value:
        return None
    return formula_safe(value)


def _write_csv(path: Path, rows: Iterable[list]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow(["" if v is None else v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime)
                             else v.isoformat() if isinstance(v, date) else _text(v) for v in row])


def _write_xlsx(path: Path, rows: Iterable[list]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "意见建议"
    sheet.append(list(EXPORT_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_text(v) for v in row])
    for row in sheet.iter_rows(min_row=2):
        row[4].number_format = "yyyy-mm-dd hh:mm"
        row[5].number_format = row[6].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    book.save(path)
