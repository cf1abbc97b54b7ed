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



#: what the report says, by figure (a deadline class's figures prefixed class:), and the unit the ledger's count takes
SAID = {
    "categories": (_l("通报称%(declared)s个方面"), "个"),
    "problems": (_l("通报称问题%(declared)s个"), "个"),
    "rectified_problems": (_l("通报称已整改到位的问题%(declared)s个"), "个"),
    "measures": (_l("通报称整改措施%(declared)s条"), "条"),
    "done": (_l("通报称已整改%(declared)s条"), "条"),
    "in_progress": (_l("通报称正在整改%(declared)s条"), "条"),
    "rate": (_l("通报称完成率%(declared)s%%"), "%"),
    "class:problems": (_l("通报称“%(label)s”的问题%(declared)s个"), "个"),
    "class:rectified": (_l("通报称“%(label)s”的问题已整改到位%(declared)s个"), "个"),
    "class:in_progress": (_l("通报称“%(label)s”的问题正在整改%(declared)s个"), "个"),
}
#: what the ledger gives, by unit: as of the report's date, and now
LEDGER_AS_OF = {"个": _l("台账截至%(date)s为%(computed)s个。"), "条": _l("台账截至%(date)s为%(computed)s条。"),
                "%": _l("台账截至%(date)s为%(computed)s%%。")}
LEDGER_NOW = {"个": _l("台账目前为%(computed)s个。"), "条": _l("台账目前为%(computed)s条。"),
              "%": _l("台账目前为%(computed)s%%。")}


def disagreement(row: FigureComparison, computed: object, day: str | None = None) -> str:
    """The disagreement in words, against the ledger on day (its date as shown) or now (day None):
    通报称已整改30条，台账截至2021年3月31日为28条。"""
    said, unit = SAID[f"class:{row.figure}" if row.deadline_class is not None else row.figure]
    if computed is None:
        ledger = (_("台账截至%(date)s没有这一项。", date=day) if day is not None else _("台账目前没有这一项。"))
    elif day is not None:
        ledger = str(LEDGER_AS_OF[unit]) % {"date": day, "computed": computed}
    else:
        ledger = str(LEDGER_NOW[unit]) % {"computed": computed}
    return _("%(said)s，%(ledger)s", said=str(said) % {"declared": row.declared, "label": row.deadline_class},
             ledger=ledger)
