"""Reads of a contest's staff: co-organizers, judges per event group, invitations, what the
invitation page offers the person who opens it, and the recusals judges will meet."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import pii
from accounts.models import User
from competitions.models import (
    Contest,
    EventGroup,
    InvitationStatus,
    JudgeAssignment,
    Mark,
    RegistrationStatus,
    StaffInvitation,
    StaffRole,
)
from competitions.selectors.judging import is_recused


def token_hash(token: str) -> str:
    """The keyed hash stored for an invitation token (HMAC: the database alone cannot forge one)."""
    return pii.fingerprint("staff-invitation:" + token)


def chief_judge_of(group: EventGroup, *, other_than: int | None = None) -> JudgeAssignment | None:
    """The event group's chief judge assignment (at most one: `one_chief_judge_per_group`), or
    None; `other_than` (a user id) ignores that person's own assignment."""
    found = JudgeAssignment.objects.filter(event_group=group, is_chief=True).select_related("judge")
    if other_than is not None:
        found = found.exclude(judge_id=other_than)
    return found.first()


def pending_chief_invitation(group: EventGroup, *, other_than: str = "") -> StaffInvitation | None:
    """A pending, unexpired chief-judge invitation for the event group (to a number other than
    `other_than`), or None."""
    found = StaffInvitation.objects.filter(
        event_groups=group,
        role=StaffRole.CHIEF_JUDGE,
        status=InvitationStatus.PENDING,
        expires_at__gt=timezone.now(),
    )
    if other_than:
        found = found.exclude(mobile=other_than)
    return found.first()


def judge_removal_problem(assignment: JudgeAssignment) -> str:
    """Why a judge cannot be removed from an event group ('' when they can): once they have
    marked anyone in that group the marks are part of the record (arbitration changes them)."""
    if Mark.objects.filter(judge_id=assignment.judge_id, item__task__event_group_id=assignment.event_group_id).exists():
        return _("该裁判已在本赛项评分，不能移除。")
    return ""


def invitation_state(invitation: StaffInvitation) -> str:
    """The status as it stands now: a pending invitation past its date is `expired`."""
    if invitation.status == InvitationStatus.PENDING and invitation.expires_at <= timezone.now():
        return InvitationStatus.EXPIRED
    return invitation.status


