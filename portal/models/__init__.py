"""SQLAlchemy models, one module per domain area."""
from .base import Base, utcnow
from .campaign import Campaign
from .ledger import DONE, IN_PROGRESS, MEASURE_STATUSES, Category, Measure, MeasureUpdate, Problem
from .report import ProgressReport

__all__ = [
    "Base", "utcnow", "Campaign", "Category", "Problem", "Measure", "MeasureUpdate",
    "ProgressReport", "DONE", "IN_PROGRESS", "MEASURE_STATUSES",
]
