"""红黄绿灯: a department's light from its on-time answer rate and its overdue items, by thresholds in config."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

GREEN, YELLOW, RED = "green", "yellow", "red"


@dataclass(frozen=True)
class LightThresholds:
    """Read from STATS_GREEN_RATE, STATS_RED_RATE (percent) and STATS_RED_OVERDUE (items)."""

    green_rate: Decimal = Decimal(90)
    red_rate: Decimal = Decimal(70)
    red_overdue: int = 3

    @classmethod
    def from_config(cls, config) -> LightThresholds:
        return cls(green_rate=Decimal(str(config.get("STATS_GREEN_RATE", cls.green_rate))),
                   red_rate=Decimal(str(config.get("STATS_RED_RATE", cls.red_rate))),
                   red_overdue=int(config.get("STATS_RED_OVERDUE", cls.red_overdue)))

    def light(self, on_time_rate: str | None, overdue: int) -> str:
        """green: rate ≥ green_rate and nothing overdue; red: rate < red_rate or overdue > red_overdue; else yellow.
        Without a rate (nothing was due yet) only the overdue items count."""
        rate = Decimal(on_time_rate) if on_time_rate is not None else None
        if overdue > self.red_overdue or (rate is not None and rate < self.red_rate):
            return RED
        if overdue == 0 and (rate is None or rate >= self.green_rate):
            return GREEN
        return YELLOW
