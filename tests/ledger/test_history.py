"""Figures as of a date, replayed from the ledger's history: what the portal published at the end of any day — the
figures every demo report declares on its date, an earlier import's figures after a later one, a 回头看 reopening
a measure from its day on — and `flask figures --as-of`."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import select

from portal.models import ProgressReport
from portal.services.ledger import rechecks
from portal.services.ledger.figures import campaign_figures
from portal.services.ledger.history import figures_as_of
from portal.services.ledger.importer import import_ledger
from portal.services.ops.demo import load_demo
from portal.services.reports.figures import declared_figures
from tests import ledger_files

ZONE = "Asia/Shanghai"


def as_of(session, campaign, day: date) -> dict:
    figures = figures_as_of(session, campaign, day, ZONE)
    assert figures.pop("as_of") == day.isoformat()
    return figures


def test_every_demo_report_declares_the_figures_replayed_for_its_date(session):
    campaign = load_demo(session)
    session.commit()
    reports = session.scalars(select(ProgressReport).where(ProgressReport.campaign_id == campaign.id)).all()
    assert reports
    for report in reports:
        replayed = as_of(session, campaign, report.as_of)
        declared = declared_figures(report.body)
        assert declared.keys() >= {"problems", "measures", "done", "rate"}
        for key, value in declared.items():
            if key == "deadline_classes":
                for declared_class in value:
                    (found,) = [c for c in replayed[key] if c["label"] == declared_class["label"]]
                    assert {k: found[k] for k in declared_class} == declared_class
            else:
                assert replayed[key] == value, key
        assert replayed == campaign_figures(session, campaign)


def test_before_the_first_import_nothing_was_published(session):
    campaign = load_demo(session)
    session.commit()
    before = as_of(session, campaign, date(2021, 3, 30))
    assert (before["categories"], before["problems"], before["measures"], before["rate"]) == (0, 0, 0, "0.00")


def test_an_earlier_imports_figures_are_replayed_after_a_later_import_changed_them(session, tmp_path):
    campaign = ledger_files.campaign(session)
    first = datetime(2021, 1, 10, 4, 0, tzinfo=UTC)
    import_ledger(session, campaign, ledger_files.write_csv(tmp_path / "v1.csv", ledger_files.ROWS), actor="导入",
                  recorded_at=first)
    session.commit()
    published_then = campaign_figures(session, campaign)
    rows = [list(row) for row in ledger_files.ROWS]
    rows[1][10:12] = ["已完成", "2021-02-01"]
    rows.append([4, ledger_files.CAT_B, 2, "会议偏多", "3个月内整改到位", "副主席", "组织部、办公室", "", "2-2",
                 "建立会议审批制度", "正在整改", "", ""])
    import_ledger(session, campaign, ledger_files.write_csv(tmp_path / "v2.csv", rows), actor="导入",
                  recorded_at=datetime(2021, 2, 5, 4, 0, tzinfo=UTC))
    session.commit()
    assert as_of(session, campaign, date(2021, 1, 10)) == published_then
    assert as_of(session, campaign, date(2021, 2, 4)) == published_then
    now = as_of(session, campaign, date(2021, 2, 5))
    assert now == campaign_figures(session, campaign)
    assert (now["measures"], now["done"], now["rectified_problems"]) == (4, 3, 1)
    assert (published_then["measures"], published_then["done"], published_then["rectified_problems"]) == (3, 2, 1)


def test_a_recheck_that_reopens_a_measure_changes_the_figures_from_its_day_on(session, tmp_path):
    campaign = ledger_files.campaign(session)
    import_ledger(session, campaign, ledger_files.write_csv(tmp_path / "v1.csv", ledger_files.ROWS), actor="导入",
                  recorded_at=datetime(2021, 1, 10, 4, 0, tzinfo=UTC))
    before = campaign_figures(session, campaign)
    (recheck,) = rechecks.schedule(session, campaign, date(2021, 6, 1), actor="整改办", codes=["1-1"],
                                   today=date(2021, 5, 1))
    rechecks.record(session, recheck, "relapsed", "又出现了。", actor="整改办",
                    now=datetime(2021, 6, 1, 2, 0, tzinfo=UTC))
    session.commit()
    assert as_of(session, campaign, date(2021, 5, 31)) == before
    after = as_of(session, campaign, date(2021, 6, 1))
    assert after == campaign_figures(session, campaign)
    assert (after["done"], before["done"]) == (1, 2)


def test_flask_figures_as_of_prints_the_replayed_figures(runner, session):
    load_demo(session)
    session.commit()
    result = runner.invoke(args=["figures", "--campaign", "gansu-2020", "--as-of", "2021-03-31", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert (figures["as_of"], figures["measures"], figures["done"], figures["rate"]) == ("2021-03-31", 193, 170,
                                                                                          "88.08")
    text = runner.invoke(args=["figures", "--campaign", "gansu-2020", "--as-of", "2021-03-01"])
    assert "截至2021年3月1日（按台账变更记录重算）：" in text.output and "0条措施" in text.output
    bad = runner.invoke(args=["figures", "--campaign", "gansu-2020", "--as-of", "2021-02-30"])
    assert bad.exit_code == 2 and "不是日期" in bad.output
