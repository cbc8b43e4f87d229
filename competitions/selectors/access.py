"""Who may do what in a contest, and permission-checked fetches (`access_*`: 404 out of scope)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import RoleGrant, User
from competitions.models import (
    Contest,
    ContestRules,
    ContestStatus,
    EventGroup,
    JudgeAssignment,
    Registration,
    RegistrationStatus,
)


def rules_for(contest: Contest) -> ContestRules:
    """The lifecycle settings of a contest: a plain read of the row `create_contest` made (cached
    on the instance by Django's one-to-one descriptor)."""
    return contest.lifecycle


def can_manage(user: User | None, contest: Contest) -> bool:
    """Province admins manage every contest; its creator manages it while holding the organizer
    role; a co-organizer (a member of `contest.organizers` other than the creator, added there by
    accepting an invitation) manages that contest alone, without any global role."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.has_role(Role.PROVINCE_ADMIN):
        return True
    if contest.created_by_id == user.pk:
        return user.has_role(Role.ORGANIZER)
    return contest.organizers.filter(pk=user.pk).exists()


def managed_contest_filter(user: User) -> Q:
    """The rule of `can_manage` as a filter on contests (for a user who is no province admin)."""
    co_organized = Q(organizers=user) & ~Q(created_by=user)
    if user.has_role(Role.ORGANIZER):
        return co_organized | Q(created_by=user)
    return co_organized


def require_manager(user: User | None, contest: Contest) -> None:
    """Raise PermissionDenied unless `user` manages the contest (`can_manage`)."""
    if not can_manage(user, contest):
        raise PermissionDenied(_("只有本竞赛的组织者可以执行此操作。"))


def can_create_contest(user: User | None) -> bool:
    """Organizers and province admins create contests."""
    return bool(user and user.is_authenticated and user.has_role(Role.ORGANIZER, Role.PROVINCE_ADMIN))


def enterprise_admin_org_ids(user: User) -> set[int]:
    """Organizations whose staff `user` may nominate: those her enterprise admin grants name
    (never her own profile's employer)."""
    return set(
        RoleGrant.objects.filter(user=user, role=Role.ENTERPRISE_ADMIN, organization__isnull=False).values_list(
            "organization_id", flat=True
        )
    )


def judge_assignment(judge: User, event_group: EventGroup) -> JudgeAssignment | None:
    """The judge's assignment to the event group, or None."""
    return JudgeAssignment.objects.filter(event_group=event_group, judge=judge).first()


def is_contest_judge(user: User, contest: Contest) -> bool:
    """Whether `user` judges any event group of the contest."""
    return JudgeAssignment.objects.filter(event_group__contest=contest, judge=user).exists()


def can_arbitrate(user: User, registration: Registration) -> bool:
    """The arbitration group: arbiters of the event group, or the contest's organizers."""
    if can_manage(user, registration.contest):
        return True
    return JudgeAssignment.objects.filter(event_group=registration.event_group, judge=user, is_arbiter=True).exists()


def access_public_contest(slug: str, viewer: User | None = None) -> Contest:
    """A published contest page; drafts only for their organizers."""
    contest = get_object_or_404(Contest.objects.select_related("organizing_body", "region", "lifecycle"), slug=slug)
    if contest.status == ContestStatus.DRAFT and not can_manage(viewer, contest):
        raise Http404
    return contest


def managed_contests(user: User) -> QuerySet[Contest]:
    """The contests `user` manages, with their pending and approved registration counts."""
    qs = Contest.objects.select_related("organizing_body").annotate(
        pending=Count("registrations", filter=Q(registrations__status=RegistrationStatus.PENDING), distinct=True),
        approved=Count("registrations", filter=Q(registrations__status=RegistrationStatus.APPROVED), distinct=True),
    )
    if user.is_superuser or user.has_role(Role.PROVINCE_ADMIN):
        return qs.order_by("-id")
    return qs.filter(managed_contest_filter(user)).distinct().order_by("-id")


def may_open_console(user: User) -> bool:
    """Whether the 赛事管理 list is for `user`: she may create contests or manages one."""
    return can_create_contest(user) or (
        user.is_authenticated and Contest.objects.filter(managed_contest_filter(user)).exists()
    )


def access_managed_contest(slug: str, user: User) -> Contest:
    """A contest `user` manages; 404 otherwise (its existence is not revealed)."""
    contest = get_object_or_404(Contest.objects.select_related("lifecycle"), slug=slug)
    if not can_manage(user, contest):
        raise Http404
    return contest


def access_judged_group(group_id: int, user: User) -> tuple[EventGroup, JudgeAssignment]:
    """An event group `user` judges, with the assignment; 404 otherwise."""
    assignment = (
        JudgeAssignment.objects.select_related("event_group__contest__lifecycle")
        .filter(event_group_id=group_id, judge=user)
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment.event_group, assignment


def judges_any_group(user: User) -> bool:
    """Whether `user` is assigned to judge any event group (the assignment is the grant)."""
    return user.is_authenticated and JudgeAssignment.objects.filter(judge=user).exists()


def judge_assignments(user: User) -> QuerySet[JudgeAssignment]:
    """Every event group `user` judges, newest first. The assignment is the grant: an organizer
    made it for a person from the judge pool, or the person accepted an invitation."""
    return JudgeAssignment.objects.filter(judge=user).select_related("event_group__contest").order_by("-id")


def access_own_registration(contest: Contest, user: User) -> Registration:
    """The viewer's own registration for the contest; 404 when there is none."""
    registration = (
        Registration.objects.select_related("event_group", "contest__lifecycle", "person__organization")
        .filter(contest=contest, person=user)
        .first()
    )
    if registration is None:
        raise Http404
    return registration
