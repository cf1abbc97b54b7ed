"""回头看: a completed measure checked again later; the result holds (巩固) or the problem came back (反弹)."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .ledger import Measure

if TYPE_CHECKING:
    from .recheck_evidence import RecheckEvidence

#: what a re-check found: the rectification holds, or the problem came back and the measure is reopened
HELD, RELAPSED = "held", "relapsed"
RECHECK_RESULTS = (HELD, RELAPSED)


class Recheck(Base):
    """One re-check of one measure: scheduled for a date, then recorded once with its result and a note."""

    __tablename__ = "recheck"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: who scheduled it: a user's name or the operator command
    scheduled_by: Mapped[str] = mapped_column(String(200))
    #: None until recorded; then held or relapsed
    result: Mapped[str | None] = mapped_column(String(16))
    #: what was checked and found; public in the measure's history when the measure is reopened
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str | None] = mapped_column(String(200))

    measure: Mapped[Measure] = relationship("Measure")
    evidence: Mapped[list[RecheckEvidence]] = relationship(back_populates="recheck", order_by="RecheckEvidence.id")
