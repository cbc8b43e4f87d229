"""Reads with scope: who may see which people and organizations.

Every view that takes an object id fetches it through an `access_*` function, which raises
Http404 when the record is outside the viewer's scope (so its existence is not revealed).
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from accounts.choices import Role
from accounts.models import (
    AuditEvent,
    CalendarFeed,
    EmploymentRequest,
    EmploymentStatus,
    IdentityConflict,
    Organization,
    Region,
    RoleGrant,
    User,
)
from config.converters import get_by_id_or_404


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
        cached = list(viewer.role_grants.all()) if viewer.pk else []  # an unsaved system actor has none
        viewer._grants = cached
    return cached


def granted_org_ids(viewer: User, *roles: str) -> set[int]:
    """Organizations named on the viewer's grants of `roles` (enterprise admin and mentor when
    none are given). This, not `viewer.organization` (who the viewer works for), is the viewer's
    enterprise scope: a grant is changed only by a province admin."""
    wanted = roles or (Role.ENTERPRISE_ADMIN, Role.MENTOR)
    if not getattr(viewer, "is_authenticated", False):
        return set()
    return {g.organization_id for g in _grants(viewer) if g.role in wanted and g.organization_id}


def enterprise_admin_org_ids(viewer: User) -> set[int]:
    """Organizations the viewer administers (enterprise admin grants)."""
    return granted_org_ids(viewer, Role.ENTERPRISE_ADMIN)


def mentor_org_ids(viewer: User) -> set[int]:
    """Organizations whose learners the viewer may mentor (mentor grants)."""
    return granted_org_ids(viewer, Role.MENTOR)


def scope_for(viewer: User) -> tuple[bool, set[int], set[int]]:
    """(sees everything, region ids in scope, organization ids in scope) for an authenticated viewer.

    Read from role grants only: a city admin's grant names the city, an enterprise admin's or
    mentor's the organization. The viewer's own `region` and `organization` never widen it."""
    if viewer.is_superuser or viewer.has_role(Role.PROVINCE_ADMIN):
        return True, set(), set()
    city_ids: list[int] = [g.region_id for g in _grants(viewer) if g.role == Role.CITY_ADMIN and g.region_id]
    org_ids = granted_org_ids(viewer)
    return False, region_subtree_ids(city_ids) if city_ids else set(), org_ids


def people_visible_to(viewer: User) -> QuerySet[User]:
    """People a viewer may list: all (province), their city (city admin), their organization
    (enterprise admin, mentor), otherwise only themselves.

    The viewer's scope comes from grants (`scope_for`). The *listed* person's region (where she
    lives, editable on her profile) and organization (her accepted employment) decide whose
    scope she falls in: moving herself to another city shows her own record to that city's
    admin; it widens nobody's view of anyone else."""
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
    """Organizations in the viewer's grant scope (never widened by the viewer's own employer)."""
    qs = Organization.objects.select_related("region")
    if not viewer.is_authenticated:
        return qs.none()
    everything, regions, orgs = scope_for(viewer)
    if everything:
        return qs
    condition = Q(pk__in=orgs)
    if regions:
        condition |= Q(region_id__in=regions)
    return qs.filter(condition)


def access_person(viewer: User, person_id: int | str) -> User:
    """A person in the viewer's scope; 404 otherwise (and for anything that is not an id)."""
    return get_by_id_or_404(people_visible_to(viewer), person_id)


def access_organization(viewer: User, org_id: int | str) -> Organization:
    """An organization in the viewer's scope; 404 otherwise (and for anything that is not an id)."""
    return get_by_id_or_404(organizations_visible_to(viewer), org_id)


def cities() -> QuerySet[Region]:
    return Region.objects.filter(kind="city").order_by("code")


def audit_trail(target: Model) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).select_related(
        "actor"
    )


def employment_queue(viewer: User) -> QuerySet[EmploymentRequest]:
    """Pending requests to join an organization the viewer administers (by grant); a province
    admin sees every pending request."""
    qs = EmploymentRequest.objects.filter(status=EmploymentStatus.PENDING).select_related(
        "person", "person__organization", "organization"
    )
    everything, _regions, _orgs = scope_for(viewer) if viewer.is_authenticated else (False, set(), set())
    if everything:
        return qs.order_by("created_at", "pk")
    return qs.filter(organization_id__in=enterprise_admin_org_ids(viewer)).order_by("created_at", "pk")


def access_employment_request(viewer: User, request_id: int | str) -> EmploymentRequest:
    """A pending request in the viewer's queue; 404 otherwise."""
    return get_by_id_or_404(employment_queue(viewer), request_id)


def employment_requests_of(person: User) -> QuerySet[EmploymentRequest]:
    """A person's own requests, newest first (her profile shows them)."""
    return EmploymentRequest.objects.filter(person=person).select_related("organization", "decided_by")


def identity_conflicts_open() -> QuerySet[IdentityConflict]:
    """Open ID-number conflicts, oldest first."""
    return IdentityConflict.objects.filter(status="open").select_related("person").order_by("created_at", "pk")


def identity_holders(conflict: IdentityConflict) -> QuerySet[User]:
    """The other accounts holding the conflicting number (for the province admin's check)."""
    return User.objects.filter(id_number_hash=conflict.id_number_hash).exclude(pk=conflict.person_id)


def access_identity_conflict(viewer: User, conflict_id: int | str) -> IdentityConflict:
    """An open conflict for a province admin; 404 otherwise."""
    if not (viewer.is_superuser or viewer.has_role(Role.PROVINCE_ADMIN)):
        raise Http404
    return get_by_id_or_404(identity_conflicts_open(), conflict_id)


def identity_pending(viewer: User, person: User) -> bool:
    """Whether an administrator looking at `person` should see that her ID number awaits checking
    (never shown to the person herself: her pages read the same whether or not it conflicts)."""
    if viewer.pk == person.pk or not (viewer.is_superuser or viewer.has_role(Role.PROVINCE_ADMIN)):
        return False
    return IdentityConflict.objects.filter(person=person, status="open").exists()


def identity_decisions_of(person: User) -> QuerySet[IdentityConflict]:
    """Resolved checks of the person's ID number (her profile shows the outcome: the notice the
    submission message promised)."""
    return IdentityConflict.objects.filter(person=person).exclude(status="open").order_by("-resolved_at")[:3]


# Longest token a feed URL can hold; anything longer is not looked up.
FEED_TOKEN_MAX = 64


def calendar_feed_of(person: User) -> CalendarFeed | None:
    """The person's calendar feed, or None before they first ask for one."""
    return CalendarFeed.objects.filter(person=person).first()


def calendar_feed_owner(token: str) -> User | None:
    """The active person whose feed URL holds `token` (None for an unknown, rotated-away or
    malformed token, or a deactivated account)."""
    if not token or len(token) > FEED_TOKEN_MAX:
        return None
    feed = CalendarFeed.objects.select_related("person").filter(token=token, person__is_active=True).first()
    return feed.person if feed is not None else None
