"""Public pages: home, category, problem, measure and contact pages in Chinese, computed from the ledger."""
import re
from datetime import date, timedelta

import pytest

from portal.models import Campaign, Measure
from tests.public.factory import add_update, committed, seed, seed_demo


def text(response) -> str:
    return response.get_data(as_text=True)


def test_home_without_any_campaign_says_nothing_is_published(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "尚未发布整改任务" in text(response)
    assert '<html lang="zh-Hans">' in text(response)


def test_home_shows_the_demo_figures(app, client):
    seed_demo(app)
    page = text(client.get("/"))
    for figure in (">54<", ">193<", ">170<", ">23<", "88.08%"):
        assert figure in page
    assert "中共甘肃省总工会党组" in page and "省委第八巡视组" in page
    assert "2020年11月16日" in page and "2020年7月20日" in page
    assert "示例数据" in page
    assert "0931-8821762" in page and "gsghzys@163.com" in page and "兰州市东郊巷26号" in page
    assert "1个月内整改到位" in page and "3个月内取得阶段性成效并在1年内整改到位" in page
    assert "/campaigns/gansu-2020/reports/" in page


def test_home_shows_figures_by_category_and_deadline_with_text_equivalents(app, client):
    slug = seed(app, problems=3, measures=2, open_problems=(2,))
    page = text(client.get(f"/campaigns/{slug}/"))
    stats = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page))
    assert stats["问题"] == "3" and stats["整改措施"] == "6" and stats["已完成措施"] == "5"
    assert stats["正在整改措施"] == "1" and stats["措施完成率"] == "83.33%" and stats["已整改到位问题"] == "2"
    assert page.count('<svg class="bar"') == 1 + 2 + 3
    assert 'role="img" aria-label="已完成措施 5 / 6"' in page
    assert "<caption>按问题类别（方面）统计的整改措施完成情况</caption>" in page
    assert "<caption>按整改时限统计的问题整改情况</caption>" in page
    assert f'href="/campaigns/{slug}/categories/1"' in page
    assert "示例数据" not in page


def test_home_shows_the_default_campaign(app, client):
    seed(app, slug="first")
    seed(app, slug="second")
    assert "second整改任务" in text(client.get("/"))
    app.config["DEFAULT_CAMPAIGN"] = "first"
    assert "first整改任务" in text(client.get("/"))


def test_home_figures_follow_the_data_version(app, client):
    slug = seed(app, problems=2, measures=1, open_problems=(2,))
    assert "50.00%" in text(client.get(f"/campaigns/{slug}/"))
    with committed(app) as session:
        campaign = session.query(Campaign).filter_by(slug=slug).one()
        measure = next(m for p in campaign.categories[1].problems for m in p.measures)
        measure.status = "done"
        campaign.touch()
    assert "100.00%" in text(client.get(f"/campaigns/{slug}/"))


def test_category_page_lists_its_problems_with_derived_status(app, client):
    slug = seed(app, problems=4, open_problems=(2,))
    response = client.get(f"/campaigns/{slug}/categories/2")
    page = text(response)
    assert response.status_code == 200
    assert "<h1 lang=\"zh-Hans\">第2方面的问题</h1>" in page
    assert "问题2的描述" in page and "问题4的描述" in page and "问题1的描述" not in page
    assert page.count("已整改到位</span>") == 1 and "正在整改</span>" in page
    assert "已逾期" in page
    assert "2021年2月16日" in page


def test_problem_page_shows_the_problem_and_its_measures(app, client):
    slug = seed(app, problems=3, measures=3, open_problems=(2,))
    response = client.get(f"/campaigns/{slug}/problems/2")
    page = text(response)
    assert response.status_code == 200
    for expected in ("问题2的描述", "3个月内整改到位", "2021年2月16日", "党组书记、主席", "办公室、组织部",
                     "问题2的成效目标", "措施2-1：修订工作规则", "正在征求意见", "已印发执行"):
        assert expected in page
    assert "牵头领导" in page and "责任部门" in page and "成效目标" in page
    assert f'href="/campaigns/{slug}/measures/2-3"' in page
    assert "已完成</span>" in page and "正在整改</span>" in page
    assert "本问题已超过整改期限（2021年2月16日），尚未整改到位。" in page


