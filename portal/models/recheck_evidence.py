"""佐证材料 of a 回头看: the files the rectification office records with a re-check's result."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .recheck import Recheck


class RecheckEvidence(Base):
    """A PDF or image recorded with a re-check's result, checked like every upload, stored under a random name in
    the upload folder; staff only (the public history shows the note, never the files)."""

    __tablename__ = "recheck_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    recheck_id: Mapped[int] = mapped_column(ForeignKey("recheck.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    #: random name on disk; never derived from user input
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    recheck: Mapped[Recheck] = relationship("Recheck", back_populates="evidence")
