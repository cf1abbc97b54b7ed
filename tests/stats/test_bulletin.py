"""The monthly 通报: a Word document whose every figure is /staff/stats's for that month, to the digit; its lists of
overdue and unsatisfied items; the command, the button's route, and their refusals."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from portal.models import AuditEvent
from portal.services.common.clocks import ClockSettings
from portal.services.stats import bulletin_pdf
from portal.services.stats import figures as stats_figures
from portal.services.stats.bulletin import month_range
from portal.services.stats.bulletin_docx import bulletin_docx
from portal.services.stats.figures import StatsScope
from portal.services.stats.lights import LightThresholds
from portal.services.stats.scope import StatsScopeError
from portal.services.stats.tables import percent

from .conftest import TODAY


def read(body: bytes) -> tuple[str, list[list[list[str]]]]:
    """The document's paragraphs as one text, and its tables as rows of cell texts."""
    document = Document(io.BytesIO(body))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    return text, [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def march(app, session, world):
    with app.test_request_context():
        body = bulletin_docx(session, world.campaign, "2021-03", ClockSettings(), LightThresholds(), TODAY)
        figures = stats_figures.compute(session, None, StatsScope(world.campaign, date(2021, 3, 1),
                                                                  date(2021, 3, 31), "week"),
                                        ClockSettings(), LightThresholds(), TODAY)
    return read(body), figures


def test_every_figure_is_the_pages_figure_for_the_month(app, session, world):
    (text, tables), figures = march(app, session, world)
    totals, s = figures.totals, figures.satisfaction
    assert "关于2021年3月群众意见建议办理情况的通报" in text
    assert "统计期间：2021年3月1日至2021年3月31日；数据截至2021年6月30日" in text
    assert f"本月共收到群众意见建议{totals.received}件" in text and totals.received == 4
    assert (f"已受理{totals.accepted}件，按期受理率{percent(totals.on_time_accept_rate)}；已答复{totals.answered}件，"
            f"按期办结率{percent(totals.on_time_answer_rate)}；当前逾期{totals.overdue_now}件") in text
    assert (f"群众对{s.answered}件答复作出评价{s.rated}条，其中满意{s.satisfied}条、基本满意{s.basically_satisfied}条、"
            f"不满意{s.unsatisfied}条，满意率{percent(s.satisfaction_rate)}") in text
    assert "另有重复件1件、无效件1件，不计入以上统计" in text
    departments = tables[0]
    assert departments[0][:6] == ["承办部门", "收到", "已交办", "已答复", "按期受理率", "按期办结率"]
    for row, department in zip(departments[1:], figures.by_department, strict=False):
        h = department.handling
        assert row == [department.department, str(h.received), str(h.assigned), str(h.answered),
                       percent(h.on_time_accept_rate), percent(h.on_time_answer_rate), str(h.overdue_now),
                       percent(department.satisfaction.satisfaction_rate),
                       {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}[department.light]]
    assert departments[-1][:4] == ["合计（含未交办）", str(totals.received), str(totals.assigned), str(totals.answered)]
    assert len(departments) == len(figures.by_department) + 2


def test_hot_problems_samples_and_the_lists_of_problems(app, session, world):
    world.items[1].content = "建议公开劳模补助发放名单，我的电话13800001762。"
    session.flush()
    (text, tables), figures = march(app, session, world)
    problems = next(t for t in tables if t[0] == ["问题", "问题内容", "收到", "已答复"])
    assert [row[0] for row in problems[1:]] == [f"问题{t.label}" for t in figures.top_problems]
    measures = next(t for t in tables if t[0] == ["措施", "措施内容", "收到", "已答复"])
    assert [(row[0], row[2]) for row in measures[1:]] == [(t.label, str(t.received)) for t in figures.top_measures]
    assert f"措施1-1（{world.items[1].case_number}）：建议公开劳模补助发放名单" in text
    assert "13800001762" not in text
    overdue = next(t for t in tables if t[0] == ["受理编号", "承办部门", "办理期限", "逾期天数"])
    assert [row[0] for row in overdue[1:]] == [world.items[3].case_number]
    assert overdue[1][1] == "办公室" and overdue[1][3] == str((TODAY - world.items[3].due_date).days)
    unsatisfied = next(t for t in tables if t[0] == ["受理编号", "承办部门", "评价日期"])
    assert [row[0] for row in unsatisfied[1:]] == [world.items[2].case_number]
    assert "（一）逾期件：1件。" in text and "（二）群众不满意的答复：1件。" in text


def test_a_month_without_opinions_says_so(app, session, world):
    with app.test_request_context():
        text, tables = read(bulletin_docx(session, world.campaign, "2021-01", ClockSettings(), LightThresholds(),
                                          TODAY))
    assert "本月共收到群众意见建议0件" in text and "本月没有交办到承办部门的件" in text
    assert "没有逾期件" in text and tables == []


@pytest.mark.parametrize("month", ["2021-13", "2021/03", "", "0001-01", "2021-3-1"])
def test_an_impossible_month_is_refused(month):
    with pytest.raises(StatsScopeError):
        month_range(month)


def test_the_command_writes_the_document_and_is_audited(runner, session, world, tmp_path):
    session.commit()
    path = tmp_path / "tongbao.docx"
    result = runner.invoke(args=["stats", "report", "--campaign", "t", "--month", "2021-03", str(path)])
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output
    text, _tables = read(path.read_bytes())
    assert "一、总体情况" in text and "二、各部门办理情况" in text and "三、热点问题" in text and "四、存在问题" in text
    assert session.scalar(select(AuditEvent.details).where(AuditEvent.action == "stats.bulletin")) == {
        "month": "2021-03"}
    for args, message in ((["--campaign", "nope", "--month", "2021-03", str(path)], "没有标识为“nope”"),
                          (["--campaign", "t", "--month", "2021-13", str(path)], "无法识别"),
                          (["--campaign", "t", "--month", "2021-03", str(tmp_path / "a.odt")], ".docx")):
        refused = runner.invoke(args=["stats", "report", *args])
        assert refused.exit_code != 0 and message in refused.output


@pytest.mark.parametrize("role", ["supervisor", "research", "admin"])
def test_the_stats_page_offers_the_bulletin_and_downloads_it(client, session, login_as, make_user, world, role):
    login_as(make_user(role))
    html = client.get("/staff/stats?campaign=t").get_data(as_text=True)
    assert 'action="/staff/stats/bulletin.docx"' in html and 'name="month"' in html
    response = client.get("/staff/stats/bulletin.docx?campaign=t&month=2021-03")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="tongbao-t-2021-03.docx"'
    assert "关于2021年3月群众意见建议办理情况的通报" in read(response.get_data())[0]


def test_handlers_get_no_bulletin_and_bad_requests_say_why(client, login_as, world, make_user):
    login_as(world.handler)
    assert 'bulletin.docx' not in client.get("/staff/stats?campaign=t").get_data(as_text=True)
    assert client.get("/staff/stats/bulletin.docx?campaign=t&month=2021-03").status_code == 403
    login_as(world.supervisor)
    for query, message in (("campaign=nope&month=2021-03", "没有标识为“nope”"), ("campaign=t&month=2021-00", "无法识别"),
                           ("campaign=t&month=" + "9" * 5000, "无法识别")):
        response = client.get(f"/staff/stats/bulletin.docx?{query}")
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert client.get("/staff/stats/bulletin.docx?campaign=t&month=%00").status_code == 400
    last_month = client.get("/staff/stats/bulletin.docx")
    assert last_month.status_code == 200 and last_month.headers["Content-Disposition"].startswith(
        'attachment; filename="tongbao-t-')


def pdf_text(body: bytes) -> str:
    """The PDF's text without whitespace (the converter spaces digits apart from Chinese)."""
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages).split())


