"""审核修改: the research office's small edit of a submitted draft while approving it. The author's text and the
reviewer's are both kept, the change is shown as before → after, and the author sees it on their home page."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import Reply, ReplyEdit, User
from portal.services.common import audit, authz


@dataclass(frozen=True)
class Piece:
    """A stretch of the diff: kept (same), removed by the reviewer (removed) or added (added)."""

    kind: str
    text: str


def record(session: Session, actor: User, reply: Reply, text: str, now: datetime | None = None) -> ReplyEdit | None:
    """Replace the draft's text by the reviewer's (already checked) text, keeping the author's; None if unchanged."""
    authz.require(actor, "approve_reply", reply.item)
    if text == reply.text:
        return None
    edit = ReplyEdit(reply_id=reply.id, editor_id=actor.id, edited_at=now or datetime.now(UTC), before=reply.text,
                     after=text)
    reply.text = text
    session.add(edit)
    session.flush()
    audit.record(session, actor, "reply.review_edit", "reply", reply.id, item_id=reply.item_id,
                 length=len(text))
    return edit


def of_replies(session: Session, replies: list[Reply]) -> dict[int, list[ReplyEdit]]:
    """The reviewer's edits of each reply, oldest first, by reply id."""
    edits: dict[int, list[ReplyEdit]] = {}
    if replies:
        for edit in session.scalars(select(ReplyEdit).where(ReplyEdit.reply_id.in_([r.id for r in replies]))
                                    .options(selectinload(ReplyEdit.editor))
                                    .order_by(ReplyEdit.edited_at, ReplyEdit.id)):
            edits.setdefault(edit.reply_id, []).append(edit)
    return edits


def diff(edit: ReplyEdit) -> list[Piece]:
    """The change character by character (Chinese has no spaces to split words on)."""
    pieces = []
    matcher = difflib.SequenceMatcher(None, edit.before, edit.after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", edit.before[a1:a2]))
            continue
        if a2 > a1:
            pieces.append(Piece("removed", edit.before[a1:a2]))
        if b2 > b1:
            pieces.append(Piece("added", edit.after[b1:b2]))
    return pieces


def mark_seen(session: Session, actor: User, reply: Reply, now: datetime | None = None) -> int:
    """知悉: the draft's author acknowledges the reviewer's edits of reply; how many were still unseen."""
    authz.require(actor, "draft_reply", reply.item)
    if reply.author_id != actor.id:
        return 0
    unseen = list(session.scalars(select(ReplyEdit).where(ReplyEdit.reply_id == reply.id,
                                                          ReplyEdit.seen_at.is_(None))))
    for edit in unseen:
        edit.seen_at = now or datetime.now(UTC)
    if unseen:
        audit.record(session, actor, "reply.edit_seen", "reply", reply.id, item_id=reply.item_id)
        session.flush()
    return len(unseen)
