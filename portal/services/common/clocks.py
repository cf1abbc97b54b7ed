"""The one clock module: accept-by, handle-by, extensions and the review window (《信访工作条例》, configurable)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ClockSettings:
    """Days allowed at each step; read from config keys ACCEPT_DAYS, HANDLE_DAYS, MAX_EXTENSION_DAYS…"""

    accept_days: int = 15
    handle_days: int = 60
    max_extension_days: int = 30
    review_window_days: int = 30
    due_soon_days: int = 3
    timezone: str = "Asia/Shanghai"

    @classmethod
    def from_config(cls, config) -> ClockSettings:
        return cls(
            accept_days=int(config.get("ACCEPT_DAYS", cls.accept_days)),
            handle_days=int(config.get("HANDLE_DAYS", cls.handle_days)),
            max_extension_days=int(config.get("MAX_EXTENSION_DAYS", cls.max_extension_days)),
            review_window_days=int(config.get("REVIEW_WINDOW_DAYS", cls.review_window_days)),
            due_soon_days=int(config.get("DUE_SOON_DAYS", cls.due_soon_days)),
            timezone=config.get("BABEL_DEFAULT_TIMEZONE", cls.timezone),
        )

    def local_date(self, moment: datetime) -> date:
        """The calendar date of moment where the office is."""
        return moment.astimezone(ZoneInfo(self.timezone)).date()

    def today(self, now: datetime | None = None) -> date:
        return self.local_date(now or datetime.now(ZoneInfo(self.timezone)))

    def accept_due(self, received_at: datetime) -> date:
        """受理期限: received + 15 days."""
        return self.local_date(received_at) + timedelta(days=self.accept_days)

    def handle_due(self, accepted_at: datetime) -> date:
        """办理期限: accepted + 60 days."""
        return self.local_date(accepted_at) + timedelta(days=self.handle_days)

    def extended(self, handle_due: date, days: int) -> date:
        """办理期限 after an extension of days (1 … max_extension_days)."""
        if not 1 <= days <= self.max_extension_days:
            raise ValueError(f"延期天数须在1到{self.max_extension_days}天之间。")
        return handle_due + timedelta(days=days)

    def review_open_until(self, replied_at: datetime) -> date:
        """复查: the submitter may ask for a review until this date."""
        return self.local_date(replied_at) + timedelta(days=self.review_window_days)

    def is_overdue(self, due: date | None, today: date) -> bool:
        return due is not None and due < today

    def is_due_soon(self, due: date | None, today: date) -> bool:
        return due is not None and today <= due <= today + timedelta(days=self.due_soon_days)
