"""进展通报 for reading: the text as paragraphs with marked stretches, declared figures beside computed ones."""
from __future__ import annotations

import re
from dataclasses import dataclass

from portal.models import ProgressReport

#: a stretch the report importer could not repair, left for a human: 【待核对：…】
UNREPAIRED = re.compile(r"(【待核对[：:][^】]*】)")
#: figures in the order a reader expects them; other declared scalar keys follow
#: a section heading of a report: 一、… (level 1) or （一）… (level 2), a short line that is not a sentence
HEADING = re.compile(r"^(?:(?P<one>[一二三四五六七八九十]+、)|(?P<two>（[一二三四五六七八九十]+）))[^。]{2,80}$")
FIGURE_ORDER = ("categories", "problems", "rectified_problems", "measures", "done", "in_progress", "rate")


@dataclass(frozen=True)
class Segment:
    text: str
    unrepaired: bool


@dataclass(frozen=True)
class FigureRow:
    """One figure: what the report declares, what the ledger gave at publication, whether they differ."""

    key: str
    declared: object
    computed: object
    mismatch: bool


@dataclass(frozen=True)
class FigureCheck:
    """A report's figures against the ledger's: the totals, then each deadline class it states."""

    totals: list[FigureRow]
    classes: list[tuple[str, list[FigureRow]]]

    @property
    def disagreements(self) -> int:
        rows = self.totals + [row for _, rows in self.classes for row in rows]
        return sum(row.mismatch for row in rows)


def paragraphs(body: str) -> list[list[Segment]]:
    """The text split into paragraphs (one per line), each split into plain and to-be-checked stretches."""
    return [
        [Segment(part, bool(UNREPAIRED.fullmatch(part))) for part in UNREPAIRED.split(line) if part]
        for line in (raw.strip() for raw in body.splitlines()) if line
    ]


@dataclass(frozen=True)
class Section:
    """A heading of the report's table of contents: its paragraph (numbered from 1, the anchor p<n>) and level."""

    paragraph: int
    level: int
    title: str


def sections(body: str) -> list[Section]:
    """The report's section headings in order, for a table of contents; none when it has fewer than two."""
    found = []
    for number, paragraph in enumerate(paragraphs(body), start=1):
        line = "".join(segment.text for segment in paragraph)
        heading = HEADING.match(line)
        if heading:
            found.append(Section(number, 1 if heading.group("one") else 2, line))
    return found if len(found) >= 2 else []


def figure_check(report: ProgressReport) -> FigureCheck:
    """Every declared figure and every computed total, then each declared deadline class figure by figure.

    Totals are flagged where ProgressReport.mismatches says so. A deadline class is flagged figure by
    figure by the same rule as ProgressReport.mismatches: matched by label, compared on what the report states.
    """
    declared = report.declared or {}
    snapshot = report.snapshot or {}
    shown = [k for k in FIGURE_ORDER if k in declared or k in snapshot]
    shown += [k for k in declared if k not in shown and _is_scalar(declared[k])]
    mismatches = set(report.mismatches)
    totals = [FigureRow(k, declared.get(k), snapshot.get(k), k in mismatches) for k in shown]
    computed_classes = {c["label"]: c for c in snapshot.get("deadline_classes", [])}
    classes = []
    for stated in declared.get("deadline_classes", []):
        computed = computed_classes.get(stated["label"], {})
        rows = [FigureRow(k, v, computed.get(k), str(v) != str(computed.get(k)))
                for k, v in stated.items() if k != "label"]
        classes.append((stated["label"], rows))
    return FigureCheck(totals, classes)


def _is_scalar(value: object) -> bool:
    return not isinstance(value, (list, dict))
