"""台账网页导入: an uploaded ledger previewed (the importer's dry run, as a diff and figures before → after), then
applied on confirmation — the same file, in the caller's one transaction, audited."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.models import Campaign, User
from portal.services.common import audit, authz
from portal.services.common.errors import ServiceError
from portal.services.ledger.figures import campaign_figures, ledger_figures
from portal.services.ledger.importer import Change, ImportResult, import_ledger
from portal.services.ledger.reader import CheckedRow
from portal.services.ledger.uploads import StoredLedger

#: the headline figures shown before → after, in the order shown
HEADLINE = ("problems", "measures", "done", "in_progress", "rate", "rectified_problems")


class LedgerMovedOn(ServiceError):
    """The campaign's ledger changed after the preview: the preview no longer says what the import would do."""


@dataclass(frozen=True)
class FigureChange:
    """One headline figure before and after the import."""

    key: str
    before: object
    after: object

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class LedgerPreview:
    """What importing a file would change: new measures, each changed field, new or changed problems, figures."""

    sha256: str
    #: the campaign's data version the preview was computed against (the confirmation must find the same)
    data_version: int
    result: ImportResult
    added: list[CheckedRow] = field(default_factory=list)
    #: measure code → its changed fields, in ledger order
    changed: dict[str, list[Change]] = field(default_factory=dict)
    problems: list[Change] = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.problems)


def preview(session: Session, actor: User, campaign: Campaign, stored: StoredLedger) -> LedgerPreview:
    """The dry run of importing stored into campaign; LedgerRejected (every row error) when it cannot be imported."""
    authz.require(actor, "import_ledger")
    before = campaign_figures(session, campaign)
    result = import_ledger(session, campaign, stored.path, actor=_actor(actor, stored.path), dry_run=True)
    after = ledger_figures(campaign.slug, result.rows)
    rows = {row.code: row for row in result.rows}
    found = LedgerPreview(stored.sha256, campaign.data_version or 0, result,
                          figures=[FigureChange(key, before[key], after[key]) for key in HEADLINE])
    for change in result.changes:
        if change.kind == "problem":
            found.problems.append(change)
        elif change.field == "created":
            found.added.append(rows[change.key])
        else:
            found.changed.setdefault(change.key, []).append(change)
    return found


def confirm(session: Session, actor: User, campaign: Campaign, stored: StoredLedger, data_version: int,
            filename: str) -> ImportResult:
    """Import the previewed file, unless the ledger changed since the preview (LedgerMovedOn); audited. The caller
    commits (one transaction) or rolls back."""
    authz.require(actor, "import_ledger")
    if (campaign.data_version or 0) != data_version:
        raise LedgerMovedOn(_("预览之后台账已有其他改动：请核对下面重新生成的预览，再确认导入。"))
    result = import_ledger(session, campaign, stored.path, actor=_actor(actor, Path(filename)))
    audit.record(session, actor, "ledger.import", "campaign", campaign.id, sha256=stored.sha256,
                 filename=filename[:100], measures=result.measures, created=result.created, changed=result.changed)
    session.flush()
    return result


def _actor(actor: User, path: Path) -> str:
    """Who the measure history says made the changes."""
    return f"{actor.name}（{actor.email}）网页导入 {path.name}"[:200]
