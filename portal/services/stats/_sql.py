"""SQL expressions that differ between PostgreSQL and SQLite: office-local dates, periods, durations, percentiles."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from math import floor
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Date, Float, Integer, cast, func, literal, type_coerce

SECONDS_PER_DAY = 86400.0
#: a zone whose UTC offset is the same on the first of every month from this year to next year counts as fixed
FIXED_SINCE_YEAR = 2000
EPOCH = date(1970, 1, 1)


def _sqlite_offset(timezone: str) -> str:
    """The zone's UTC offset as an SQLite date modifier ('+480 minutes'); SQLite knows no zones, and the office's
    zone (Asia/Shanghai) has no daylight saving time, so one offset holds for every date."""
    offset = datetime.now(ZoneInfo(timezone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return f"{minutes:+d} minutes"


def local_date(column, dialect: str, timezone: str) -> ColumnElement:
    """The office-local calendar date of a UTC timestamp column (comparable with a Date column such as accept_due)."""
    if dialect == "postgresql":
        return cast(func.timezone(timezone, column), Date)
    return func.date(column, _sqlite_offset(timezone))


@lru_cache(maxsize=8)
def fixed_offset(timezone: str, until_year: int) -> int | None:
    """The zone's UTC offset in seconds when it is the same on the first of every month from FIXED_SINCE_YEAR to
    until_year (Asia/Shanghai: +8 hours since 1991), else None (a zone with daylight saving time)."""
    zone = ZoneInfo(timezone)
    offsets = {datetime(year, month, 1, 12, tzinfo=zone).utcoffset()
               for year in range(FIXED_SINCE_YEAR, until_year + 1) for month in range(1, 13)}
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    return int(offset.total_seconds()) if offset else 0


def local_day_number(column, offset: int) -> ColumnElement:
    """The office-local date of a UTC timestamp column as days since 1970-01-01, in a zone of fixed offset seconds:
    arithmetic on the epoch, a tenth of the cost of converting each value with timezone() (PostgreSQL)."""
    return func.floor((func.date_part("epoch", column) + offset) / SECONDS_PER_DAY)


def day_number(column) -> ColumnElement:
    """A Date column as days since 1970-01-01 (PostgreSQL: date - date is an integer)."""
    return type_coerce(column - literal(EPOCH, Date), Integer)


def period(column, dialect: str, timezone: str, unit: str) -> ColumnElement:
    """The month ('2021-03') or the Monday of the week ('2021-03-01') of a UTC timestamp, in office-local time."""
    if dialect == "postgresql":
        local = func.timezone(timezone, column)
        if unit == "week":
            return func.to_char(func.date_trunc("week", local), "YYYY-MM-DD")
        return func.to_char(local, "YYYY-MM")
    modifier = _sqlite_offset(timezone)
    if unit == "week":
        return func.date(column, modifier, "weekday 0", "-6 days")
    return func.strftime("%Y-%m", column, modifier)


def period_starts(first: date, last: date, unit: str) -> list[date]:
    """The first days of the months (or the Mondays of the weeks) from the one holding first to the one holding
    last."""
    if unit == "week":
        start, step = first - timedelta(days=first.weekday()), timedelta(days=7)
        return [start + step * n for n in range((last - start).days // 7 + 1)]
    index = first.year * 12 + first.month - 1
    return [date(n // 12, n % 12 + 1, 1) for n in range(index, last.year * 12 + last.month)]


def days_between(later, earlier, dialect: str) -> ColumnElement:
    """later - earlier in days, fractional (double precision: EXTRACT's numeric made the percentiles a third
    slower)."""
    if dialect == "postgresql":
        return cast(func.date_part("epoch", later - earlier), Float) / literal(SECONDS_PER_DAY)
    return cast(func.julianday(later) - func.julianday(earlier), Float)


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont in Python, for SQLite: linear interpolation between the two nearest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)
