"""Reads for the CMS: case filters and the search query."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from accounts.choices import Industry, RegionKind
from accounts.models import Region


def filter_cases(cases: QuerySet[Any], params: Mapping[str, str]) -> tuple[QuerySet[Any], dict[str, str]]:
    """Apply the shareable URL filters `city` (division code), `industry` and `tag` (slug), as
    parsed by cms.forms.CaseFilterForm.

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
    tag = params.get("tag", "")
    if tag:
        cases = cases.filter(tags__slug=tag).distinct()
        filters["tag"] = tag
    return cases.select_related("cover", "city").order_by("-first_published_at", "-pk"), filters


def editorial_people() -> list[dict[str, Any]]:
    """Everyone holding the editor or organizer role, with their roles and the cities their
    editorial grants limit them to (empty: province-wide), ordered by name. Two queries."""
    from accounts.models import RoleGrant
    from cms.actions import EDITORIAL_ROLES

    people: dict[int, dict[str, Any]] = {}
    grants = (
        RoleGrant.objects.filter(role__in=EDITORIAL_ROLES, user__is_active=True)
        .select_related("user__organization", "region__parent__parent")
        .order_by("user__real_name", "user_id", "role")
    )
    for grant in grants:
        entry = people.setdefault(grant.user_id, {"user": grant.user, "roles": [], "cities": []})
        entry["roles"].append(grant.get_role_display())
        city = grant.region.city if grant.region else None
        if city is not None and city not in entry["cities"]:
            entry["cities"].append(city)
    return list(people.values())


def section_city(page: Any) -> Region | None:
    """The city whose section `page` is: a section index directly under the main index of its own
    type with the city's division code as slug (`actions.ensure_city_sections`); else None."""
    if page is None or not page.pk:
        return None
    parent = page.get_parent()
    if parent is None or parent.specific_class is not page.specific_class:
        return None
    return Region.objects.filter(code=page.slug, kind=RegionKind.CITY).first()
