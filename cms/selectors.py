"""Reads for the CMS: case filters and the search query."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from accounts.choices import Industry, RegionKind
from accounts.models import Region


def filter_cases(cases: QuerySet[Any], params: Mapping[str, str]) -> tuple[QuerySet[Any], dict[str, str]]:
    """Apply the shareable URL filters `city` (division code), `industry` and `tag` (slug).

    Unknown values are ignored (and dropped from the returned filters) rather than raising,
    so an old shared link still shows a list.
    """
    filters: dict[str, str] = {}
    city = params.get("city", "")
    if city and Region.objects.filter(code=city, kind=RegionKind.CITY).exists():
        cases = cases.filter(city__code=city)
        filters["city"] = city
    industry = params.get("industry", "")
    if industry in Industry.values:
        cases = cases.filter(industry=industry)
        filters["industry"] = industry
    tag = params.get("tag", "")[:100]
    if tag:
        cases = cases.filter(tags__slug=tag).distinct()
        filters["tag"] = tag
    return cases.select_related("cover", "city").order_by("-first_published_at", "-pk"), filters
