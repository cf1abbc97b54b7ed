"""Writing the audit log: every change, login and contact reveal, with who and when."""
from __future__ import annotations

from sqlalchemy.orm import Session

from portal.models import AuditEvent, User

CITIZEN = "群众"
SYSTEM = "系统"


def record(session: Session, actor: User | None, action: str, obj_type: str, obj_id: int | None = None, *,
           item_id: int | None = None, actor_label: str | None = None, **details) -> AuditEvent:
    """Append one event. details must not hold personal data (no names, numbers or addresses)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_label=actor_label or (f"{actor.name}（{actor.email}）" if actor else SYSTEM),
        action=action, object_type=obj_type, object_id=obj_id, item_id=item_id, details=details,
    )
    session.add(event)
    return event
