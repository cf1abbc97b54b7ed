"""The public side of the ledger in pages: 台账数据截至 wherever figures show, the completion rate chart with its
table, the 问题清单 and category pages filtered by 责任部门 and 牵头领导, and the home page's list of campaigns."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from portal.models import Campaign
from portal.public.svg_trend import rate_chart
from portal.services.accounts.users import create_user
from portal.services.ledger import rechecks
from portal.services.ledger.campaign_office import CampaignDetails, create, show_on_home
from portal.services.ledger.trend import RatePoint
from tests.public.factory import committed, count_queries, seed, seed_demo


def text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def problem_numbers(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<th scope="row" class="num"><a href="[^"]*/problems/(\d+)"', page)]


def test_every_page_with_figures_says_when_the_ledger_last_changed(app, client):
    slug = seed_demo(app)
    for url in ("/", f"/campaigns/{slug}/", f"/campaigns/{slug}/categories/1", f"/campaigns/{slug}/problems/35",
                f"/campaigns/{slug}/measures/35-1", f"/campaigns/{slug}/problems/", f"/campaigns/{slug}/progress"):
        assert '<p class="as-of">台账数据截至 2021年3月31日</p>' in text(client.get(url)), url
    english = text(client.get(f"/campaigns/{slug}/", headers={"Accept-Language": "en"}))
    assert '<p class="as-of">Ledger data as of March 31, 2021</p>' in english


def test_a_campaign_whose_ledger_never_changed_shows_no_date(app, client):
    slug = seed(app)  # built without history
    assert "台账数据截至" not in text(client.get(f"/campaigns/{slug}/"))


def test_a_recorded_recheck_moves_the_date_on_the_cached_pages(app, client):
    slug = seed_demo(app)
    url = f"/campaigns/{slug}/measures/1-1"
    assert "台账数据截至 2021年3月31日" in text(client.get(url))
    with committed(app) as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
        (recheck,) = rechecks.schedule(session, campaign, date(2021, 9, 1), actor="整改办", codes=["1-1"],
                                       today=date(2021, 8, 1))
        rechecks.record(session, recheck, "held", "制度执行良好。", actor="整改办",
                        now=datetime(2021, 9, 1, 2, 0, tzinfo=UTC))
    assert "台账数据截至 2021年9月1日" in text(client.get(url))
    assert "台账数据截至 2021年9月1日" in text(client.get(f"/campaigns/{slug}/"))


def test_the_progress_page_draws_the_rate_with_a_table_of_every_point(app, client):
    slug = seed_demo(app)
    home = text(client.get(f"/campaigns/{slug}/"))
    assert f'href="/campaigns/{slug}/progress">整改完成率变化图</a>' in home
    page = text(client.get(f"/campaigns/{slug}/progress"))
    chart = re.search(r'<svg class="chart trend-chart".*?</svg>', page, re.S).group(0)
    assert 'role="img" aria-labelledby="trend-title trend-desc"' in chart
    assert '<title id="trend-title">整改完成率变化图</title>' in chart
    assert "2021年3月31日的完成率为88.08%" in chart
    assert chart.count('class="chart-point"') == 1 and chart.count('class="chart-report"') >= 1
    table = re.search(r'<table class="data stack trend-table">.*?</table>', page, re.S).group(0)
    rows = re.findall(r"<tr>\s*<th scope=\"row\" class=\"date\">(.*?)</th>(.*?)</tr>", table, re.S)
    assert rows[0][0] == "2021年3月31日" and "整改台账" in rows[0][1] and "88.08%" in rows[0][1]
    assert any("进展通报：" in cells and f"/campaigns/{slug}/reports/" in cells for _day, cells in rows[1:])
    assert "<script" not in page
    english = text(client.get(f"/campaigns/{slug}/progress", headers={"Accept-Language": "en"}))
    assert "<title id=\"trend-title\">Chart of the completion rate over time</title>" in english
    assert "On March 31, 2021 the completion rate was 88.08%" in english


def test_a_campaign_without_history_has_an_empty_chart_page(app, client):
    slug = seed(app)
    page = text(client.get(f"/campaigns/{slug}/progress"))
    assert "整改台账尚无记录，暂无完成率变化。" in page and "<svg" not in page.split("</header>", 1)[1]


def test_the_problem_list_narrows_by_department_and_leader_with_counts(app, client):
    slug = seed_demo(app)
    url = f"/campaigns/{slug}/problems/"
    everything = text(client.get(url))
    assert "共54个问题、193条措施" in everything and len(problem_numbers(everything)) == 54
    assert "清除筛选" not in everything
    office = text(client.get(url, query_string={"department": "办公室"}))
    numbers = problem_numbers(office)
    assert 0 < len(numbers) < 54
    assert re.search(rf"筛选结果：共{len(numbers)}个问题、\d+条措施", office)
    assert '<option value="办公室" lang="zh-Hans" selected>办公室</option>' in office
    assert f'<a href="{url}">清除筛选</a>' in office
    leaders = re.findall(r'<option value="([^"]+)" lang="zh-Hans">', everything.split('name="leader"', 1)[1])
    both = text(client.get(url, query_string={"department": "办公室", "leader": leaders[0]}))
    assert set(problem_numbers(both)) <= set(numbers)


def test_an_unknown_or_hostile_filter_is_an_empty_result_or_a_400(app, client):
    slug = seed_demo(app)
    for query in ({"department": "不存在的部门"}, {"leader": "<script>alert(1)</script>"}, {"department": "办"}):
        page = text(client.get(f"/campaigns/{slug}/problems/", query_string=query))
        assert "筛选结果：共0个问题、0条措施" in page and "没有符合筛选条件的问题。" in page
        assert "<script>alert(1)</script>" not in page
    assert client.get(f"/campaigns/{slug}/problems/?department=%00").status_code == 400
    category = text(client.get(f"/campaigns/{slug}/categories/1", query_string={"department": "不存在的部门"}))
    assert "没有符合筛选条件的问题。" in category


def test_the_category_page_filters_its_own_problems(app, client):
    slug = seed_demo(app)
    url = f"/campaigns/{slug}/categories/1"
    all_here = problem_numbers(text(client.get(url)))
    office = text(client.get(url, query_string={"department": "办公室"}))
    narrowed = problem_numbers(office)
    assert narrowed and set(narrowed) < set(all_here)
    assert f'<form method="get" action="{url}" class="ledger-filter">' in office


def test_filtered_pages_are_cached_per_query(app, client):
    slug = seed_demo(app)
    url = f"/campaigns/{slug}/problems/"
    client.get(url, query_string={"department": "办公室"})
    with count_queries(app) as statements:
        cached = text(client.get(url, query_string={"department": "办公室"}))
    assert len(statements) == 1
    assert "筛选结果" in cached and "筛选结果" not in text(client.get(url))


def test_home_lists_every_campaign_when_there_are_several_the_shown_one_first(app, client):
    slug = seed_demo(app)
    assert "全部整改任务" not in text(client.get("/"))
    with committed(app) as session:
        office = create_user(session, "office@example.org", "整改办", "rectification", "correct horse 1")
        second = create(session, office, "round-2", CampaignDetails("第二轮巡视整改", date(2022, 5, 1),
                                                                    unit="某市总工会党组"))
        show_on_home(session, office, session.scalar(select(Campaign).where(Campaign.slug == slug)))
        assert second.slug == "round-2"
    page = text(client.get("/"))
    with committed(app) as session:
        title = session.scalar(select(Campaign.title).where(Campaign.slug == slug))
    assert page.index(f'<h1 lang="zh-Hans">{title}</h1>') < page.index("全部整改任务")  # shown in full, first
    table = re.search(r'<table class="data stack campaign-table">.*?</table>', page, re.S).group(0)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S)
    assert [re.search(r'/campaigns/([^/]+)/', head).group(1) for head, _cells in rows] == [slug, "round-2"]
    assert "193" in rows[0][1] and "170" in rows[0][1] and "88.08%" in rows[0][1] and "2021年3月31日" in rows[0][1]
    assert "某市总工会党组" in rows[1][1] and "0.00%" in rows[1][1] and "尚无台账" in rows[1][1]
    assert "全部整改任务" not in text(client.get(f"/campaigns/{slug}/"))
    english = text(client.get("/", headers={"Accept-Language": "en"}))
    assert "All campaigns" in english and "No ledger yet" in english


def test_the_chart_runs_time_left_to_right_and_the_rate_bottom_to_top():
    ledger = [RatePoint(date(2021, 1, 1), 4, 1, "25.00"), RatePoint(date(2021, 3, 1), 4, 4, "100.00")]
    reports = [RatePoint(date(2021, 1, 31), 4, 2, "50.00", 7, "通报")]
    svg = str(rate_chart("完成率", ledger, reports, "从25%到100%"))
    assert '<polyline class="chart-line" points="48.0,174.0 624.0,12.0"/>' in svg
    assert '<rect class="chart-report" x="336.4" y="115.5" width="9" height="9"/>' in svg  # 30 of 59 days, 50 %
    assert '<title id="trend-title">完成率</title><desc id="trend-desc">从25%到100%</desc>' in svg
    assert ">2021-01-01</text>" in svg and ">2021-03-01</text>" in svg


def test_a_relapse_moves_the_home_figures_the_chart_and_the_date_together(app, client):
    slug = seed_demo(app)
    stats = lambda page: dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page))  # noqa: E731
    assert stats(text(client.get(f"/campaigns/{slug}/")))["已完成措施"] == "170"
    with committed(app) as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
        (recheck,) = rechecks.schedule(session, campaign, date(2021, 9, 1), actor="整改办", codes=["1-1"],
                                       today=date(2021, 8, 1))
        rechecks.record(session, recheck, "relapsed", "问题再次出现。", actor="整改办",
                        now=datetime(2021, 9, 1, 2, 0, tzinfo=UTC))
    page = text(client.get(f"/campaigns/{slug}/"))
    assert stats(page)["已完成措施"] == "169" and "台账数据截至 2021年9月1日" in page
    chart = text(client.get(f"/campaigns/{slug}/progress"))
    assert chart.count('class="chart-point"') == 2 and "87.56%" in chart


def test_a_campaign_without_problems_says_so_rather_than_blaming_the_filter(app, client):
    slug = seed(app, problems=0)
    page = text(client.get(f"/campaigns/{slug}/problems/"))
    assert "尚未导入整改台账，暂无问题。" in page and "没有符合筛选条件的问题。" not in page
    assert "共0个问题、0条措施" in page
    english = text(client.get(f"/campaigns/{slug}/problems/", headers={"Accept-Language": "en"}))
    assert "No ledger has been imported yet, so there are no problems." in english
