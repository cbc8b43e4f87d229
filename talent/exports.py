"""Excel exports: the yearly supervision report and the final shortlist. Cells are escaped
against formula injection (`accounts.pii.escape_cell`)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.pii import escape_cell
from talent.kpi import YEARS, Dashboard
from talent.models import Candidate, KpiMetric, SelectionRound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _row(values: Iterable[object]) -> list[object]:
    return [escape_cell(v) if isinstance(v, str) else v for v in values]


def xlsx_response(book: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def kpi_workbook(board: Dashboard) -> Workbook:
    book = Workbook()
    sheet = book.worksheets[0]  # the one sheet a new workbook has
    sheet.title = _("年度目标完成情况")
    scope = board.city.name if board.city else _("全省")
    sheet.append(_row([_("数字技能人才培育年度督导评估"), scope]))
    sheet.append(_row([_("指标"), _("年度"), _("实际"), _("目标"), _("完成率（%）")]))
    for metric in KpiMetric:
        for year in YEARS:
            row = board.rows[(year, str(metric))]
            sheet.append(_row([str(metric.label), year, row.actual, row.target, row.percent]))
    cities = book.create_sheet(_("分市情况"))
    cities.append(_row([_("城市"), *[str(m.label) for m in KpiMetric]]))
    for city, figures in board.per_city:
        cities.append(_row([city.name, *[figures.get(str(m)) for m in KpiMetric]]))
    return book


def shortlist_workbook(selection: SelectionRound, rows: Iterable[Candidate]) -> Workbook:
    book = Workbook()
    sheet = book.worksheets[0]  # the one sheet a new workbook has
    sheet.title = _("领军人才名单")
    sheet.append(_row([selection.name]))
    sheet.append(_row([_("姓名"), _("城市"), _("单位"), _("人才指数"), _("入围理由"), _("市级意见"), _("状态")]))
    for c in rows:
        org = c.person.organization.name if c.person.organization is not None else ""
        sheet.append(
            _row(
                [
                    c.person.real_name,
                    c.city.name if c.city else "",
                    org,
                    c.index,
                    "；".join(c.reasons),
                    c.city_reason,
                    str(c.get_status_display()),
                ]
            )
        )
    return book
