"""Inline SVG charts (no JavaScript, no external assets): actual against target by year.

Each year is one row: a track standing for the year's target and a bar for the share of it
reached, with the figures printed beside it ("实际 1 / 目标 1,600,000 · <0.1%"). A share too
small to see still gets a sliver of MIN_VISIBLE px so a non-zero figure never looks like none;
a year still to come has no bar and says so. The same figures go into a table (`table_rows`)
the template shows under the chart, and the SVG carries role="img", a <title> and a <desc>.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from talent.kpi import Row

MIN_VISIBLE = 3.0  # px: the narrowest bar drawn for a non-zero figure
ROW_H = 40
TRACK_H = 12


def figure(value: float | None, metric: str) -> str:
    """A figure with thousands grouped by commas (as both the Chinese and English reports write
    them; Django's zh_Hans format has no separator); the fit rate in percent."""
    if value is None:
        return "—"
    text = f"{value:,.1f}" if value % 1 else f"{value:,.0f}"
    return f"{text}%" if metric == "demand_fit" else text


def share(row: Row) -> str:
    """The share of target reached, readable at both ends: <0.1% for a sliver, 999% capped."""
    if row.actual is None or not row.target:
        return "—"
    percent = row.actual / row.target * 100
    if 0 < percent < 0.1:
        return "<0.1%"
    return f"{min(percent, 999):.1f}%"


@dataclass(frozen=True)
class TableRow:
    year: int
    actual: str
    target: str
    share: str
    future: bool


def table_rows(rows: list[Row]) -> list[TableRow]:
    return [
        TableRow(r.year, figure(r.actual, r.metric), figure(r.target, r.metric), share(r), r.actual is None)
        for r in rows
    ]


def caption(row: Row) -> str:
    if row.actual is None:
        return _("%(year)s 年 · 目标 %(target)s · 尚未到来") % {
            "year": row.year,
            "target": figure(row.target, row.metric),
        }
    return _("%(year)s 年 · 实际 %(actual)s / 目标 %(target)s · %(share)s") % {
        "year": row.year,
        "actual": figure(row.actual, row.metric),
        "target": figure(row.target, row.metric),
        "share": share(row),
    }


def bar_width(row: Row, track: float) -> float:
    """The bar's length on a track standing for 100 % of target (capped at the track)."""
    if row.actual is None or not row.target or row.actual <= 0:
        return 0.0
    return max(min(row.actual / row.target, 1.0) * track, MIN_VISIBLE)


def bars(title: str, rows: list[Row], width: int = 340) -> SafeString:
    """One row per year: the caption line, then the target track and the actual bar."""
    track = width - 4
    height = ROW_H * len(rows) + 4
    parts = []
    for i, row in enumerate(rows):
        y = 2 + i * ROW_H
        parts.append(
            (
                f"{y + 14}",
                "chart-label chart-future" if row.actual is None else "chart-label",
                caption(row),
                f"{y + 20}",
                f"{track:.1f}",
                TRACK_H,
                f"{y + 20}",
                f"{bar_width(row, track):.1f}",
                TRACK_H,
            )
        )
    body = format_html_join(
        "",
        '<text x="2" y="{}" class="{}">{}</text>'
        '<rect x="2" y="{}" width="{}" height="{}" rx="3" class="chart-target"/>'
        '<rect x="2" y="{}" width="{}" height="{}" rx="3" class="chart-actual"/>',
        parts,
    )
    desc = _("；").join(caption(r) for r in rows)
    return format_html(
        '<svg viewBox="0 0 {} {}" role="img" aria-label="{}" class="chart chart-bars">'
        "<title>{}</title><desc>{}</desc>{}</svg>",
        width,
        height,
        title,
        title,
        desc,
        body,
    )
