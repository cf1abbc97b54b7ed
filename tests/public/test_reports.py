"""进展通报 pages: the archive, the text as paragraphs, declared figures beside the computed snapshot."""
import re
from datetime import date

from portal.models import Campaign
from tests.public.factory import add_report, committed, seed, seed_demo

AGREEING = {"problems": 3, "measures": 6, "done": 5, "in_progress": 1, "rate": "83.33"}


def publish(app, slug: str, declared: dict, **kwargs) -> int:
    with committed(app) as session:
        campaign = session.query(Campaign).filter_by(slug=slug).one()
        return add_report(session, campaign, declared, **kwargs).id


def test_report_archive_lists_reports_newest_first(app, client):
    slug = seed(app)
    publish(app, slug, AGREEING, as_of=date(2021, 3, 31))
    publish(app, slug, {**AGREEING, "done": 6}, as_of=date(2021, 6, 30))
    page = client.get(f"/campaigns/{slug}/reports/").get_data(as_text=True)
    assert page.index("2021年6月30日") < page.index("2021年3月31日")
    assert page.count("通报数字与台账计算结果不一致") == 1


def test_report_page_shows_declared_beside_computed_and_flags_the_disagreement(app, client):
    slug = seed(app)
    report_id = publish(app, slug, {**AGREEING, "done": 6})
    response = client.get(f"/campaigns/{slug}/reports/{report_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "通报所列数字有1项与台账计算结果不一致" in page
    row = page[page.index('<tr class="mismatch">'):]
    row = row[:row.index("</tr>")]
    assert "已完成措施" in row and ">6<" in row and ">5<" in row and "不一致" in row
    assert page.count('class="mismatch"') == 1


def test_report_whose_figures_agree_says_so(app, client):
    slug = seed(app)
    report_id = publish(app, slug, AGREEING)
    page = client.get(f"/campaigns/{slug}/reports/{report_id}").get_data(as_text=True)
    assert "通报所列数字与台账计算结果一致。" in page
    assert "mismatch" not in page
    assert "83.33" in page


def test_report_text_is_paragraphs_with_unrepaired_stretches_marked(app, client):
    slug = seed(app)
    body = "一、整改进展\n\n截至3月底，【待核对：鐪佹€诲厷缁】已整改到位。\n二、下一步"
    report_id = publish(app, slug, AGREEING, body=body, unrepaired=1)
    page = client.get(f"/campaigns/{slug}/reports/{report_id}").get_data(as_text=True)
    assert '<p id="p1">一、整改进展</p>' in page and '<p id="p3">二、下一步</p>' in page
    assert '<a href="#p1" lang="zh-Hans">一、整改进展</a>' in page and '<a href="#p3" lang="zh-Hans">二、下一步</a>' in page
    assert '截至3月底，<mark class="unrepaired">【待核对：鐪佹€诲厷缁】</mark>已整改到位。' in page
    assert "本通报有1处文字未能自动修复" in page


def test_home_links_the_latest_report(app, client):
    slug = seed(app)
    publish(app, slug, AGREEING, as_of=date(2021, 3, 31))
    latest = publish(app, slug, AGREEING, as_of=date(2021, 6, 30))
    page = client.get(f"/campaigns/{slug}/").get_data(as_text=True)
    assert f'href="/campaigns/{slug}/reports/{latest}"' in page and "截至2021年6月30日" in page


def test_unknown_report_is_404(app, client):
    slug = seed(app)
    other = seed(app, slug="other")
    report_id = publish(app, other, AGREEING)
    assert client.get(f"/campaigns/{slug}/reports/{report_id}").status_code == 404
    assert client.get(f"/campaigns/{slug}/reports/999").status_code == 404


def test_demo_report_agrees_with_the_ledger(app, client):
    seed_demo(app)
    archive = client.get("/campaigns/gansu-2020/reports/").get_data(as_text=True)
    assert "中共甘肃省总工会党组关于巡视整改进展情况的通报" in archive
    report_path = re.search(r'href="(/campaigns/gansu-2020/reports/\d+)"', archive).group(1)
    page = client.get(report_path).get_data(as_text=True)
    assert "截至2021年3月31日" in page
    assert "通报所列数字与台账计算结果一致。" in page
    assert "88.08" in page and "193" in page
    assert "“3个月内整改到位”</th>" in page


def test_a_deadline_class_is_checked_on_the_figures_the_report_states(app, client):
    slug = seed(app)
    stated = [{"label": "3个月内整改到位", "problems": 1, "rectified": 1},
              {"label": "1个月内整改到位", "problems": 1}]
    report_id = publish(app, slug, {**AGREEING, "deadline_classes": stated})
    page = client.get(f"/campaigns/{slug}/reports/{report_id}").get_data(as_text=True)
    assert "通报所列数字有1项与台账计算结果不一致" in page
    group = page[page.index("“3个月内整改到位”</th>"):]
    group = group[:group.index("</tbody>")]
    row = group[group.index('<tr class="mismatch">'):]
    assert "已整改到位" in row[:row.index("</tr>")]
    assert "“1个月内整改到位”</th>" in page
    assert "通报数字与台账计算结果不一致" in client.get(f"/campaigns/{slug}/reports/").get_data(as_text=True)
