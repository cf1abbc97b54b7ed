"""The public form's target picker: the problems and measures a citizen's words point to, as plain data for JSON.

A search (what the citizen types into the picker) finds measures by meaning (suggest.ranked_measures: segmented,
synonyms folded, ranked) and a code typed as such (35-3, 措施35-3, 问题35 with its measures); each measure's problem
follows its first measure. Suggestions for the opinion's text are suggest.suggest's (nothing when there is no
confident match). Nothing personal is returned: only the campaign's ledger.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import Campaign, Measure, Problem
from portal.services.feedback.suggest import ranked_measures, suggest

#: results of a search
LIMIT = 10
#: characters of a query or an opinion read; the rest is ignored (the form takes 5000, a picker's query is short)
MAX_QUERY, MAX_TEXT = 200, 5000
#: an opinion shorter than this is not yet worth suggesting for
MIN_TEXT = 10
#: a code typed as such: 35-3, 措施35-3, 问题35, 35
_CODE = re.compile(r"^(?:措施|问题)?\s*(\d{1,4}(?:-\d{1,4})?)$")


@dataclass(frozen=True)
class Target:
    """A problem (kind "problem", value its number) or a measure (kind "measure", value its code), as the
    form's target field takes it."""

    kind: str
    value: str
    text: str
    category: str


def clean(text: str, limit: int) -> str:
    """text folded (NFKC), without NUL and other control characters, cut to limit characters."""
    text = unicodedata.normalize("NFKC", text or "")[:limit]
    return "".join(ch if ch.isprintable() else " " for ch in text).strip()


def find_targets(session: Session, campaign: Campaign, query: str, limit: int = LIMIT) -> list[Target]:
    """The campaign's problems and measures that query means, best first: a typed code (a problem's number brings
    its measures), then ranked measures, each followed by its problem."""
    query = clean(query, MAX_QUERY)
    if not query:
        return []
    typed = _CODE.match(query)
    code = typed.group(1) if typed else ""
    found: list[Target] = []
    seen_problems: set[int] = set()
    codes = [code] if "-" in code else []
    if code and "-" not in code:
        problem = session.scalar(select(Problem).where(Problem.campaign_id == campaign.id, Problem.number == int(code))
                                 .options(selectinload(Problem.category), selectinload(Problem.measures)))
        if problem is not None:
            found.append(_problem_target(problem))
            seen_problems.add(problem.id)
            codes += [m.code for m in problem.measures]
    codes += [m.code for m in ranked_measures(session, campaign.id, query, limit)]
    measures = _measures(session, campaign.id, codes)
    for code in dict.fromkeys(codes):
        measure = measures.get(code)
        if measure is None:
            continue
        found.append(Target("measure", measure.code, measure.text, measure.problem.category.title))
        if measure.problem_id not in seen_problems:
            seen_problems.add(measure.problem_id)
            found.append(_problem_target(measure.problem))
    return found[:limit]


def suggested_targets(session: Session, campaign: Campaign, text: str) -> list[Target]:
    """The measures (up to three) an opinion is most likely about; none when it is short or nothing fits."""
    text = clean(text, MAX_TEXT)
    if len(text) < MIN_TEXT:
        return []
    found = suggest(session, campaign, text)
    if found.abstain:
        return []
    codes = [s.measure for s in found.suggestions]
    measures = _measures(session, campaign.id, codes)
    return [Target("measure", code, measures[code].text, measures[code].problem.category.title)
            for code in codes if code in measures]


def as_json(targets: list[Target]) -> list[dict[str, str]]:
    return [asdict(target) for target in targets]


def _measures(session: Session, campaign_id: int, codes: list[str]) -> dict[str, Measure]:
    if not codes:
        return {}
    return {m.code: m for m in session.scalars(
        select(Measure).where(Measure.campaign_id == campaign_id, Measure.code.in_(codes))
        .options(selectinload(Measure.problem).selectinload(Problem.category)))}


def _problem_target(problem: Problem) -> Target:
    return Target("problem", str(problem.number), problem.description, problem.category.title)
