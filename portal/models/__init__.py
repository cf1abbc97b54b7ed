"""SQLAlchemy models, one module per domain area."""
from .audit import AuditEvent
from .base import Base, utcnow
from .callback import CallbackAttempt
from .campaign import Campaign
from .feedback import Attachment, FeedbackContact, FeedbackItem, FeedbackLink, FollowUp, Note, Reply, ReplyTemplate
from .follow import FollowDelivery, FollowEvent, FollowSubscription
from .handling import ExtensionRequest, ReplyEdit, SendBack
from .ledger import DONE, IN_PROGRESS, MEASURE_STATUSES, Category, Measure, MeasureUpdate, Problem
from .mail import InboundMessage, OutboxMessage
from .progress import ProgressEvidence, ProgressUpdate
from .public_version import PublicVersion
from .ratelimit import RateLimitCounter
from .rating import RATING_LEVELS, AnswerRating
from .receipt import IntakeReceipt
from .recheck import RECHECK_RESULTS, Recheck
from .recheck_evidence import RecheckEvidence
from .reply_files import OutboxAttachment, ReplyAttachment
from .report import ProgressReport
from .report_draft import ReportDraft
from .saved_view import SavedQueueView
from .staff import AccountToken, Department, DepartmentAlias, LoginFailure, User

__all__ = [
    "Base", "utcnow", "Campaign", "Category", "Problem", "Measure", "MeasureUpdate",
    "ProgressReport", "ReportDraft", "ProgressUpdate", "ProgressEvidence", "DONE", "IN_PROGRESS", "MEASURE_STATUSES",
    "AuditEvent", "Attachment", "FeedbackContact", "FeedbackItem", "FeedbackLink", "FollowUp", "Note", "Reply",
    "ReplyTemplate", "InboundMessage", "OutboxMessage", "RateLimitCounter", "IntakeReceipt",
    "AnswerRating", "RATING_LEVELS", "PublicVersion", "CallbackAttempt", "SavedQueueView",
    "ExtensionRequest", "ReplyEdit", "SendBack", "OutboxAttachment", "ReplyAttachment",
    "FollowDelivery", "FollowEvent", "FollowSubscription", "Recheck", "RECHECK_RESULTS", "RecheckEvidence",
    "AccountToken", "Department", "DepartmentAlias", "LoginFailure", "User",
]
