"""The 通报 as a Word document in the usual official layout: a title, 一、总体情况 with the figures and charts,
二、各部门办理情况 with the table and lights, 三、热点问题 with the hot problems, measures and sample opinions,
四、存在问题 with the overdue and unsatisfied lists. Always in Chinese (an official document), whatever the language
of the page that asked for it; every digit comes from figures.compute, as /staff/stats shows it."""
from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from flask_babel import force_locale
from sqlalchemy.orm import Session

from portal.labels import CHINESE, chinese
from portal.models import Campaign
from portal.services.common.clocks import ClockSettings

from .bulletin import Bulletin, ListedItem, bulletin
from .chart_png import bar_chart
from .handling import Handling
from .lights import LightThresholds
from .tables import LIGHTS, percent, period_label

TITLE_FONT, HEADING_FONT, BODY_FONT = "方正小标宋简体", "黑体", "仿宋"
LIGHT_SHADES = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}
NUMERALS = "一二三四五六七八九十"


def bulletin_docx(session: Session, campaign: Campaign, month: str, clocks: ClockSettings,
                  thresholds: LightThresholds, today: date | None = None) -> bytes:
    """The .docx of campaign's 通报 for month (YYYY-MM)."""
    with force_locale(CHINESE):
        return render(bulletin(session, campaign, month, clocks, thresholds, today))


