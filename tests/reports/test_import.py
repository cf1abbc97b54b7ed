"""Importing a progress report: the stored text, declared figures and frozen snapshot, through the service and CLI."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, ProgressReport
from portal.services.ledger.campaigns import create_campaign
from portal.services.ledger.figures import campaign_figures
from portal.services.reports.importer import import_report
from portal.services.reports.repair.engine import ReportRejected

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
RAW = (DEMO / "report-2021-seed-raw.txt").read_text(encoding="utf-8")
CLEAN = (DEMO / "report-2021-zh-Hans.txt").read_text(encoding="utf-8")
DECLARED = {"categories": 5, "problems": 54, "measures": 193, "done": 170, "in_progress": 23, "rate": "88.08"}


@pytest.fixture
def campaign(session):
    campaign = create_campaign(session, "gs", "省委第八巡视组反馈意见整改落实情况", date(2020, 11, 16))
    session.commit()
    return campaign


def test_import_stores_text_as_received_repaired_body_figures_and_snapshot(session, campaign):
    version = campaign.data_version
    report = import_report(session, campaign, RAW, as_of=date(2021, 3, 31))
    session.commit()

    stored = session.scalar(select(ProgressReport))
    assert stored.id == report.id and stored.campaign_id == campaign.id
    assert stored.source_text == RAW
    assert stored.body.startswith("根据省委统一部署，2020年7月20日至9月20日，")
    assert "整体整改率88.08%" in stored.body and "(jù)" not in stored.body
    assert stored.unrepaired_count == 5
    assert {k: stored.declared[k] for k in DECLARED} == DECLARED
    assert stored.snapshot == campaign_figures(session, campaign)
    assert stored.snapshot["problems"] == 0 and "problems" in stored.mismatches
    assert stored.title == "进展通报（截至2021年3月31日）" and stored.as_of == date(2021, 3, 31)
    assert campaign.data_version == version + 1
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report.import"))
    assert event.object_id == report.id and event.details["unrepaired"] == 5


def test_import_takes_a_title_given_or_a_title_line(session, campaign):
    given = import_report(session, campaign, CLEAN, as_of=date(2021, 3, 31), title="  关于巡视整改进展情况的通报 ")
    titled = import_report(session, campaign, "中共甘肃省总工会党组关于巡视整改进展情况的通报\n" + CLEAN,
                           as_of=date(2021, 6, 30))
    assert given.title == "关于巡视整改进展情况的通报"
    assert titled.title == "中共甘肃省总工会党组关于巡视整改进展情况的通报"


def test_import_refuses_an_empty_text_and_adds_nothing(session, campaign):
    with pytest.raises(ReportRejected, match="空"):
        import_report(session, campaign, " \n ", as_of=date(2021, 3, 31))
    assert session.scalar(select(ProgressReport)) is None


def test_cli_imports_a_gb18030_file_as_received(runner, session, campaign, tmp_path):
    path = tmp_path / "通报.txt"
    path.write_bytes(RAW.encode("gb18030"))
    result = runner.invoke(args=["report", "import", str(path), "--campaign", "gs", "--as-of", "2021-03-31",
                                 "--title", "中共甘肃省总工会党组关于巡视整改进展情况的通报"])
    assert result.exit_code == 0, result.output
    assert "已导入进展通报" in result.output and "整改率88.08%" in result.output
    assert "5 处文字无法自动修复" in result.output

    session.expire_all()
    report = session.scalar(select(ProgressReport))
    assert report.title == "中共甘肃省总工会党组关于巡视整改进展情况的通报"
    assert report.source_text == RAW and report.unrepaired_count == 5
    assert {k: report.declared[k] for k in DECLARED} == DECLARED
    assert report.snapshot["campaign"] == "gs" and report.snapshot["measures"] == 0


@pytest.mark.parametrize(("content", "message"), [
    (b"", "文件是空的"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "图片"),
    (bytes(range(256)) * 8, "不是文本"),
])
def test_cli_refuses_empty_or_binary_files_in_chinese(runner, session, campaign, tmp_path, content, message):
    path = tmp_path / "report.txt"
    path.write_bytes(content)
    result = runner.invoke(args=["report", "import", str(path), "--campaign", "gs", "--as-of", "2021-03-31"])
    assert result.exit_code != 0 and message in result.output
    session.expire_all()
    assert session.scalar(select(ProgressReport)) is None


def test_cli_refuses_an_unknown_campaign(runner, campaign, tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(CLEAN, encoding="utf-8")
    result = runner.invoke(args=["report", "import", str(path), "--campaign", "nope", "--as-of", "2021-03-31"])
    assert result.exit_code != 0 and "没有标识为“nope”的整改任务" in result.output


def test_cli_lists_reports_newest_first_with_marks_and_mismatches(runner, session, campaign):
    assert "还没有进展通报" in runner.invoke(args=["report", "list", "--campaign", "gs"]).output
    import_report(session, campaign, "按規定下?lián)?、省總工會經費。", as_of=date(2021, 3, 31))
    import_report(session, campaign, CLEAN, as_of=date(2021, 6, 30), title="第二次通报")
    session.commit()

    lines = runner.invoke(args=["report", "list", "--campaign", "gs"]).output.splitlines()
    assert lines[0].split("\t")[1:3] == ["2021-06-30", "第二次通报"]
    assert "待核对" not in lines[0] and "不一致：" in lines[0]
    assert lines[1].split("\t")[1] == "2021-03-31" and lines[1].endswith("待核对1处")
