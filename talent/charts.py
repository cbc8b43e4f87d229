"""Inline SVG charts (no JavaScript, no external assets): actual against target by year."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from talent.kpi import Row


def _short(value: float) -> str:
    if value >= 10_000:
        return f"{value / 10_000:.1f}万"
    return f"{value:g}"


def bars(title: str, rows: list[Row], width: int = 340, height: int = 180) -> SafeString:
    """Grouped bars per year: target (light) and actual (dark), with value labels."""
    top = max([r.target for r in rows] + [r.actual or 0 for r in rows] + [1])
    plot_h = height - 40
    slot = (width - 20) / max(len(rows), 1)
    bar_w = slot / 3
    parts = []
    for i, row in enumerate(rows):
        x = 10 + i * slot + slot / 6
        target_h = plot_h * row.target / top
        actual_h = plot_h * (row.actual or 0) / top
        parts.append(
            (
                f"{x:.1f}",
                f"{20 + plot_h - target_h:.1f}",
                f"{bar_w:.1f}",
                f"{target_h:.1f}",
                f"{x + bar_w:.1f}",
                f"{20 + plot_h - actual_h:.1f}",
                f"{actual_h:.1f}",
                f"{x + bar_w:.1f}",
                f"{height - 6}",
                str(row.year),
                f"{x + bar_w * 1.5:.1f}",
                f"{max(20 + plot_h - actual_h - 4, 12):.1f}",
                _short(row.actual or 0),
            )
        )
    body = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-target"/>'
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-actual"/>'
        '<text x="{}" y="{}" text-anchor="middle" class="chart-axis">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" class="chart-value">{}</text>',
        [(p[0], p[1], p[2], p[3], p[4], p[5], p[2], p[6], p[7], p[8], p[9], p[10], p[11], p[12]) for p in parts],
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" role="img" aria-label="{}" class="chart"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        title,
        body,
    )