def render(content: Bulletin) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    figures = content.figures
    _title(document, content.title)
    period = f"{_day(figures.date_from)}至{_day(figures.date_to)}" if figures.date_from and figures.date_to else ""
    _centred(document, f"{figures.campaign_title}（统计期间：{period}；数据截至{_day(figures.today)}）")
    _overall(document, content)
    _departments(document, content)
    _hot(document, content)
    _problems(document, content)
    _body(document, "以上数字由平台按“办理统计”页面所列口径自动计算，重复件、无效件不计入；与平台统计页面一致。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _overall(document, content: Bulletin) -> None:
    figures, totals, s = content.figures, content.figures.totals, content.figures.satisfaction
    _heading(document, 0, "总体情况")
    channels = "、".join(f"{chinese('channel', code)}{count}件" for code, count in figures.received_by_channel.items()
                        if count)
    kinds = "、".join(f"{chinese('kind', code)}{count}件" for code, count in figures.received_by_kind.items() if count)
    text = f"本月共收到群众意见建议{totals.received}件"
    text += f"，其中{channels}" if channels else ""
    text += f"；按类型分，{kinds}" if kinds else ""
    text += (f"。已受理{totals.accepted}件，按期受理率{percent(totals.on_time_accept_rate)}；"
             f"已答复{totals.answered}件，按期办结率{percent(totals.on_time_answer_rate)}；"
             f"当前逾期{totals.overdue_now}件，超期答复{totals.answered_late}件，延期{totals.extensions}件。")
    text += (f"群众对{s.answered}件答复作出评价{s.rated}条，其中满意{s.satisfied}条、"
             f"基本满意{s.basically_satisfied}条、不满意{s.unsatisfied}条，满意率{percent(s.satisfaction_rate)}。")
    text += (f"另有重复件{figures.excluded.get('duplicate', 0)}件、无效件{figures.excluded.get('spam', 0)}件，"
             "不计入以上统计。")
    _body(document, text)
    rows = [(chinese("channel", code), count) for code, count in figures.received_by_channel.items()]
    _chart(document, "图1 按渠道收到件数", rows)
    weeks = [(period_label(p, figures.period), count) for p, count in figures.received_by_period]
    if weeks:
        _chart(document, "图2 按周收到件数", weeks)


def _departments(document, content: Bulletin) -> None:
    figures = content.figures
    _heading(document, 1, "各部门办理情况")
    if not figures.by_department:
        _body(document, "本月没有交办到承办部门的件。")
        return
    t = figures.thresholds
    _body(document, f"按期办结率不低于{t.green_rate}%且无逾期件的为绿灯，按期办结率低于{t.red_rate}%或逾期件超过"
                    f"{t.red_overdue}件的为红灯，其余为黄灯。")
    headers = ("承办部门", "收到", "已交办", "已答复", "按期受理率", "按期办结率", "当前逾期", "满意率", "红黄绿灯")
    table = _table(document, headers)
    for department in figures.by_department:
        cells = _row(table, [department.department, *_handling(department.handling),
                             percent(department.satisfaction.satisfaction_rate), str(LIGHTS[department.light])])
        _shade(cells[-1], LIGHT_SHADES[department.light])
    _row(table, ["合计（含未交办）", *_handling(figures.totals), percent(figures.satisfaction.satisfaction_rate), ""])


def _handling(h: Handling) -> list[str]:
    return [str(h.received), str(h.assigned), str(h.answered), percent(h.on_time_accept_rate),
            percent(h.on_time_answer_rate), str(h.overdue_now)]


def _hot(document, content: Bulletin) -> None:
    figures = content.figures
    _heading(document, 2, "热点问题")
    if not figures.top_problems and not figures.top_measures:
        _body(document, "本月收到的意见未关联到具体问题或整改措施。")
        return
    if figures.top_problems:
        _body(document, "（一）意见较多的问题")
        table = _table(document, ("问题", "问题内容", "收到", "已答复"))
        for target in figures.top_problems:
            _row(table, [f"问题{target.label}", target.text, str(target.received), str(target.answered)])
    if figures.top_measures:
        _body(document, "（二）意见较多的整改措施")
        table = _table(document, ("措施", "措施内容", "收到", "已答复"))
        for target in figures.top_measures:
            _row(table, [target.label, target.text, str(target.received), str(target.answered)])
    if content.samples:
        _body(document, "（三）典型意见（已隐去个人信息）")
        for sample in content.samples:
            _body(document, f"措施{sample.measure}（{sample.case_number}）：{sample.text}")


def _problems(document, content: Bulletin) -> None:
    _heading(document, 3, "存在问题")
    _listed(document, "（一）逾期件", content.overdue, content.overdue_total, "本月收到的件中没有逾期件。",
            ("受理编号", "承办部门", "办理期限", "逾期天数"),
            lambda item: [item.case_number, item.department, _day(item.day), str(item.days_overdue or 0)])
    _listed(document, "（二）群众不满意的答复", content.unsatisfied, content.unsatisfied_total,
            "本月收到的件中没有群众评价为不满意的答复。", ("受理编号", "承办部门", "评价日期"),
            lambda item: [item.case_number, item.department, _day(item.day)])


def _listed(document, title: str, items: list[ListedItem], total: int, empty: str, headers, cells) -> None:
    _body(document, f"{title}：{total}件。" if total else f"{title}：{empty}")
    if not items:
        return
    table = _table(document, headers)
    for item in items:
        _row(table, cells(item))
    if total > len(items):
        _body(document, f"另有{total - len(items)}件未列出，详见平台“办理统计”页面。")


def _day(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _title(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(text), TITLE_FONT, 22)


def _centred(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(text), BODY_FONT, 14)


def _heading(document, index: int, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(32)
    _font(paragraph.add_run(f"{NUMERALS[index]}、{text}"), HEADING_FONT, 16)


def _body(document, text: str) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(32)
    paragraph.paragraph_format.line_spacing = Pt(28)
    _font(paragraph.add_run(text), BODY_FONT, 16)
    return paragraph


def _chart(document, caption: str, rows: list[tuple[str, int]]) -> None:
    document.add_picture(io.BytesIO(bar_chart(rows)), width=Cm(15))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(caption + "（" + "；".join(f"{label}{count}件" for label, count in rows) + "）"),
          BODY_FONT, 12)


def _table(document, headers):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, header, bold=True)
    return table


def _row(table, values: list[str]) -> list[_Cell]:
    cells = table.add_row().cells
    for cell, value in zip(cells, values, strict=True):
        _cell_text(cell, value)
    return list(cells)


def _cell_text(cell: _Cell, text: str, bold: bool = False) -> None:
    _font(cell.paragraphs[0].add_run(text), BODY_FONT, 10.5, bold)


def _shade(cell: _Cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), colour)
    cell._element.get_or_add_tcPr().append(shading)
