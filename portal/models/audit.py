"""审计日志: one append-only row for every change, login and contact reveal."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """Who did what to which object, and when. Details never hold personal data."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: the staff user, or None for a citizen or the system
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    #: shown when there is no staff user: 群众, 系统, an operator command
    actor_label: Mapped[str] = mapped_column(String(200))
    #: e.g. item.accept, item.assign, item.reveal_contact, user.login, user.login_failed
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column()
    item_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_rewrite(mapper, connection, target) -> None:
    raise ValueError("the audit log is append-only")
