"""/staff/stats over HTTP: the figures and definitions on the page, charts with names beside tables, CSV and .xlsx
downloads, the handler's department, hostile parameters refused with a message (400), never a 500."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

RANGE = "campaign=t&date_from=2021-03-01&date_to=2021-06-30"


def test_supervisor_sees_figures_charts_tables_and_definitions(client, login_as, world):
    login_as(world.supervisor)
    response = client.get(f"/staff/stats?{RANGE}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'role="img" aria-label="按渠道"' in html
    assert '<caption>各承办部门办理情况</caption>' in html
    assert "按期办结率" in html and "满意率 = （满意 + 基本满意）÷ 评价条数" in html
    assert "/staff/stats/departments.csv?" in html and "/staff/stats/departments.xlsx?" in html
    assert '<dd>7</dd>' in html  # received, duplicates and spam left out


def test_the_page_opens_on_the_default_campaign_without_parameters(client, login_as, world):
    login_as(world.supervisor)
    html = client.get("/staff/stats").get_data(as_text=True)
    assert "<caption>按渠道</caption>" in html


def test_the_staff_navigation_links_to_stats_for_the_roles_that_see_it(client, login_as, world):
    login_as(world.supervisor)
    assert 'href="/staff/stats"' in client.get("/staff/").get_data(as_text=True)
    login_as(world.clerk)
    assert 'href="/staff/stats"' not in client.get("/staff/").get_data(as_text=True)
    assert client.get("/staff/stats").status_code == 403


def test_csv_download_holds_the_table(client, login_as, world):
    login_as(world.supervisor)
    response = client.get(f"/staff/stats/departments.csv?{RANGE}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["承办部门", "收到", "已交办"]
    assert [row[0] for row in rows[1:]] == ["办公室", "组织部", "合计（含未交办）"]
    assert rows[1][1] == "3"


def test_xlsx_download_holds_the_table(client, login_as, world):
    login_as(world.supervisor)
    response = client.get(f"/staff/stats/channel.xlsx?{RANGE}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["渠道", "件数"], ["网上留言", 3], ["来电", 2], ["来信", 1], ["电子邮件", 1]]


def test_a_handler_sees_their_department_only(client, login_as, world):
    login_as(world.handler)
    response = client.get(f"/staff/stats/departments.csv?{RANGE}")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["办公室", "合计（含未交办）"]
    assert rows[-1][1] == "3"


@pytest.mark.parametrize("query", [
    "campaign=nope", "campaign=t&date_from=2021-13-45", "campaign=t&date_from=0001-01-01",
    "campaign=t&date_to=9999-12-31", "campaign=t&date_from=2021-06-01&date_to=2021-03-01", "campaign=t&period=year",
    "campaign[]=t", "campaign=t&date_from=" + "9" * 500,
])
def test_hostile_parameters_are_refused_with_a_message(client, login_as, world, query):
    login_as(world.supervisor)
    page = client.get(f"/staff/stats?{query}")
    download = client.get(f"/staff/stats/channel.csv?{query}")
    assert page.status_code == 400 and download.status_code == 400
    assert "请改正统计范围后重新统计" in page.get_data(as_text=True)
    assert download.get_data(as_text=True).strip()


def test_a_nul_byte_in_a_parameter_is_refused(client, login_as, world):
    login_as(world.supervisor)
    assert client.get("/staff/stats?campaign=t&date_from=%00").status_code == 400


def test_unknown_tables_and_formats_are_not_found(client, login_as, world):
    login_as(world.supervisor)
    assert client.get(f"/staff/stats/nothing.csv?{RANGE}").status_code == 404
    assert client.get(f"/staff/stats/channel.pdf?{RANGE}").status_code == 404
