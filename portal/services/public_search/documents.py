"""What the public search reads: exactly what the public pages show — problems, measures, each paragraph of each
progress report, and the published answers (redacted question and answer) of consenting submitters."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from portal.models import Campaign, FeedbackItem, Measure, Problem, ProgressReport, Reply
from portal.services.replies.published import published
from portal.services.reports.view import paragraphs

PROBLEM, MEASURE, REPORT, ANSWER = "problem", "measure", "report", "answer"


@dataclass(frozen=True)
class Document:
    """One search result to be: its kind, what its link needs (ref), a title, the text shown and searched."""

    kind: str
    #: problem: (number,); measure: (code,); report: (report id, paragraph number from 1); answer: (reply id,)
    ref: tuple[int | str, ...]
    title: str
    text: str
    #: the reply date of an answer, the as-of date of a report
    day: date | None = None


def _answers(campaign: Campaign) -> Select[tuple[Reply, FeedbackItem]]:
    """The published answers about this campaign (or about no campaign: /answers shows them with every one)."""
    return published().where(or_(FeedbackItem.campaign_id == campaign.id, FeedbackItem.campaign_id.is_(None)))


def answers_state(session: Session, campaign: Campaign) -> tuple[int, int, str]:
    """How many answers are published for the campaign, the sum of their ids and the newest publication: changes when
    one is published, taken down or its submitter withdraws consent."""
    count, ids, newest = session.execute(_answers(campaign).with_only_columns(
        func.count(Reply.id), func.coalesce(func.sum(Reply.id), 0), func.max(Reply.published_at))).one()
    return int(count), int(ids), str(newest)


def documents(session: Session, campaign: Campaign, local_date: Callable[[datetime], date]) -> list[Document]:
    """Every public text of the campaign, in the order its pages show them."""
    found = [Document(PROBLEM, (number,), description, "\n".join(filter(None, (description, goal))))
             for number, description, goal in session.execute(
                 select(Problem.number, Problem.description, Problem.goal)
                 .where(Problem.campaign_id == campaign.id).order_by(Problem.number))]
    found += [Document(MEASURE, (code,), code, "\n".join(filter(None, (text, note))))
              for code, text, note in session.execute(
                  select(Measure.code, Measure.text, Measure.progress_note)
                  .where(Measure.campaign_id == campaign.id).order_by(Measure.problem_id, Measure.position))]
    for report_id, title, as_of, body in session.execute(
            select(ProgressReport.id, ProgressReport.title, ProgressReport.as_of, ProgressReport.body)
            .where(ProgressReport.campaign_id == campaign.id).order_by(ProgressReport.as_of.desc())):
        found += [Document(REPORT, (report_id, number), title, "".join(segment.text for segment in paragraph), as_of)
                  for number, paragraph in enumerate(paragraphs(body), start=1)]
    query = _answers(campaign).order_by(Reply.sent_at.desc(), Reply.id.desc())
    found += [Document(ANSWER, (reply.id,), "", "\n".join(filter(None, (reply.public_question, reply.public_text))),
                       local_date(reply.sent_at) if reply.sent_at else None)
              for reply, _ in session.execute(query)]
    return found
