"""Reads with scope: who may see which people and organizations.

Every view that takes an object id fetches it through an `access_*` function, which raises
Http404 when the record is outside the viewer's scope (so its existence is not revealed).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.choices import Role
from accounts.models import AuditEvent, Organization, Region, RoleGrant, User


def region_subtree_ids(region_ids: list[int]) -> set[int]:
    """The given regions and everything beneath them (cities → districts → zones)."""
    found = set(region_ids)
    frontier = set(region_ids)
    while frontier:
        frontier = set(Region.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        found |= frontier
    return found


def _grants(viewer: User) -> list[RoleGrant]:
    cached = getattr(viewer, "_grants", None)
    if cached is None:
        cached = list(viewer.role_grants.all())
        viewer._grants = cached
    return cached


def scope_for(viewer: User) -> tuple[bool, set[int], set[int]]:
    """(sees everything, region ids in scope, organization ids in scope) for an authenticated viewer."""
    if viewer.is_superuser or viewer.has_role(Role.PROVINCE_ADMIN):
        return True, set(), set()
    city_ids: list[int] = []
    org_ids: set[int] = set()
    for grant in _grants(viewer):
        if grant.role == Role.CITY_ADMIN and grant.region_id:
            city_ids.append(grant.region_id)
        elif grant.role in (Role.ENTERPRISE_ADMIN, Role.MENTOR):
            org_id = grant.organization_id or viewer.organization_id
            if org_id:
                org_ids.add(org_id)
    return False, region_subtree_ids(city_ids) if city_ids else set(), org_ids


def people_visible_to(viewer: User) -> QuerySet[User]:
    """People a viewer may list: all (province), their city (city admin), their organization
    (enterprise admin, mentor), otherwise only themselves."""
    qs = User.objects.select_related("region", "organization")
    if not viewer.is_authenticated:
        return qs.none()
    everything, regions, orgs = scope_for(viewer)
    if everything:
        return qs
    condition = Q(pk=viewer.pk)
    if regions:
        condition |= Q(region_id__in=regions) | Q(organization__region_id__in=regions)
    if orgs:
        condition |= Q(organization_id__in=orgs)
    return qs.filter(condition)


def organizations_visible_to(viewer: User) -> QuerySet[Organization]:
    qs = Organization.objects.select_related("region")
    if not viewer.is_authenticated:
        return qs.none()
    everything, regions, orgs = scope_for(viewer)
    if everything:
        return qs
    condition = Q(pk__in=orgs)
    if regions:
        condition |= Q(region_id__in=regions)
    if viewer.organization_id:
        condition |= Q(pk=viewer.organization_id)
    return qs.filter(condition)


def access_person(viewer: User, person_id: int | str) -> User:
    try:
        return people_visible_to(viewer).get(pk=int(person_id))
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_organization(viewer: User, org_id: int | str) -> Organization:
    try:
        return organizations_visible_to(viewer).get(pk=int(org_id))
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def cities() -> QuerySet[Region]:
    return Region.objects.filter(kind="city").order_by("code")


def audit_trail(target: object) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).select_related(
        "actor"
    )
