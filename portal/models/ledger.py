"""整改台账: categories, problems, measures and the append-only history of measure changes."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .campaign import Campaign

DONE = "done"
IN_PROGRESS = "in_progress"
MEASURE_STATUSES = (DONE, IN_PROGRESS)


class Category(Base):
    """方面: a group of problems, e.g. 针对履行党组核心职能有差距…的问题."""

    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("campaign_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)

    campaign: Mapped[Campaign] = relationship("Campaign", back_populates="categories")
    problems: Mapped[list[Problem]] = relationship("Problem", back_populates="category", order_by="Problem.number")


class Problem(Base):
    """问题: one problem the inspection found, with its deadline and responsibility."""

    __tablename__ = "problem"
    __table_args__ = (UniqueConstraint("campaign_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    #: 整改时限 as the ledger words it, e.g. 3个月内整改到位
    deadline_label: Mapped[str] = mapped_column(String(200))
    #: derived from the campaign's feedback date and the deadline class; None for 长期坚持 or unknown classes
    due_date: Mapped[date | None] = mapped_column(Date)
    lead_leader: Mapped[str | None] = mapped_column(String(200))
    #: 责任部门, as listed in the ledger (顿号-separated)
    departments: Mapped[str | None] = mapped_column(Text)
    goal: Mapped[str | None] = mapped_column(Text)

    category: Mapped[Category] = relationship("Category", back_populates="problems")
    measures: Mapped[list[Measure]] = relationship("Measure", back_populates="problem", order_by="Measure.position")


class Measure(Base):
    """整改措施: one rectification measure of a problem, e.g. 35-2."""

    __tablename__ = "measure"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    #: order within the ledger (序号)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    #: 完成情况: done or in_progress
    status: Mapped[str] = mapped_column(String(16))
    completed_on: Mapped[date | None] = mapped_column(Date)
    #: 进展说明
    progress_note: Mapped[str | None] = mapped_column(Text)

    problem: Mapped[Problem] = relationship("Problem", back_populates="measures")
    updates: Mapped[list[MeasureUpdate]] = relationship(back_populates="measure", order_by="MeasureUpdate.id")

    @property
    def is_done(self) -> bool:
        return self.status == DONE


class MeasureUpdate(Base):
    """One change to one field of a measure (append-only): who, when, from → to."""

    __tablename__ = "measure_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: who made the change: a user, or the operator command that imported the ledger
    actor: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)

    measure: Mapped[Measure] = relationship("Measure", back_populates="updates")


@event.listens_for(MeasureUpdate, "before_update")
@event.listens_for(MeasureUpdate, "before_delete")
def _refuse_history_rewrite(mapper, connection, target) -> None:
    raise ValueError("measure history is append-only")
