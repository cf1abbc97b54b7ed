"""进展通报草稿: a report the rectification office pasted or uploaded, repaired, checked before publication."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .campaign import Campaign
from .staff import User


class ReportDraft(Base):
    """A 通报 not yet published: the text as received, the text being corrected, its 截至日期 and title.

    Staff only: nothing of a draft is public until it is published as a ProgressReport (and the draft deleted).
    """

    __tablename__ = "report_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    #: the title to publish under; None takes the text's first line or 进展通报（截至…）
    title: Mapped[str | None] = mapped_column(String(300))
    as_of: Mapped[date] = mapped_column(Date)
    #: the text as received (pasted, or decoded from the file), kept as evidence
    source_text: Mapped[str] = mapped_column(Text)
    #: the uploaded file's name; None when the text was pasted
    source_name: Mapped[str | None] = mapped_column(String(255))
    #: the repaired text as the office corrects it; 【待核对：…】 marks what is still to check
    body: Mapped[str] = mapped_column(Text)
    #: counts every saved change: publishing names the revision that was reviewed
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship("Campaign")
    created_by: Mapped[User | None] = relationship("User")
