"""部门进展报送: a department's update of one measure, waiting for the rectification office to approve or return it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .ledger import Measure
from .staff import Department, User

SUBMITTED, APPROVED, RETURNED = "submitted", "approved", "returned"
PROGRESS_STATES = (SUBMITTED, APPROVED, RETURNED)


class ProgressUpdate(Base):
    """What a responsible department says of a measure: its status, completion date and 进展说明."""

    __tablename__ = "progress_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: 完成情况 proposed: done or in_progress
    status: Mapped[str] = mapped_column(String(16))
    completed_on: Mapped[date | None] = mapped_column(Date)
    progress_note: Mapped[str] = mapped_column(Text)
    #: submitted → approved (applied to the measure) or returned (with the office's comment)
    state: Mapped[str] = mapped_column(String(16), default=SUBMITTED, index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str | None] = mapped_column(Text)

    measure: Mapped[Measure] = relationship("Measure")
    department: Mapped[Department] = relationship("Department")
    author: Mapped[User] = relationship("User", foreign_keys=[author_id])
    evidence: Mapped[list[ProgressEvidence]] = relationship(back_populates="update", order_by="ProgressEvidence.id")


class ProgressEvidence(Base):
    """佐证材料: a PDF or image a department sends with its update, checked like every upload, stored under a random
    name in the upload folder; staff only (the office reviews it; it is not published)."""

    __tablename__ = "progress_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_update.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    #: random name on disk; never derived from user input
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    update: Mapped[ProgressUpdate] = relationship("ProgressUpdate", back_populates="evidence")
