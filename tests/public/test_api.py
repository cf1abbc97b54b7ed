"""Open data API: figures, problems and measures as JSON and as CSV (UTF-8 with BOM)."""
import csv
import io

import pytest

from portal import db
from portal.models import Campaign
from portal.services.ledger import open_data
from portal.services.ledger.figures import campaign_figures
from tests.public.factory import committed, count_queries, seed, seed_demo


def read_csv(response) -> list[dict]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_figures_are_exactly_the_figures_module_dict(app, client):
    slug = seed(app, problems=5, open_problems=(2, 3))
    response = client.get(f"/api/v1/campaigns/{slug}/figures")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    with committed(app) as session:
        expected = campaign_figures(session, session.query(Campaign).filter_by(slug=slug).one())
    assert response.get_json() == expected
    assert "第1方面的问题" in response.get_data(as_text=True)


def test_problems_json_has_the_derived_status(app, client):
    slug = seed(app, problems=3, measures=2, open_problems=(2,))
    problems = client.get(f"/api/v1/campaigns/{slug}/problems").get_json()
    assert [p["number"] for p in problems] == [1, 2, 3]
    second = problems[1]
    assert second == {
        "number": 2, "category": "第2方面的问题", "description": "问题2的描述：制度不健全。",
        "deadline_label": "3个月内整改到位", "due_date": "2021-02-16", "lead_leader": "党组书记、主席",
        "departments": "办公室、组织部", "goal": "问题2的成效目标", "measures": 2, "done": 1,
        "rectified": False, "overdue": True,
    }
    assert problems[0]["rectified"] is True and problems[0]["overdue"] is False


def test_measures_json(app, client):
    slug = seed(app, problems=2, measures=2, open_problems=(2,))
    measures = client.get(f"/api/v1/campaigns/{slug}/measures").get_json()
    assert [m["code"] for m in measures] == ["1-1", "1-2", "2-1", "2-2"]
    assert measures[3] == {"code": "2-2", "problem": 2, "text": "措施2-2：修订工作规则", "status": "in_progress",
                           "completed_on": None, "progress_note": "正在征求意见"}
    assert measures[0]["status"] == "done" and measures[0]["completed_on"] == "2020-12-17"


