"""The KPI targets the province sets per year, metric and city (the dashboard compares the ledger's
figures with them)."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actions import audit
from accounts.models import Region, User
from talent import kpi
from talent.models import (
    KpiMetric,
    KpiTarget,
)
from talent.selectors import require_province

# The widest a target may be: the programme's province-wide goal is 8 million talents, so 20
# million people (a fifth of Shandong) is beyond any honest figure; the fit rate is a percentage.
KPI_TARGET_MAX_PEOPLE = 20_000_000


def _bounded_target(metric: str, value: float) -> float:
    """A target value within its metric's range: a finite, whole number of people from 0 to
    KPI_TARGET_MAX_PEOPLE, or a percentage from 0 to 100 for the fit rate."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(_("目标值须为数字。")) from None
    if metric == KpiMetric.DEMAND_FIT:
        if not (math.isfinite(number) and 0 <= number <= 100):
            raise ValidationError(_("适配度目标须在 0 到 100 之间（单位：%）。"))
        return number
    if not (math.isfinite(number) and 0 <= number <= KPI_TARGET_MAX_PEOPLE) or number != int(number):
        raise ValidationError(_("人数目标须为 0 到 %(max)s 之间的整数。") % {"max": f"{KPI_TARGET_MAX_PEOPLE:,}"})
    return number


@transaction.atomic
def set_kpi_target(*, actor: User, year: int, metric: str, value: float, city: Region | None = None) -> KpiTarget:
    """Set one year's target for the province or a city (province admin only)."""
    require_province(actor)
    if year not in kpi.YEARS:
        raise ValidationError(_("年度须在 2026—2030 之间。"))
    if metric not in KpiMetric.values:
        raise ValidationError(_("未知的指标。"))
    value = _bounded_target(metric, value)
    target = KpiTarget.objects.select_for_update().filter(year=year, metric=metric, city=city).first()
    before = None if target is None else target.value
    if target is None:
        target = KpiTarget(year=year, metric=metric, city=city)
    target.value = value
    target.updated_by = actor
    target.save()
    audit(actor, "talent.kpi_target", target, before={"value": before}, after={"value": value})
    return target
