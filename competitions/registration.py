"""Taking part: registering (by the person, a nominating enterprise admin or an organizer),
withdrawing, the organizer's review, admission tickets and 检录号. Every change is audited."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.actions import audit, in_language_of, notify
from accounts.choices import NoticeKind, NoticeLevel
from accounts.models import User
from competitions.models import (
    CheckIn,
    Contest,
    EventGroup,
    Registration,
    RegistrationStatus,
    Team,
    TeamMember,
    Ticket,
)
from competitions.selectors import (
    Entrant,
    can_manage,
    enterprise_admin_org_ids,
    entrants,
    is_team_contest,
    registration_problem,
    require_manager,
    ticket_number,
    withdraw_problem,
)
from competitions.teams import join_team


def check_registration(
    *, person: User, contest: Contest, event_group: EventGroup, actor: User, check_window: bool = True
) -> None:
    """Raise ValidationError/PermissionDenied if `actor` may not register `person` now: an event
    group of another contest, an actor who is neither the person, their enterprise admin nor an
    organizer, or the reason `selectors.registration_problem` gives. Changes nothing (the
    spreadsheet import's dry run calls it for every row)."""
    if event_group.contest_id != contest.pk:
        raise ValidationError(_("所选赛项不属于本竞赛。"))
    nominating = bool(person.organization_id and person.organization_id in enterprise_admin_org_ids(actor))
    if actor.pk != person.pk and not can_manage(actor, contest) and not nominating:
        raise PermissionDenied(_("只能为本人报名，或由所在单位的企业管理员推荐报名。"))
    problem = registration_problem(person, contest, check_window=check_window)
    if problem:
        raise ValidationError(problem)


@transaction.atomic
def register(
    *,
    person: User,
    contest: Contest,
    event_group: EventGroup,
    actor: User,
    team: Team | str | None = None,
    check_window: bool = True,
) -> Registration:
    """Register `person` for an event group of `contest`; the registration waits for review.

    `actor` is the person (self-registration), an enterprise admin of the person's
    organization (nomination, recorded in `nominated_by`) or one of the contest's organizers
    (bulk import). Refused with a Chinese reason: outside the registration window, a second
    registration (a returned or withdrawn one may be resubmitted), an event group of another
    contest, an ineligible person (cities, job groups, level range). `team` (a Team or a team
    name) joins or forms a team of the same event group when the contest is for teams.
    """
    check_registration(person=person, contest=contest, event_group=event_group, actor=actor, check_window=check_window)
    if is_team_contest(contest) and (team is None or (isinstance(team, str) and not team.strip())):
        raise ValidationError(_("本竞赛为团体赛，报名时请填写队名（填写新队名即组建新队伍）。"))
    nominated_by = actor if actor.pk != person.pk else None
    registration = Registration.objects.select_for_update().filter(contest=contest, person=person).first()
    before = None
    if registration is not None:
        before = {"status": registration.status, "event_group": registration.event_group_id}
        registration.status = RegistrationStatus.PENDING
        registration.event_group = event_group
        registration.nominated_by = nominated_by
        registration.review_reason = ""
        registration.save()
    else:
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    contest=contest, event_group=event_group, person=person, nominated_by=nominated_by
                )
        except IntegrityError as exc:
            raise ValidationError(_("%(p)s 已报名本竞赛，不能重复报名。") % {"p": person.real_name}) from exc
    audit(
        actor,
        "contest.register" if nominated_by is None else "contest.nominate",
        registration,
        before=before,
        after={"contest": contest.pk, "event_group": event_group.pk, "person": person.pk},
    )
    if team is not None and team != "":
        join_team(registration, team, actor=actor)
    return registration


@transaction.atomic
def withdraw_registration(registration: Registration, *, actor: User) -> Registration:
    """The person (or their nominating admin, or an organizer) withdraws a pending or approved
    registration before the contest starts (`selectors.withdraw_problem` states the rule the
    contest page follows too); the ticket and team place go with it."""
    if actor.pk not in (registration.person_id, registration.nominated_by_id) and not can_manage(
        actor, registration.contest
    ):
        raise PermissionDenied(_("只能撤回本人的报名。"))
    problem = withdraw_problem(registration)
    if problem:
        raise ValidationError(problem)
    before = registration.status
    registration.status = RegistrationStatus.WITHDRAWN
    registration.save(update_fields=["status"])
    Ticket.objects.filter(registration=registration).delete()
    TeamMember.objects.filter(registration=registration).delete()
    audit(actor, "contest.withdraw", registration, before={"status": before}, after={"status": registration.status})
    return registration


