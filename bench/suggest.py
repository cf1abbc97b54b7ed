"""措施推荐的评测: top-1/top-3 accuracy, problem top-1, abstention, and latency, on bench/data/suggest_eval.jsonl.

Usage: bench/suggest [--eval FILE] [--measures N]   (N > 0 adds synthetic campaigns up to N measures for latency)
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from portal import create_app, db  # noqa: E402
from portal.models import Base  # noqa: E402
from portal.services.feedback import suggest  # noqa: E402
from portal.services.ledger.campaigns import find_campaign  # noqa: E402
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--misses", action="store_true", help="print every miss")
    args = parser.parse_args()
    cases = [json.loads(line) for line in args.eval.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