def test_csv_variants_carry_the_same_rows_with_chinese_headers(app, client):
    slug = seed(app, problems=2, measures=2, open_problems=(2,))
    response = client.get(f"/api/v1/campaigns/{slug}/problems.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{slug}-problems.csv"' in response.headers["Content-Disposition"]
    problems = read_csv(response)
    assert problems[1]["问题编号"] == "2" and problems[1]["已整改到位"] == "false" and problems[1]["已逾期"] == "true"
    assert problems[1]["整改期限"] == "2021-02-16" and problems[1]["责任部门"] == "办公室、组织部"

    measures = read_csv(client.get(f"/api/v1/campaigns/{slug}/measures.csv"))
    assert measures[3] == {"措施编号": "2-2", "问题编号": "2", "整改措施": "措施2-2：修订工作规则",
                           "完成情况": "in_progress", "完成时间": "", "进展说明": "正在征求意见"}

    figures = read_csv(client.get(f"/api/v1/campaigns/{slug}/figures.csv"))
    assert figures[0]["范围"] == "总计" and figures[0]["问题数"] == "2" and figures[0]["整改措施数"] == "4"
    assert figures[0]["已完成措施数"] == "3" and figures[0]["措施完成率(%)"] == "75.00"
    assert [row["范围"] for row in figures] == ["总计", "方面", "方面", "整改时限", "整改时限"]


def test_csv_quotes_text_a_spreadsheet_would_run(app, client):
    slug = seed(app, problems=1)
    with committed(app) as session:
        campaign = session.query(Campaign).filter_by(slug=slug).one()
        campaign.categories[0].problems[0].goal = "=HYPERLINK(\"http://x\")"
    rows = read_csv(client.get(f"/api/v1/campaigns/{slug}/problems.csv"))
    assert rows[0]["成效目标"] == "'=HYPERLINK(\"http://x\")"


@pytest.mark.parametrize("path", ["figures", "figures.csv", "problems", "problems.csv", "measures", "measures.csv"])
def test_unknown_campaign_is_a_json_404(client, path):
    response = client.get(f"/api/v1/campaigns/nope/{path}")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_demo_open_data(app, client):
    seed_demo(app)
    figures = client.get("/api/v1/campaigns/gansu-2020/figures").get_json()
    assert (figures["problems"], figures["measures"], figures["done"], figures["in_progress"], figures["rate"]) == (
        54, 193, 170, 23, "88.08")
    problems = client.get("/api/v1/campaigns/gansu-2020/problems").get_json()
    assert len(problems) == 54 and sum(p["done"] for p in problems) == 170
    assert sum(p["rectified"] for p in problems) == figures["rectified_problems"]
    measures = read_csv(client.get("/api/v1/campaigns/gansu-2020/measures.csv"))
    assert len(measures) == 193 and sum(m["完成情况"] == "done" for m in measures) == 170


def test_a_list_longer_than_a_page_is_paginated_with_links_and_the_total(app, client):
    slug = seed(app, problems=3, measures=2, open_problems=(2,))
    first = client.get(f"/api/v1/campaigns/{slug}/measures?per_page=4")
    assert [m["code"] for m in first.get_json()] == ["1-1", "1-2", "2-1", "2-2"]
    assert first.headers["X-Total-Count"] == "6"
    base = f"/api/v1/campaigns/{slug}/measures"
    assert first.headers["Link"] == (f'<{base}?page=1&per_page=4>; rel="first", <{base}?page=2&per_page=4>; '
                                     f'rel="next", <{base}?page=2&per_page=4>; rel="last"')
    assert {"Link", "X-Total-Count"} <= {h.strip() for h in first.headers["Access-Control-Expose-Headers"].split(",")}
    second = client.get(f"{base}?page=2&per_page=4")
    assert [m["code"] for m in second.get_json()] == ["3-1", "3-2"]
    assert second.headers["Link"] == (f'<{base}?page=1&per_page=4>; rel="first", <{base}?page=1&per_page=4>; '
                                      f'rel="prev", <{base}?page=2&per_page=4>; rel="last"')
    assert first.get_json() + second.get_json() == client.get(base).get_json()


def test_problems_pages_keep_each_problems_derived_status(app, client):
    slug = seed(app, problems=3, measures=2, open_problems=(2,))
    whole = client.get(f"/api/v1/campaigns/{slug}/problems").get_json()
    pages = [client.get(f"/api/v1/campaigns/{slug}/problems?page={n}&per_page=2") for n in (1, 2, 3)]
    assert [p.headers["X-Total-Count"] for p in pages] == ["3", "3", "3"]
    assert pages[0].get_json() + pages[1].get_json() == whole and pages[2].get_json() == []
    assert [p["rectified"] for p in whole] == [True, False, True]


@pytest.mark.parametrize("query, per_page", [("per_page=100000", open_data.PER_PAGE),
                                             ("per_page=0", open_data.PER_PAGE),
                                             ("per_page=abc", open_data.PER_PAGE), ("per_page=1", 1)])
def test_page_size_is_bounded(app, client, query, per_page):
    slug = seed(app, problems=2, measures=1)
    response = client.get(f"/api/v1/campaigns/{slug}/measures?{query}")
    assert len(response.get_json()) == min(2, per_page)
    assert f"per_page={per_page}>" in response.headers["Link"]


def test_demo_lists_are_one_page_as_before(app, client):
    seed_demo(app)
    response = client.get("/api/v1/campaigns/gansu-2020/measures")
    assert len(response.get_json()) == 193 and response.headers["X-Total-Count"] == "193"
    assert 'rel="next"' not in response.headers["Link"]
    assert len(client.get("/api/v1/campaigns/gansu-2020/problems").get_json()) == 54


@pytest.mark.parametrize("kind, columns", [("measures", open_data.MEASURE_COLUMNS),
                                           ("problems", open_data.PROBLEM_COLUMNS)])
def test_demo_csv_is_streamed_in_chunks_and_equals_the_csv_of_the_whole_list(app, client, monkeypatch, kind, columns):
    """The CSV as it was built whole before it was streamed: the JSON list through the same writer."""
    seed_demo(app)
    monkeypatch.setattr(open_data, "CHUNK", 20)
    response = client.get(f"/api/v1/campaigns/gansu-2020/{kind}.csv", buffered=False)
    assert response.is_streamed
    chunks = list(response.response)
    response.close()
    assert len(chunks) > 3 and chunks[0].startswith(b"\xef\xbb\xbf")
    whole = client.get(f"/api/v1/campaigns/gansu-2020/{kind}").get_json()
    assert b"".join(chunks) == open_data.to_csv(columns, whole)


def test_streamed_csv_is_validated_like_every_public_response(app, client):
    slug = seed(app, problems=2, measures=2)
    response = client.get(f"/api/v1/campaigns/{slug}/measures.csv")
    assert response.status_code == 200 and response.headers["ETag"]
    assert "public" in response.headers["Cache-Control"]
    again = client.get(f"/api/v1/campaigns/{slug}/measures.csv", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    since = client.get(f"/api/v1/campaigns/{slug}/measures.csv",
                       headers={"If-Modified-Since": response.headers["Last-Modified"]})
    assert since.status_code == 304


@pytest.mark.parametrize("kind", ["measures", "problems"])
def test_a_streamed_csv_gives_its_database_connection_back(app, client, kind):
    slug = seed(app, problems=3, measures=2)
    with app.app_context():
        pool = db.engine().pool
    for _ in range(3):
        response = client.get(f"/api/v1/campaigns/{slug}/{kind}.csv", buffered=False)
        assert b"".join(response.response).count(b"\r\n") == 1 + (6 if kind == "measures" else 3)
        response.close()
        assert pool.checkedout() == 0


@pytest.mark.parametrize("kind", ["measures", "problems"])
def test_a_csv_that_streamed_whole_is_served_again_without_the_database(app, client, kind):
    """Kept once sent (it is short): the next download is the same bytes with no statement but the data versions'."""
    slug = seed(app, problems=3, measures=2)
    first = client.get(f"/api/v1/campaigns/{slug}/{kind}.csv")
    body = first.get_data()  # sent whole, as a server sends it before its next request
    with count_queries(app) as statements:
        again = client.get(f"/api/v1/campaigns/{slug}/{kind}.csv")
    assert again.status_code == 200
    assert again.get_data() == body and again.headers["ETag"] == first.headers["ETag"]
    assert len(statements) <= 1
    assert client.get(f"/api/v1/campaigns/{slug}/{kind}.csv",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_a_csv_longer_than_the_store_limit_streams_every_time(app, client):
    slug = seed(app, problems=3, measures=2)
    app.config["PUBLIC_STREAM_STORE_BYTES"] = 100
    body = client.get(f"/api/v1/campaigns/{slug}/measures.csv").get_data()
    assert len(body) > 100
    with count_queries(app) as statements:
        again = client.get(f"/api/v1/campaigns/{slug}/measures.csv", buffered=False)
        assert b"".join(again.response) == body
        again.close()
    assert len(statements) > 1


def test_an_interrupted_download_is_not_kept(app, client, monkeypatch):
    seed_demo(app)
    monkeypatch.setattr(open_data, "CHUNK", 20)
    url = "/api/v1/campaigns/gansu-2020/measures.csv"
    cut = client.get(url, buffered=False)
    next(iter(cut.response))
    cut.close()
    with count_queries(app) as statements:
        whole = client.get(url, buffered=False)
        body = b"".join(whole.response)
        whole.close()
    assert len(statements) > 1  # read from the database again: nothing was kept of the cut download
    with count_queries(app) as statements:
        assert client.get(url).get_data() == body
    assert len(statements) <= 1
