"""KPI charts draw each year as a share of its target with the figures printed, keep a tiny
figure visible, leave years still to come empty, and carry a text equivalent."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from talent import charts, kpi
from talent.kpi import Row


def test_a_figure_of_one_against_a_hundred_thousand_is_visible_and_printed() -> None:
    row = Row(2026, "talents", "数字技能人才", 1, 100_000)
    assert charts.bar_width(row, 300) == charts.MIN_VISIBLE
    assert charts.share(row) == "<0.1%"
    with translation.override("zh-hans"):
        svg = charts.bars("数字技能人才", [row])
    assert "实际 1 / 目标 100,000 · &lt;0.1%" in svg


def test_bars_are_drawn_as_a_share_of_the_target_and_capped_at_it() -> None:
    half = Row(2026, "leaders", "领军人才", 1_000, 2_000)
    over = Row(2027, "leaders", "领军人才", 5_000, 2_000)
    assert charts.bar_width(half, 300) == 150
    assert charts.bar_width(over, 300) == 300
    assert charts.share(over) == "250.0%"


def test_a_year_to_come_has_no_bar_and_says_so() -> None:
    future = Row(2029, "talents", "数字技能人才", None, 6_400_000)
    assert charts.bar_width(future, 300) == 0
    with translation.override("zh-hans"):
        assert "尚未到来" in charts.bars("数字技能人才", [future])
    with translation.override("en"):
        assert "still to come" in charts.bars("Digital-skills talents", [future])


def test_the_svg_has_a_role_a_title_and_a_description() -> None:
    rows = [Row(2026, "talents", "数字技能人才", 12, 1_600_000), Row(2027, "talents", "数字技能人才", None, 3_200_000)]
    svg = str(charts.bars("数字技能人才", rows))
    assert 'role="img"' in svg and 'aria-label="数字技能人才"' in svg
    assert re.search(r"<title>数字技能人才</title><desc>[^<]*2026[^<]*2027[^<]*</desc>", svg)


@pytest.mark.django_db
def test_future_years_do_not_copy_this_years_figure() -> None:
    board = kpi.build(None, [], this_year=2027)
    assert board.rows[(2027, "talents")].actual == 0
    assert board.rows[(2028, "talents")].actual is None
    assert board.rows[(2030, "demand_fit")].actual is None


@pytest.mark.django_db
def test_the_dashboard_shows_a_data_table_beside_each_chart(client, province_admin) -> None:
    client.force_login(province_admin)
    html = client.get(reverse("talent:dashboard")).content.decode()
    assert html.count('<details class="chart-data">') == 5
    assert "尚未到来" in html