def access_invitation(token: str) -> StaffInvitation:
    """The invitation a link's token opens; 404 for an unknown token (revoked, expired and
    decided ones are found, so the page can say so)."""
    if not token or len(token) > 64:
        raise Http404
    invitation = (
        StaffInvitation.objects.select_related("contest", "invited_by")
        .prefetch_related("event_groups")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def access_managed_invitation(contest: Contest, pk: int) -> StaffInvitation:
    """An invitation of a contest the caller manages (checked by the caller); 404 otherwise."""
    invitation = StaffInvitation.objects.select_related("contest").filter(contest=contest, pk=pk).first()
    if invitation is None:
        raise Http404
    return invitation


@dataclass(frozen=True)
class InvitationView:
    """What the invitation page shows the person who opened it: `state` is one of
    closed (expired, revoked or decided: `status` says which), answer (signed in with the
    invited number: 接受 / 谢绝), wrong_account (signed in with another number: sign out),
    sign_in (anonymous, the number has an account) or activate (anonymous, no account yet)."""

    state: str
    status: str


def invitation_view(invitation: StaffInvitation, viewer: User | None) -> InvitationView:
    status = invitation_state(invitation)
    if status != InvitationStatus.PENDING:
        return InvitationView("closed", status)
    if viewer is not None and viewer.is_authenticated:
        return InvitationView("answer" if viewer.mobile == invitation.mobile else "wrong_account", status)
    has_account = User.objects.filter(mobile=invitation.mobile).exists()
    return InvitationView("sign_in" if has_account else "activate", status)


def pending_invitations_for(user: User) -> QuerySet[StaffInvitation]:
    """Invitations still open for the signed-in person's (verified, login) mobile number."""
    return (
        StaffInvitation.objects.filter(
            mobile=user.mobile, status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
        )
        .select_related("contest", "invited_by")
        .prefetch_related("event_groups")
        .order_by("-created_at", "-id")
    )


def decided_invitations_for(user: User) -> QuerySet[StaffInvitation]:
    """Invitations to the person's number that were accepted or declined (most recent 20)."""
    return (
        StaffInvitation.objects.filter(
            mobile=user.mobile, status__in=(InvitationStatus.ACCEPTED, InvitationStatus.DECLINED)
        )
        .select_related("contest")
        .order_by("-decided_at", "-id")[:20]
    )


@dataclass
class GroupStaff:
    """One event group's judges as the staff page lists them (chief judges first)."""

    group: EventGroup
    assignments: list[JudgeAssignment]

    @property
    def has_chief(self) -> bool:
        return any(a.is_chief for a in self.assignments)


@dataclass
class StaffOverview:
    """A contest's staff: its creator, co-organizers, judges per group and open invitations
    (`invitations`: pending ones, those past their date marked by `invitation_state`)."""

    creator: User | None
    co_organizers: list[User]
    groups: list[GroupStaff]
    invitations: list[tuple[StaffInvitation, str]] = field(default_factory=list)


def staff_overview(contest: Contest) -> StaffOverview:
    creator = contest.created_by
    co_organizers = list(
        contest.organizers.exclude(pk=contest.created_by_id or 0).select_related("organization").order_by("id")
    )
    assignments = (
        JudgeAssignment.objects.filter(event_group__contest=contest)
        .select_related("judge__organization")
        .order_by("-is_chief", "id")
    )
    by_group: dict[int, list[JudgeAssignment]] = {}
    for assignment in assignments:
        by_group.setdefault(assignment.event_group_id, []).append(assignment)
    groups = [GroupStaff(g, by_group.get(g.pk, [])) for g in contest.event_groups.order_by("id")]
    pending = (
        StaffInvitation.objects.filter(contest=contest, status=InvitationStatus.PENDING)
        .select_related("invited_by")
        .prefetch_related("event_groups")
        .order_by("-created_at", "-id")
    )
    return StaffOverview(creator, co_organizers, groups, [(i, invitation_state(i)) for i in pending])


@dataclass(frozen=True)
class Recusal:
    """A judge assignment and the contestants of its group the judge may not mark (the same
    organization rule `is_recused` applies when a mark is recorded)."""

    assignment: JudgeAssignment
    contestants: tuple[str, ...]


def staff_recusals(contest: Contest) -> list[Recusal]:
    """Per judge assignment of the contest, the approved contestants of that group the judge is
    recused from (name and organization, for the organizer), judges without any left out."""
    found = []
    assignments = (
        JudgeAssignment.objects.filter(event_group__contest=contest)
        .select_related("judge", "event_group")
        .prefetch_related("judge__role_grants")  # is_recused reads them: one query, not one per judge
        .order_by("event_group_id", "id")
    )
    registrations: dict[int, list[tuple[str, int | None, str]]] = {}
    for group_id, name, org_id, org_name in (
        contest.registrations.filter(status=RegistrationStatus.APPROVED)
        .order_by("id")
        .values_list("event_group_id", "person__real_name", "person__organization_id", "person__organization__name")
    ):
        registrations.setdefault(group_id, []).append((name, org_id, org_name or ""))
    for assignment in assignments:
        names = tuple(
            f"{name}（{org_name}）"
            for name, org_id, org_name in registrations.get(assignment.event_group_id, [])
            if org_id and is_recused(assignment.judge, {org_id})
        )
        if names:
            found.append(Recusal(assignment, names))
    return found


def staff_nav_entries(user: User) -> set[str]:
    """The header's work entries a person's contest records open (one query): 赛事管理 for a
    co-organizer (`can_manage`'s membership rule), 评分 for anyone with a judge assignment."""
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            co_organizer=Exists(
                Contest.organizers.through.objects.filter(user_id=OuterRef("pk")).exclude(
                    contest__created_by_id=OuterRef("pk")
                )
            ),
            judge=Exists(JudgeAssignment.objects.filter(judge_id=OuterRef("pk"))),
        )
        .values_list("co_organizer", "judge")
        .first()
    )
    if row is None:
        return set()
    return {name for name, yes in zip(("competitions:manage", "competitions:judge"), row, strict=True) if yes}
