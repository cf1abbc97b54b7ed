"""The figures as tables: what /staff/stats shows beside each chart and what its CSV and .xlsx downloads hold."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from portal.labels import label
from portal.services.common.spreadsheet import formula_safe

from .figures import StatsFigures
from .handling import Handling

Cell = str | int | float | None


@dataclass(frozen=True)
class StatsTable:
    key: str
    title: str | LazyString
    headers: Sequence[str | LazyString]
    rows: list[list[Cell]]


LIGHTS = {"green": _l("绿灯"), "yellow": _l("黄灯"), "red": _l("红灯")}
RATING_LABELS = {"satisfied": _l("满意"), "basically_satisfied": _l("基本满意"), "unsatisfied": _l("不满意")}
HANDLING_HEADERS = (_l("收到"), _l("已交办"), _l("已答复"), _l("按期受理率"), _l("按期办结率"),
                    _l("受理用时中位数（天）"), _l("受理用时第90百分位（天）"),
                    _l("答复用时中位数（天）"), _l("答复用时第90百分位（天）"),
                    _l("当前逾期"), _l("超期答复"), _l("延期"))
TABLE_KEYS = ("channel", "kind", "period", "departments", "problems", "measures", "satisfaction", "excluded")


def percent(rate: str | None) -> str:
    """'88.08' → '88.08%'; no rate → '—'."""
    return f"{rate}%" if rate is not None else "—"


def _days(value: float | None) -> Cell:
    return "—" if value is None else value


def _handling_cells(h: Handling) -> list[Cell]:
    return [h.received, h.assigned, h.answered, percent(h.on_time_accept_rate), percent(h.on_time_answer_rate),
            _days(h.accept_days_median), _days(h.accept_days_p90), _days(h.answer_days_median),
            _days(h.answer_days_p90), h.overdue_now, h.answered_late, h.extensions]


def period_label(period: str, unit: str) -> str:
    """'2021-03' → 2021年3月; a week's Monday '2021-03-01' → 2021年3月1日起."""
    parts = [int(p) for p in period.split("-")]
    if unit == "week":
        return str(_l("%(y)s年%(m)s月%(d)s日起", y=parts[0], m=parts[1], d=parts[2]))
    return str(_l("%(y)s年%(m)s月", y=parts[0], m=parts[1]))


def tables(figures: StatsFigures) -> dict[str, StatsTable]:
    """Every table of the page, by key (TABLE_KEYS)."""
    s = figures.satisfaction
    result = [
        StatsTable("channel", _l("按渠道"), (_l("渠道"), _l("件数")),
                   [[str(label("channel", c)), n] for c, n in figures.received_by_channel.items()]),
        StatsTable("kind", _l("按类型"), (_l("类型"), _l("件数")),
                   [[str(label("kind", k)), n] for k, n in figures.received_by_kind.items()]),
        StatsTable("period", _l("按周") if figures.period == "week" else _l("按月"), (_l("时间"), _l("件数")),
                   [[period_label(p, figures.period), n] for p, n in figures.received_by_period]),
        StatsTable("departments", _l("各承办部门办理情况"),
                   (_l("承办部门"), *HANDLING_HEADERS, _l("满意率"), _l("红黄绿灯")),
                   [[d.department, *_handling_cells(d.handling), percent(d.satisfaction.satisfaction_rate),
                     str(LIGHTS[d.light])] for d in figures.by_department]
                   + [[str(_l("合计（含未交办）")), *_handling_cells(figures.totals), percent(s.satisfaction_rate),
                       ""]]),
        StatsTable("problems", _l("意见最多的问题（前10）"), (_l("问题"), _l("问题内容"), _l("收到"), _l("已答复")),
                   [[str(_l("问题%(number)s", number=t.label)), t.text, t.received, t.answered]
                    for t in figures.top_problems]),
        StatsTable("measures", _l("意见最多的整改措施（前10）"), (_l("措施"), _l("措施内容"), _l("收到"), _l("已答复")),
                   [[t.label, t.text, t.received, t.answered] for t in figures.top_measures]),
        StatsTable("satisfaction", _l("满意度"), (_l("项目"), _l("数值")),
                   [*([str(RATING_LABELS[k]), getattr(s, k)] for k in RATING_LABELS),
                    [str(_l("评价条数")), s.rated], [str(_l("已发出的答复")), s.answered],
                    [str(_l("参评率")), percent(s.response_rate)], [str(_l("满意率")), percent(s.satisfaction_rate)]]),
        StatsTable("excluded", _l("不计入的件"), (_l("状态"), _l("件数")),
                   [[str(label("state", k)), n] for k, n in figures.excluded.items()]),
    ]
    return {t.key: t for t in result}


def _safe(value: Cell) -> Cell:
    return formula_safe(value) if isinstance(value, str) else value


def as_csv(table: StatsTable) -> bytes:
    """UTF-8 with BOM (Excel and WPS open it as Chinese), text cells formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in table.headers])
    writer.writerows([["" if v is None else _safe(v) for v in row] for row in table.rows])
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(table: StatsTable) -> bytes:
    from openpyxl import Workbook  # loaded for a workbook only, not with every page
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(table.title)[:31]
    sheet.append([str(h) for h in table.headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_safe(v) for v in row])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
