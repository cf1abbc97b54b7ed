"""措施推荐的评测: top-1/top-3 accuracy, problem top-1, abstention, and latency, on bench/data/suggest_eval.jsonl.

Usage: bench/suggest [--eval FILE] [--measures N]
  --measures N adds campaigns, copies of the demo ledger with their measures' texts shuffled, until there are N
  measures in all, and times the service call (suggest.suggest: the cache check and, on a miss, the index build) for
  the evaluation texts on random campaigns; on PostgreSQL when BENCH_DATABASE_URL is set, else SQLite.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]
from sqlalchemy import func, select  # noqa: E402
from wrk import fresh_database  # noqa: E402

from portal import create_app, db  # noqa: E402
from portal.models import Base, Campaign, Category, Measure, Problem  # noqa: E402
from portal.services.feedback import suggest  # noqa: E402
from portal.services.ledger.campaigns import create_campaign, find_campaign  # noqa: E402
from portal.services.ops.demo import DEMO_SLUG, load_demo  # noqa: E402

EVAL = Path(__file__).resolve().parent / "data" / "suggest_eval.jsonl"


def evaluate(index: suggest.MeasureIndex, cases: list[dict]) -> dict:
    """The figures the issue names, and each miss for reading."""
    on_topic = [c for c in cases if c["measure"]]
    off_topic = [c for c in cases if not c["measure"]]
    top1 = top3 = problem1 = abstained_on = 0
    abstained_off = 0
    misses = []
    for case in cases:
        result = index.suggest(case["text"])
        codes = [s.measure for s in result.suggestions]
        if not case["measure"]:
            abstained_off += result.abstain
            if not result.abstain:
                misses.append((case["text"], None, codes))
            continue
        abstained_on += result.abstain
        top1 += codes[:1] == [case["measure"]]
        top3 += case["measure"] in codes
        problem1 += bool(result.suggestions) and str(result.suggestions[0].problem) == case["measure"].split("-")[0]
        if codes[:1] != [case["measure"]]:
            misses.append((case["text"], case["measure"], codes))
    n = len(on_topic)
    return {"cases": len(cases), "on_topic": n, "off_topic": len(off_topic),
            "top1": top1 / n, "top3": top3 / n, "problem_top1": problem1 / n,
            "abstain_off_topic": abstained_off / max(len(off_topic), 1), "abstain_on_topic": abstained_on / n,
            "misses": misses}


def latency(index: suggest.MeasureIndex, cases: list[dict], rounds: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        for case in cases:
            started = time.perf_counter()
            index.suggest(case["text"])
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)]


def add_campaigns(session, demo: Campaign, total: int) -> list[Campaign]:
    """Copies of the demo campaign's ledger (each with its measures' texts shuffled) until total measures."""
    rng = random.Random(14)
    categories = list(session.scalars(select(Category).where(Category.campaign_id == demo.id)))
    problems = list(session.scalars(select(Problem).where(Problem.campaign_id == demo.id)))
    measures = list(session.scalars(select(Measure).where(Measure.campaign_id == demo.id)))
    count, campaigns = len(measures), [demo]
    while count < total:
        campaign = create_campaign(session, f"bench-{len(campaigns)}", f"测试整改 {len(campaigns)}", demo.feedback_date)
        new_category = {c.id: Category(campaign_id=campaign.id, position=c.position, title=c.title) for c in categories}
        session.add_all(new_category.values())
        session.flush()
        new_problem = {p.id: Problem(campaign_id=campaign.id, category_id=new_category[p.category_id].id,
                                     number=p.number, description=p.description, deadline_label=p.deadline_label,
                                     goal=p.goal) for p in problems}
        session.add_all(new_problem.values())
        session.flush()
        texts = [m.text for m in measures]
        rng.shuffle(texts)
        session.add_all(Measure(campaign_id=campaign.id, problem_id=new_problem[m.problem_id].id, code=m.code,
                                position=m.position, text=text, status=m.status)
                        for m, text in zip(measures, texts, strict=True))
        session.flush()
        campaigns.append(campaign)
        count += len(measures)
    session.commit()
    return campaigns


def service_latency(session, campaigns: list[Campaign], cases: list[dict], requests: int) -> tuple[float, float]:
    """(p50 ms, p95 ms) of suggest.suggest for random texts on random campaigns, after one request per campaign."""
    rng = random.Random(3)
    for campaign in campaigns:
        suggest.suggest(session, campaign, cases[0]["text"])
    times = []
    for _ in range(requests):
        campaign, case = rng.choice(campaigns), rng.choice(cases)
        started = time.perf_counter()
        suggest.suggest(session, campaign, case["text"])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--misses", action="store_true", help="print every miss")
    parser.add_argument("--measures", type=int, default=0, help="time the service over campaigns of N measures")
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    cases = [json.loads(line) for line in args.eval.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        if args.measures and os.environ.get("BENCH_DATABASE_URL"):
            url = fresh_database(os.environ["BENCH_DATABASE_URL"], "portal_bench_suggest")
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"}, instance_path=tmp)
        with app.app_context():
            Base.metadata.create_all(db.engine())
            load_demo(db.session())
            db.session().commit()
            campaign = find_campaign(db.session(), DEMO_SLUG)
            started = time.perf_counter()
            index = suggest.build_index(db.session(), campaign.id)
            built = (time.perf_counter() - started) * 1000
        figures = evaluate(index, cases)
        median, p95 = latency(index, cases)
        print(f"cases {figures['cases']} ({figures['on_topic']} about a measure, {figures['off_topic']} about nothing "
              f"in the ledger), {len(index.codes)} measures; index built in {built:.0f} ms (jieba start included)")
        print(f"top-1 {figures['top1']:.1%}  top-3 {figures['top3']:.1%}  problem top-1 {figures['problem_top1']:.1%}")
        print(f"abstains on {figures['abstain_off_topic']:.1%} of the off-topic, {figures['abstain_on_topic']:.1%} of "
              f"the on-topic")
        print(f"suggest latency: median {median:.2f} ms, p95 {p95:.2f} ms")
        if args.misses:
            for text, expected, got in figures["misses"]:
                print(f"  {expected or '—'} ← {got}  {text[:60]}")
        if args.measures:
            with app.app_context():
                session = db.session()
                campaigns = add_campaigns(session, find_campaign(session, DEMO_SLUG), args.measures)
                total = session.scalar(select(func.count(Measure.id)))
                for label, chosen in (("the demo campaign", campaigns[:1]), (f"{len(campaigns)} campaigns", campaigns)):
                    median, p95 = service_latency(session, chosen, cases, args.requests)
                    print(f"suggest.suggest on {label} ({total:,} measures in the database, {url.split(':')[0]}): "
                          f"median {median:.2f} ms, p95 {p95:.2f} ms over {args.requests} requests")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