@transaction.atomic
def review_registration(registration: Registration, *, actor: User, approve: bool, reason: str = "") -> Registration:
    """Approve (and issue the admission ticket) or return a pending registration with a reason.

    Only the contest's organizers may review; returning needs a reason, which the person sees.
    """
    require_manager(actor, registration.contest)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status != RegistrationStatus.PENDING:
        raise ValidationError(_("该报名已审核（%(s)s），无需重复操作。") % {"s": locked.get_status_display()})
    if not approve and not reason.strip():
        raise ValidationError(_("退回报名时请填写退回理由，方便报名人修改后重新提交。"))
    locked.status = RegistrationStatus.APPROVED if approve else RegistrationStatus.RETURNED
    locked.review_reason = reason.strip()
    locked.save(update_fields=["status", "review_reason"])
    decision = audit(
        actor,
        "contest.registration.approve" if approve else "contest.registration.return",
        locked,
        before={"status": RegistrationStatus.PENDING},
        after={"status": locked.status},
        reason=reason,
    )
    contest = locked.contest
    if approve:
        with in_language_of(locked.person):
            notify(
                locked.person,
                NoticeKind.REGISTRATION,
                title=_("报名已通过：%(contest)s") % {"contest": contest.title},
                body=_("您的报名已审核通过。"),
                url=reverse("competitions:detail", args=[contest.slug]),
                dedupe_key=f"{locked.pk}:{decision.pk}",
                level=NoticeLevel.SUCCESS,
            )
        issue_ticket(locked, actor=actor)
    else:
        with in_language_of(locked.person):
            notify(
                locked.person,
                NoticeKind.REGISTRATION,
                title=_("报名被退回：%(contest)s") % {"contest": contest.title},
                body=_("退回理由：%(reason)s。修改后可重新提交。") % {"reason": locked.review_reason},
                url=reverse("competitions:detail", args=[contest.slug]),
                dedupe_key=f"{locked.pk}:{decision.pk}",
                level=NoticeLevel.WARNING,
            )
    registration.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


def issue_ticket(registration: Registration, *, actor: User | None = None) -> Ticket:
    """Issue the admission ticket of an approved registration; idempotent (returns the existing one).

    The number follows `selectors.ticket_number`; the access code is six random digits from
    `secrets`. Concurrent issues for the same group retry with the next sequence number.
    """
    existing = Ticket.objects.filter(registration=registration).first()
    if existing is not None:
        return existing
    if registration.status != RegistrationStatus.APPROVED:
        raise ValidationError(_("报名审核通过后才能生成准考证。"))
    contest = registration.contest
    group = registration.event_group
    for attempt in range(20):
        sequence = Ticket.objects.filter(registration__event_group=group).count() + 1 + attempt
        number = ticket_number(contest, group, sequence)
        try:
            with transaction.atomic():
                ticket = Ticket.objects.create(registration=registration, number=number)
        except IntegrityError:
            existing = Ticket.objects.filter(registration=registration).first()
            if existing is not None:
                return existing
            continue
        audit(actor, "contest.ticket.issue", ticket, after={"number": number, "registration": registration.pk})
        with in_language_of(registration.person):
            notify(
                registration.person,
                NoticeKind.TICKET,
                title=_("准考证已生成：%(contest)s") % {"contest": contest.title},
                body=_("准考证号 %(number)s。请在考前打印或保存准考证，并核对考试时间和地点。") % {"number": number},
                url=reverse("competitions:ticket", args=[contest.slug]),
                dedupe_key=str(ticket.pk),
                level=NoticeLevel.SUCCESS,
            )
        return ticket
    raise ValidationError(_("准考证号生成冲突，请稍后重试。"))


@transaction.atomic
def draw_check_in_numbers(contest: Contest, *, actor: User) -> int:
    """Draw 检录号 for every entrant (contestant, or team in a team contest) that has none yet;
    returns how many were drawn. Numbers are 3 digits (more past 999), unique per contest, and
    assigned in a random order (`secrets`), so they say nothing about registration order,
    organization or ticket. Numbers already drawn never change; contestants approved later get
    free numbers the same way. Audited."""
    require_manager(actor, contest)
    Contest.objects.select_for_update().filter(pk=contest.pk).first()
    registrations_done = set(contest.check_ins.exclude(registration=None).values_list("registration_id", flat=True))
    teams_done = set(contest.check_ins.exclude(team=None).values_list("team_id", flat=True))
    pending: list[Entrant] = []
    for group in contest.event_groups.order_by("id"):
        for entrant in entrants(group):
            done = (
                entrant.team_id in teams_done if entrant.team_id else entrant.registration_ids[0] in registrations_done
            )
            if not done:
                pending.append(entrant)
    if not pending:
        return 0
    taken = set(contest.check_ins.values_list("number", flat=True))
    size = len(taken) + len(pending)
    width = max(3, len(str(size)))
    free = [f"{n:0{width}d}" for n in range(1, size + 1) if f"{n:0{width}d}" not in taken]
    secrets.SystemRandom().shuffle(free)
    for entrant, number in zip(pending, free, strict=False):
        if entrant.team_id:
            CheckIn.objects.create(contest=contest, number=number, team_id=entrant.team_id)
        else:
            CheckIn.objects.create(contest=contest, number=number, registration_id=entrant.registration_ids[0])
    audit(actor, "contest.check_in.draw", contest, after={"drawn": len(pending), "total": size})
    return len(pending)
