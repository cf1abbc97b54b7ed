"""进展通报: published progress reports with declared and computed figures."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .campaign import Campaign


class ProgressReport(Base):
    """进展通报: the published text, the figures it declares and a frozen snapshot of the computed ones."""

    __tablename__ = "progress_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    as_of: Mapped[date] = mapped_column(Date)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: repaired text as published; unrepairable stretches are marked for staff
    body: Mapped[str] = mapped_column(Text)
    #: the text as received, kept as evidence
    source_text: Mapped[str | None] = mapped_column(Text)
    #: how many stretches of the text are marked as needing a human fix
    unrepaired_count: Mapped[int] = mapped_column(Integer, default=0)
    #: figures the text declares, e.g. {"problems": 54, "measures": 193, "done": 170, "in_progress": 23,
    #: "rate": "88.08"}
    declared: Mapped[dict] = mapped_column(JSON, default=dict)
    #: figures computed from the ledger at publication (portal.services.ledger.figures), frozen
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)

    campaign: Mapped[Campaign] = relationship("Campaign")

    @property
    def mismatches(self) -> list[str]:
        """Keys whose declared value differs from the computed snapshot.

        A deadline class is matched by its label and compared only on the figures the report states for it.
        """
        different = []
        for key, declared in (self.declared or {}).items():
            if key not in (self.snapshot or {}):
                continue
            computed = self.snapshot[key]
            if key == "deadline_classes":
                by_label = {c["label"]: c for c in computed}
                if any(str(by_label.get(c["label"], {}).get(k)) != str(v)
                       for c in declared for k, v in c.items() if k != "label"):
                    different.append(key)
            elif str(computed) != str(declared):
                different.append(key)
        return different
