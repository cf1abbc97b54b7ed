"""flask demo load: the founding campaign with its sample ledger, report, accounts and items — once."""
import json
from pathlib import Path

from sqlalchemy import func, select

from portal.models import FeedbackItem, ProgressReport, User


def test_demo_load_creates_the_founding_campaign_once(app, runner, session):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "gansu-2020" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "未重复载入" in second.output

    figures = json.loads(runner.invoke(args=["figures", "--campaign", "gansu-2020", "--json"]).output)
    assert (figures["problems"], figures["measures"], figures["done"], figures["in_progress"], figures["rate"]) == (
        54, 193, 170, 23, "88.08")
    report = session.scalar(select(ProgressReport))
    assert report.as_of.isoformat() == "2021-03-31" and report.mismatches == []
    assert session.scalar(select(func.count(FeedbackItem.id))) == 5
    assert session.scalar(select(func.count(User.id))) == 7


def test_demo_accounts_are_written_to_a_private_file(app, runner):
    runner.invoke(args=["demo", "load"])
    path = Path(app.instance_path) / "demo-accounts.txt"
    assert path.stat().st_mode & 0o077 == 0
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    assert {line.split("\t")[0] for line in lines} == {"admin", "clerk", "triager", "handler", "research", "supervisor",
                                                      "rectification"}
