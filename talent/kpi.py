"""KPI targets and actuals for the yearly supervision (年度督导评估).

Targets default to the plan's 2030 totals (8,000,000 talents, 10,000 leaders, 5,000 solution
designers, 6,000 engineers, 85 % demand fit), ramped linearly from 2026 (20 % of the total in
2026, 40 % in 2027 … 100 % in 2030; the fit rate target is 85 % every year). A city without its
own target gets an equal sixteenth of the province's. The province admin overrides any of
them (`talent.actions.set_kpi_target`).

Demand fit rate (企业需求适配度): the share of enterprise demand headcount filled by matches
both sides accepted — Σ min(headcount, accepted matches) ÷ Σ headcount over the demands posted
in the year (in the city), as a percentage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Region
from talent.models import Demand, KpiActual, KpiMetric, KpiTarget, MatchStatus

YEARS = tuple(range(2026, 2031))
PLAN_2030 = {
    KpiMetric.TALENTS: 8_000_000,
    KpiMetric.LEADERS: 10_000,
    KpiMetric.DESIGNERS: 5_000,
    KpiMetric.ENGINEERS: 6_000,
    KpiMetric.DEMAND_FIT: 85,
}
COUNT_METRICS = (KpiMetric.TALENTS, KpiMetric.LEADERS, KpiMetric.DESIGNERS, KpiMetric.ENGINEERS)
CITY_COUNT = 16


def default_target(year: int, metric: str, city: Region | int | None = None) -> float:
    total = PLAN_2030[KpiMetric(metric)]
    if metric == KpiMetric.DEMAND_FIT:
        return float(total)
    share = (min(max(year, 2026), 2030) - 2025) / 5
    value = total * share
    if city is not None:
        value /= CITY_COUNT
    return float(round(value))


def targets(city_id: int | None = None) -> dict[tuple[int, str], float]:
    """(year, metric) → target for the province (city_id None) or one city."""
    found = {
        (year, str(metric)): default_target(year, metric, city_id) for year in YEARS for metric in KpiMetric.values
    }
    for row in KpiTarget.objects.filter(city_id=city_id):
        found[(row.year, row.metric)] = row.value
    return found


DemandRow = tuple[int, int, int, int]  # (year, city id, headcount, accepted matches)


def demand_rows() -> list[DemandRow]:
    """One row per demand: demands are thousands, not millions, so one query serves every figure."""
    rows = Demand.objects.annotate(
        accepted=Count("matches", filter=Q(matches__status=MatchStatus.ACCEPTED))
    ).values_list("created_at", "city_id", "headcount", "accepted", "erased_accepted")
    return [
        (created.year, city_id, headcount, accepted + erased) for created, city_id, headcount, accepted, erased in rows
    ]


def demand_fit(
    year: int | None = None, city_id: int | None = None, rows: list[DemandRow] | None = None
) -> float | None:
    """The fit rate in percent over demands posted up to `year` (None when there were none)."""
    wanted = filled = 0
    for posted, city, headcount, accepted in demand_rows() if rows is None else rows:
        if (year is not None and posted > year) or (city_id is not None and city != city_id):
            continue
        wanted += headcount
        filled += min(headcount, accepted)
    if not wanted:
        return None
    return round(filled * 100 / wanted, 1)


@dataclass
class Row:
    year: int
    metric: str
    label: str
    actual: float | None
    target: float

    @property
    def percent(self) -> float:
        if not self.target or self.actual is None:
            return 0.0
        return round(min(self.actual / self.target * 100, 999), 1)


@dataclass
class Dashboard:
    city: Region | None
    rows: dict[tuple[int, str], Row] = field(default_factory=dict)
    per_city: list[tuple[Region, dict[str, float | None]]] = field(default_factory=list)

    def series(self, metric: str) -> list[Row]:
        return [self.rows[(year, metric)] for year in YEARS]


def actual_counts(city_ids: list[int] | None) -> dict[tuple[int, int | None, str], int]:
    rows = KpiActual.objects.all()
    if city_ids is not None:
        rows = rows.filter(city_id__in=city_ids)
    return {(r.year, r.city_id, r.metric): r.count for r in rows}


def cumulative(counts: dict[tuple[int, int | None, str], int], metric: str, year: int, city_id: object = ...) -> int:
    """People counted for a metric by the end of a year (city_id ... = every city)."""
    return sum(n for (y, c, m), n in counts.items() if m == metric and y <= year and (city_id is ... or c == city_id))


def build(city: Region | None, cities: list[Region], this_year: int | None = None) -> Dashboard:
    """Actual against target per year for the province (city None) or one city, plus one row per
    visible city for the latest year. Reads the precomputed `KpiActual` rows only. A year after
    `this_year` (today's, in the site's time zone) has no actual yet: None, not this year's figure."""
    this_year = timezone.localdate().year if this_year is None else this_year
    counts = actual_counts(None if city is None else [city.pk])
    goal = targets(city.pk if city else None)
    board = Dashboard(city=city)
    demands = demand_rows()
    for year in YEARS:
        for metric in KpiMetric:
            if year > this_year:
                actual: float | None = None
            elif metric == KpiMetric.DEMAND_FIT:
                actual = demand_fit(year, city.pk if city else None, demands)
            else:
                actual = cumulative(counts, metric, year)
            board.rows[(year, str(metric))] = Row(year, str(metric), str(metric.label), actual, goal[(year, metric)])
    all_counts = actual_counts([c.pk for c in cities]) if city is None else counts
    for each in cities:
        figures: dict[str, float | None] = {
            str(m): cumulative(all_counts, m, YEARS[-1], each.pk) for m in COUNT_METRICS
        }
        figures[str(KpiMetric.DEMAND_FIT)] = demand_fit(None, each.pk, demands)
        board.per_city.append((each, figures))
    return board
