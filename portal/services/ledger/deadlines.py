"""整改时限: deadline classes as ledgers word them, and the due dates they give from the feedback date."""
from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

CHINESE_NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
                    "十": 10, "十一": 11, "十二": 12}


@dataclass(frozen=True)
class DeadlineClass:
    """How a deadline phrasing is understood. months is None when there is no fixed term."""

    label: str
    kind: str  # months | immediate | year_end | long_term | unknown
    months: int | None = None

    @property
    def sort_key(self) -> tuple:
        order = {"immediate": 0, "months": 1, "year_end": 2, "long_term": 3, "unknown": 4}
        return (order[self.kind], self.months or 0, self.label)


def normalise_label(label: str) -> str:
    """Full-width digits and spaces folded, surrounding blanks dropped."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", label or ""))


def classify(label: str) -> DeadlineClass:
    """Understand a deadline phrasing; the last term stated wins (阶段性成效 in 3 months, 整改到位 in 1 year →
    1 year)."""
    text = normalise_label(label)
    if not text:
        return DeadlineClass(text, "unknown")
    if re.search(r"立行立改|立即整改|马上就改|即知即改", text):
        return DeadlineClass(text, "immediate", 0)
    if re.search(r"长期坚持|持续整改|长期整改|常态化", text):
        return DeadlineClass(text, "long_term")
    terms = [(m.start(), _months(m.group(1), m.group(2))) for m in
             re.finditer(r"(\d+|[一二两三四五六七八九十]+|半)个?(月|年)", text)]
    terms = [t for t in terms if t[1] is not None]
    year_end = re.search(r"(年底|年末)(前|之前)?", text)
    if year_end and (not terms or year_end.start() > terms[-1][0]):
        return DeadlineClass(text, "year_end")
    if terms:
        return DeadlineClass(text, "months", terms[-1][1])
    return DeadlineClass(text, "unknown")


def _months(amount: str, unit: str) -> int | None:
    if amount == "半":
        return 6 if unit == "年" else None
    n = int(amount) if amount.isdigit() else _chinese_number(amount)
    if n is None:
        return None
    return n * 12 if unit == "年" else n


def _chinese_number(amount: str) -> int | None:
    """一 … 九十九 (十五, 二十四); None for what is not one number (十二三个月 is a range, not 10 months)."""
    if amount in CHINESE_NUMERALS:
        return CHINESE_NUMERALS[amount]
    match = re.fullmatch("([二两三四五六七八九]?)十([一二三四五六七八九]?)", amount)
    if not match:
        return None
    tens, ones = match.groups()
    return CHINESE_NUMERALS.get(tens, 1) * 10 + CHINESE_NUMERALS.get(ones, 0)


def due_date(feedback_date: date, label: str) -> date | None:
    """The date by which a problem of this deadline class must be rectified; None when open-ended."""
    cls = classify(label)
    if cls.kind == "immediate":
        return feedback_date
    if cls.kind == "year_end":
        return date(feedback_date.year, 12, 31)
    if cls.kind == "months" and cls.months is not None:
        return add_months(feedback_date, cls.months)
    return None


def add_months(start: date, months: int) -> date:
    """start + months, clamped to the end of a shorter month (Nov 30 + 3 months → Feb 28); ValueError past 9999."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    if year > date.max.year:
        raise ValueError(f"整改时限过长：到期日在{date.max.year}年以后，无法计算")
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
