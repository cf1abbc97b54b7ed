"""Rate-limit counters kept in the portal's database, so that every worker and host counts the same requests."""
from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class RateLimitCounter(Base):
    """One fixed window of one limit for one client address (the key Flask-Limiter builds)."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: when the window ends, in seconds since the epoch (the unit the limits library works in)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
    count: Mapped[int] = mapped_column(Integer)
