"""The audit log in words: 受理 GH-2026-000007, 停用账号 张三, 办理中 → 已答复, 启用 是 → 否.

An event stores codes (its action, an object type and id, details with state codes and [before, after] pairs); this
module turns a page of events into what a supervisor reads, looking up the names of the objects in one query per
kind of object.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from portal import labels
from portal.models import AuditEvent, Department, ProgressReport, ReplyTemplate, User

#: object types whose name is looked up: type → (its id column, the column that names it)
NAMED: dict[str, tuple[InstrumentedAttribute[int], InstrumentedAttribute[str]]] = {
    "staff_user": (User.id, User.name), "department": (Department.id, Department.name),
    "reply_template": (ReplyTemplate.id, ReplyTemplate.title),
    "progress_report": (ProgressReport.id, ProgressReport.title)}
#: detail values that are codes of a label table
CODED = {"channel": "channel", "kind": "kind", "role": "role", "state": "state", "level": "rating",
         "previous_level": "rating", "rating_source": "rating_source"}
#: detail keys that name another case
CASES = ("original", "duplicate", "previous")


@dataclass(frozen=True)
class Change:
    """One field's before → after."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class ReadableEvent:
    event: AuditEvent
    action: str
    #: 件 GH-2026-000007, 账号 张三, 部门 办公室 …
    object: str
    #: the case the event is about, for a link
    case_number: str | None
    #: the state change of a workflow event: (from, to) as labels
    transition: tuple[str, str] | None
    changes: list[Change]
    #: the other details, as (label, text)
    details: list[tuple[str, str]]

    @property
    def summary(self) -> str:
        """The whole event in one line (the CSV export's 变更与详情 column)."""
        parts = [f"{self.transition[0]} → {self.transition[1]}"] if self.transition else []
        parts += [f"{c.field}：{c.before} → {c.after}" for c in self.changes]
        parts += [f"{key}：{value}" for key, value in self.details]
        return _("；").join(parts)


def readable(session: Session, events: Iterable[tuple[AuditEvent, str | None]]) -> list[ReadableEvent]:
    """events as (event, case number of its item) pairs → the same events in words, in the same order."""
    events = list(events)
    names = _names(session, [event for event, _case in events])
    return [_readable(event, case, names) for event, case in events]


def _names(session: Session, events: list[AuditEvent]) -> dict[tuple[str, int], str]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.object_type in NAMED and event.object_id is not None:
            wanted[event.object_type].add(event.object_id)
        moved = ((event.details or {}).get("changes") or {}).get("department_id")
        if isinstance(moved, list):
            wanted["department"].update(value for value in moved if isinstance(value, int))
    names: dict[tuple[str, int], str] = {}
    for object_type, ids in wanted.items():
        key, column = NAMED[object_type]
        for object_id, name in session.execute(select(key, column).where(key.in_(ids))):
            names[(object_type, object_id)] = name
    return names


def _readable(event: AuditEvent, case_number: str | None, names: dict[tuple[str, int], str]) -> ReadableEvent:
    details = dict(event.details or {})
    before, after = details.pop("from", None), details.pop("to", None)
    transition = (labels.label("state", before), labels.label("state", after)) if before and after and \
        before != after else None
    changes = [_change(field, pair, names, event.object_type)
               for field, pair in (details.pop("changes", None) or {}).items()]
    return ReadableEvent(event=event, action=labels.label("action", event.action),
                         object=_object(event, case_number, names), case_number=case_number, transition=transition,
                         changes=changes, details=[(labels.label("detail", key), _value(key, value))
                                                   for key, value in details.items()])


def _object(event: AuditEvent, case_number: str | None, names: dict[tuple[str, int], str]) -> str:
    kind = labels.label("object_type", event.object_type)
    if event.object_type == "feedback_item" and case_number:
        return f"{kind} {case_number}"
    if event.object_type == "reply" and case_number:
        return _("%(case)s 的答复", case=case_number)
    if event.object_id is None:
        return kind
    name = names.get((event.object_type, event.object_id))
    return f"{kind} {name}" if name else f"{kind} #{event.object_id}"


def _change(field: str, pair, names: dict[tuple[str, int], str], object_type: str) -> Change:
    name = labels.label("changed_field", f"{object_type}.{field}" if object_type == "department" else field)
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        return Change(name, "", _text(pair))
    table = CODED.get(field)
    if field == "department_id":
        before, after = (names.get(("department", value), f"#{value}") if isinstance(value, int) else _text(value)
                         for value in pair)
    else:
        before, after = (labels.label(table, value) if table and isinstance(value, str) else _text(value)
                         for value in pair)
    return Change(name, before or _("（空）"), after or _("（空）"))


def _value(key: str, value) -> str:
    table = CODED.get(key)
    if table and isinstance(value, str):
        return labels.label(table, value)
    if key == "fields" and isinstance(value, list):
        return labels.join(labels.label("contact", field) for field in value)
    return _text(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list | tuple):
        return labels.join(_text(part) for part in value) if value else _("无")
    if isinstance(value, dict):
        return _("；").join(f"{labels.label('detail', str(k))}：{_text(v)}" for k, v in value.items())
    return str(value)
