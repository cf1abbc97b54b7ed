"""flask stats: the JSON keys the README documents, the same figures as the page's downloads, clear errors, and the
main figures recomputed independently from `flask feedback export`."""
from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import datetime

import pytest

RANGE = ["--campaign", "t", "--from", "2021-03-01", "--to", "2021-06-30"]


def stats_json(runner, *args) -> dict:
    result = runner.invoke(args=["stats", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def download(client, table: str) -> list[list[str]]:
    response = client.get(f"/staff/stats/{table}.csv?campaign=t&date_from=2021-03-01&date_to=2021-06-30")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))[1:]


def test_json_has_the_documented_keys(runner, session, world):
    session.commit()
    data = stats_json(runner, *RANGE)
    assert {"received_by_channel", "received_by_kind", "by_department", "satisfaction", "received_by_period",
            "totals", "excluded", "top_problems", "top_measures", "received"} <= set(data)
    assert {"department", "assigned", "answered", "on_time_accept_rate", "on_time_answer_rate", "light",
            "overdue_now", "answered_late", "extensions", "accept_days_median", "answer_days_p90"} <= set(
        data["by_department"][0])
    assert {"satisfied", "basically_satisfied", "unsatisfied", "rated", "answered", "satisfaction_rate",
            "response_rate"} <= set(data["satisfaction"])
    assert data["received"] == 7 and data["excluded"] == {"duplicate": 1, "spam": 1}


def test_json_equals_the_page(runner, client, login_as, session, world):
    login_as(world.supervisor)
    data = stats_json(runner, *RANGE)
    departments = download(client, "departments")
    for row, department in zip(departments[:-1], data["by_department"], strict=True):
        assert row[:6] == [department["department"], str(department["received"]), str(department["assigned"]),
                           str(department["answered"]), f"{department['on_time_accept_rate']}%",
                           f"{department['on_time_answer_rate']}%"]
        assert row[6:10] == [str(department[k]) for k in ("accept_days_median", "accept_days_p90",
                                                           "answer_days_median", "answer_days_p90")]
    assert departments[-1][1] == str(data["received"])
    assert [int(row[1]) for row in download(client, "channel")] == list(data["received_by_channel"].values())
    satisfaction = {row[0]: row[1] for row in download(client, "satisfaction")}
    assert satisfaction["满意率"] == f"{data['satisfaction']['satisfaction_rate']}%"
    assert satisfaction["评价条数"] == str(data["satisfaction"]["rated"])


@pytest.mark.parametrize("args, message", [
    (["--campaign", "nope"], "没有标识为“nope”的整改任务"),
    (["--campaign", "t", "--from", "2021-02-30"], "日期“2021-02-30”无法识别"),
    (["--campaign", "t", "--from", "yesterday"], "请按 YYYY-MM-DD 填写"),
    (["--campaign", "t", "--from", "2021-06-01", "--to", "2021-03-01"], "结束日期不能早于起始日期"),
    (["--campaign", "t", "--to", "0001-01-01"], "请检查年份"),
])
def test_clear_errors(runner, session, world, args, message):
    session.commit()
    result = runner.invoke(args=["stats", *args, "--json"])
    assert result.exit_code != 0
    assert message in result.output


def test_text_summary(runner, session, world):
    session.commit()
    result = runner.invoke(args=["stats", *RANGE])
    assert result.exit_code == 0, result.output
    assert "收到7件（另有重复件1件、无效件1件不计入）" in result.output
    assert "办公室：交办3件，已答复2件" in result.output


def test_main_figures_recomputed_from_the_export(runner, session, world, tmp_path):
    """Counts by channel, kind, department and the excluded states, from the export's rows alone (the export has no
    acceptance or answer dates yet, so the on-time rates cannot be checked this way)."""
    session.commit()
    path = tmp_path / "items.csv"
    assert runner.invoke(args=["feedback", "export", str(path)]).exit_code == 0
    with path.open(encoding="utf-8-sig") as source:
        rows = list(csv.DictReader(source))
    in_range = [r for r in rows if "2021-03-01" <= datetime.fromisoformat(r["收到时间"]).date().isoformat()
                <= "2021-06-30"]
    counted = [r for r in in_range if r["状态"] not in ("重复件", "无效件")]
    data = stats_json(runner, *RANGE)
    channels = {"web": "网上留言", "phone": "来电", "letter": "来信", "email": "电子邮件"}
    kinds = {"suggestion": "建议意见", "report": "检举控告", "appeal": "申诉求决", "inquiry": "咨询", "praise": "表扬"}
    assert data["received"] == len(counted)
    assert data["received_by_channel"] == {c: sum(r["渠道"] == name for r in counted) for c, name in channels.items()}
    assert data["received_by_kind"] == {k: sum(r["类型"] == name for r in counted) for k, name in kinds.items()}
    assert data["excluded"] == {"duplicate": sum(r["状态"] == "重复件" for r in in_range),
                                "spam": sum(r["状态"] == "无效件" for r in in_range)}
    assigned = Counter(r["承办部门"] for r in counted if r["承办部门"])
    assert {d["department"]: d["assigned"] for d in data["by_department"]} == dict(assigned)
    answered = Counter(r["承办部门"] for r in counted if r["状态"] in ("已答复", "已办结", "复查中"))
    assert {d["department"]: d["answered"] for d in data["by_department"]} == dict(answered)