def test_problem_not_yet_due_or_rectified_is_not_overdue(app, client):
    slug = seed(app, problems=2, open_problems=(1, 2), feedback_date=date.today() - timedelta(days=1))
    assert "已逾期" not in text(client.get(f"/campaigns/{slug}/problems/2"))
    seed(app, slug="done", problems=2, open_problems=())
    page = text(client.get("/campaigns/done/problems/2"))
    assert "已整改到位" in page and "已逾期" not in page


def test_measure_permalink_shows_its_history(app, client):
    slug = seed(app, problems=2, open_problems=(2,))
    with committed(app) as session:
        campaign = session.query(Campaign).filter_by(slug=slug).one()
        add_update(session, campaign, "2-2", "status", "done", "in_progress")
        add_update(session, campaign, "2-2", "progress_note", "已印发执行", "正在征求意见")
    response = client.get(f"/campaigns/{slug}/measures/2-2")
    page = text(response)
    assert response.status_code == 200
    assert "整改措施2-2" in page and "措施2-2：修订工作规则" in page
    assert f'href="/campaigns/{slug}/problems/2"' in page
    assert "<caption>变更记录</caption>" in page
    assert page.count("<tr>") >= 3
    assert "已印发执行" in page and "进展说明" in page


def test_measure_whose_code_has_a_slash_has_a_working_page(app, client):
    slug = seed(app, problems=2, open_problems=(2,))
    with committed(app) as session:
        campaign = session.query(Campaign).filter_by(slug=slug).one()
        session.query(Measure).filter_by(campaign_id=campaign.id, code="2-2").one().code = "2/2"
    link = f'href="/campaigns/{slug}/measures/2/2"'
    assert link in text(client.get(f"/campaigns/{slug}/problems/2"))
    response = client.get(f"/campaigns/{slug}/measures/2/2")
    assert response.status_code == 200
    assert "整改措施2/2" in text(response)


@pytest.mark.parametrize("path", [
    "/campaigns/t/problems/99", "/campaigns/t/categories/9", "/campaigns/t/measures/9-9", "/campaigns/nope/",
    "/campaigns/nope/problems/1", "/no/such/page",
])
def test_unknown_things_are_a_chinese_404(app, client, path):
    seed(app)
    response = client.get(path)
    assert response.status_code == 404
    assert "页面不存在" in text(response)
    assert '<html lang="zh-Hans">' in text(response)


def test_contact_page_lists_the_channels(app, client):
    seed(app, contact_phone="0931-8821762", contact_email="gsghzys@163.com",
         contact_address="兰州市东郊巷26号甘肃省总工会政研室")
    page = text(client.get("/contact"))
    assert 'href="tel:09318821762"' in page and 'href="mailto:gsghzys@163.com"' in page
    assert "兰州市东郊巷26号甘肃省总工会政研室" in page


def test_contact_page_without_campaign(client):
    assert "尚未发布整改任务，暂无联系方式。" in text(client.get("/contact"))


def test_pages_are_semantic_and_carry_no_inline_script_or_style(app, client):
    slug = seed(app)
    for path in ("/", f"/campaigns/{slug}/categories/1", f"/campaigns/{slug}/problems/1",
                 f"/campaigns/{slug}/measures/1-1", f"/campaigns/{slug}/reports/", "/contact", "/nope"):
        page = text(client.get(path))
        assert "<script" not in page and "style=" not in page and "<style" not in page
        for landmark in ("<header", "<nav", '<main id="main"', "<footer", "<h1", 'class="skip-link" href="#main"'):
            assert landmark in page, (path, landmark)


def test_demo_problem_35_is_in_progress(app, client):
    seed_demo(app)
    page = text(client.get("/campaigns/gansu-2020/problems/35"))
    assert "3个月内整改到位" in page and "正在整改" in page
    assert "甘肃省劳模专项补助资金发放管理办法" in page
    assert client.get("/campaigns/gansu-2020/measures/35-2").status_code == 200