def test_the_command_writes_a_pdf_through_libreoffice(runner, session, world, tmp_path):
    assert bulletin_pdf.converter(), "LibreOffice (soffice) is missing: scripts/test installs libreoffice-writer-nogui"
    session.commit()
    path = tmp_path / "tongbao.pdf"
    result = runner.invoke(args=["stats", "report", "--campaign", "t", "--month", "2021-03", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(b"%PDF-")
    text = pdf_text(path.read_bytes())
    assert "关于2021年3月群众意见建议办理情况的通报" in text and "一、总体情况" in text and "四、存在问题" in text


def test_without_a_converter_the_command_says_so_and_the_page_offers_word_only(
        runner, client, session, login_as, world, tmp_path, monkeypatch):
    monkeypatch.setattr(bulletin_pdf, "converter", lambda: None)
    session.commit()
    path = tmp_path / "tongbao.pdf"
    result = runner.invoke(args=["stats", "report", "--campaign", "t", "--month", "2021-03", str(path)])
    assert result.exit_code != 0 and "没有安装 PDF 转换程序" in result.output and not path.exists()
    login_as(world.supervisor)
    html = client.get("/staff/stats?campaign=t").get_data(as_text=True)
    assert 'action="/staff/stats/bulletin.docx"' in html and "bulletin.pdf" not in html
    response = client.get("/staff/stats/bulletin.pdf?campaign=t&month=2021-03")
    assert response.status_code == 503 and "没有安装 PDF 转换程序" in response.get_data(as_text=True)


def test_the_page_offers_the_pdf_and_it_has_the_title(client, session, login_as, world):
    login_as(world.supervisor)
    html = client.get("/staff/stats?campaign=t").get_data(as_text=True)
    assert 'formaction="/staff/stats/bulletin.pdf"' in html
    response = client.get("/staff/stats/bulletin.pdf?campaign=t&month=2021-03")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="tongbao-t-2021-03.pdf"'
    assert "关于2021年3月群众意见建议办理情况的通报" in pdf_text(response.get_data())
