"""整改任务: one rectification exercise and its public contact channels."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .ledger import Category


class Campaign(Base):
    """整改任务: what was inspected, by whom, when feedback was given, how the public reaches us."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: 被巡视单位, e.g. 甘肃省总工会党组
    unit: Mapped[str | None] = mapped_column(String(200))
    #: 巡视组, e.g. 省委第八巡视组
    inspecting_body: Mapped[str | None] = mapped_column(String(200))
    inspection_start: Mapped[date | None] = mapped_column(Date)
    inspection_end: Mapped[date | None] = mapped_column(Date)
    #: 反馈日期: every problem's due date counts from here
    feedback_date: Mapped[date] = mapped_column(Date)
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    contact_address: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    #: 示例数据: shown as a sample wherever the campaign appears
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    #: chosen by the rectification office as the campaign the public home page shows (at most one is)
    shown_on_home: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: bumped by every change to the ledger or reports, so cached public figures know they are stale
    data_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    categories: Mapped[list[Category]] = relationship(
        "Category", back_populates="campaign", order_by="Category.position", cascade="all, delete-orphan"
    )

    def touch(self) -> None:
        """Mark the campaign's public data as changed."""
        self.data_version = (self.data_version or 0) + 1
