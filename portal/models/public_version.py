"""公开数据版本: what the public pages show, numbered, so every worker and host knows when its pages are stale."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class PublicVersion(Base):
    """One kind of public data ("ledger", "feedback") and how often it has changed: bumped in the transaction that
    changes it (portal.services.common.public_version), read by every cached public page."""

    __tablename__ = "public_version"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    #: when the version last moved: the pages' Last-Modified
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
