"""通报数字核对: each figure a report declares beside the ledger's, as of the report's 截至日期 and now."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: the totals in the order a reader expects them (the keys of ledger.figures.campaign_figures)
TOTALS = ("categories", "problems", "rectified_problems", "measures", "done", "in_progress", "rate")
#: the figures of one deadline class, in order
CLASS_FIGURES = ("problems", "rectified", "in_progress")


@dataclass(frozen=True)
class FigureComparison:
    """One declared figure: a total (deadline_class None) or one figure of a deadline class, against the ledger's
    value as of the report's date and its value now (None where the ledger has no such figure)."""

    figure: str
    declared: object
    as_of: object
    now: object
    deadline_class: str | None = None

    @property
    def differs_as_of(self) -> bool:
        return str(self.declared) != str(self.as_of)

    @property
    def differs_now(self) -> bool:
        return str(self.declared) != str(self.now)


def compare(declared: dict, as_of: dict, now: dict) -> list[FigureComparison]:
    """Every figure declared, totals first, then each deadline class the report states, matched by label."""
    rows = [FigureComparison(key, declared[key], as_of.get(key), now.get(key)) for key in TOTALS if key in declared]
    classes_as_of = {c["label"]: c for c in as_of.get("deadline_classes", [])}
    classes_now = {c["label"]: c for c in now.get("deadline_classes", [])}
    for stated in declared.get("deadline_classes", []):
        label = stated["label"]
        rows += [FigureComparison(key, stated[key], classes_as_of.get(label, {}).get(key),
                                  classes_now.get(label, {}).get(key), label)
                 for key in CLASS_FIGURES if key in stated]
    return rows


#: how a disagreement is told, by figure (a deadline class's figures prefixed class:)
SENTENCES = {
    "categories": _l("通报称%(declared)s个方面，台账%(when)s为%(computed)s个。"),
    "problems": _l("通报称问题%(declared)s个，台账%(when)s为%(computed)s个。"),
    "rectified_problems": _l("通报称已整改到位的问题%(declared)s个，台账%(when)s为%(computed)s个。"),
    "measures": _l("通报称整改措施%(declared)s条，台账%(when)s为%(computed)s条。"),
    "done": _l("通报称已整改%(declared)s条，台账%(when)s为%(computed)s条。"),
    "in_progress": _l("通报称正在整改%(declared)s条，台账%(when)s为%(computed)s条。"),
    "rate": _l("通报称完成率%(declared)s%%，台账%(when)s为%(computed)s%%。"),
    "class:problems": _l("通报称“%(label)s”的问题%(declared)s个，台账%(when)s为%(computed)s个。"),
    "class:rectified": _l("通报称“%(label)s”的问题已整改到位%(declared)s个，台账%(when)s为%(computed)s个。"),
    "class:in_progress": _l("通报称“%(label)s”的问题正在整改%(declared)s个，台账%(when)s为%(computed)s个。"),
}


def disagreement(row: FigureComparison, when: str, computed: object) -> str:
    """The disagreement in words: 通报称已整改30条，台账截至2021年3月31日为28条。 (when: 截至… or 目前)."""
    if computed is None and row.deadline_class is not None:
        return _("通报列出整改时限“%(label)s”，台账%(when)s没有这一整改时限。", label=row.deadline_class, when=when)
    key = f"class:{row.figure}" if row.deadline_class is not None else row.figure
    return str(SENTENCES[key]) % {"declared": row.declared, "computed": "—" if computed is None else computed,
                                  "when": when, "label": row.deadline_class}
