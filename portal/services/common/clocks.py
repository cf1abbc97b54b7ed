"""The one clock module: accept-by, handle-by, extensions and the review window (《信访工作条例》, configurable)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: no record of this portal is dated earlier: the floor when no campaign gives a nearer one
EARLIEST_DATE = date(2000, 1, 1)
#: a campaign's records (calls, letters) may predate its feedback date (巡视反馈) by this much, not more
BEFORE_FEEDBACK = timedelta(days=365)
#: how far a moment typed by staff may lie ahead of the server's clock (a wall clock a little fast)
CLOCK_SLACK = timedelta(minutes=5)
#: the last day whose following day and every timezone offset still fit in a datetime
_LAST_SAFE_DATE = date.max - timedelta(days=2)


def earliest_date(feedback_date: date | None) -> date:
    """The earliest plausible date of a record of a campaign with this feedback date (EARLIEST_DATE without one)."""
    return max(feedback_date - BEFORE_FEEDBACK, EARLIEST_DATE) if feedback_date else EARLIEST_DATE


def safe_day(day: date) -> date:
    """day, kept a few days inside datetime's range: arithmetic on it (next day, timezone offsets) cannot overflow.

    Only days no window accepts move (year 1, year 9999), so the caller's range check still refuses them."""
    return min(max(day, date.min + timedelta(days=2)), _LAST_SAFE_DATE)


def local_to_utc(moment: datetime, timezone: str) -> datetime:
    """An office-local wall-clock time (naive, as a datetime-local input gives it) as aware UTC, never overflowing."""
    if moment.tzinfo is None:
        moment = datetime.combine(safe_day(moment.date()), moment.time(), tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


def start_of_local_day(day: date, timezone: str) -> datetime:
    """The first moment (UTC) of an office-local calendar day."""
    return local_to_utc(datetime.combine(day, time(0, 0)), timezone)


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
