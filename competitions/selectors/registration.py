"""Reads about taking part: eligibility, the registration window, registrations and teams,
tickets and 检录号, and what a person may do on a contest's page (`registration_actions`).

The refusal reasons here are the ones the actions raise, so a page that shows what these
selectors answer agrees with what the actions would do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from competitions.models import (
    AppealStatus,
    CheckIn,
    Contest,
    ContestStatus,
    EventGroup,
    Registration,
    RegistrationStatus,
    Result,
    Team,
    TeamMember,
)
from competitions.selectors.access import enterprise_admin_org_ids, rules_for
from talent.models import Achievement, AchievementKind, SkillLevel

ACTIVE_STATUSES = (RegistrationStatus.PENDING, RegistrationStatus.APPROVED)


def current_level(person: User) -> str:
    """The person's highest approved skill level from the talent ledger ('' for none)."""
    best = ""
    rows = Achievement.objects.filter(person=person, kind=AchievementKind.SKILL_LEVEL, revoked_at__isnull=True)
    for data in rows.values_list("data", flat=True):
        level = (data or {}).get("level", "")
        if SkillLevel.rank(level) > SkillLevel.rank(best):
            best = level
    return best


def eligibility_problems(person: User, contest: Contest) -> list[str]:
    """Reasons (Chinese) why a person may not take part in a contest; empty when eligible.

    Rules: the person's city (own region or their organization's) must be one of the
    contest's cities when any are set; their job group one of the listed groups when any are
    set; their current skill level within [min_level, max_level] when set (no level counts as
    below every level).
    """
    rules = rules_for(contest)
    problems: list[str] = []
    city_ids = set(rules.eligible_cities.values_list("id", flat=True))
    if city_ids:
        cities = person_city_ids(person)
        if not cities & city_ids:
            names = "、".join(rules.eligible_cities.values_list("name", flat=True))
            problems.append(_("本竞赛仅限以下城市的人员报名：%(c)s。") % {"c": names})
    if rules.eligible_job_groups and person.job_group not in rules.eligible_job_groups:
        problems.append(_("本竞赛不接受该岗位类别的人员报名，请核对个人资料中的岗位类别。"))
    if rules.min_level or rules.max_level:
        level = current_level(person)
        rank = SkillLevel.rank(level)
        if rules.min_level and rank < SkillLevel.rank(rules.min_level):
            problems.append(_("报名需具备%(l)s及以上技能等级。") % {"l": SkillLevel(rules.min_level).label})
        if rules.max_level and rank > SkillLevel.rank(rules.max_level):
            problems.append(
                _("本竞赛面向%(l)s及以下技能等级人员，您的等级已超出范围。") % {"l": SkillLevel(rules.max_level).label}
            )
    return problems


def person_city_ids(person: User) -> set[int]:
    """The cities a person counts as being in for eligibility: their own region's and their
    organization's region's prefecture-level city."""
    cities: set[int] = set()
    for region in (person.region, person.organization.region if person.organization is not None else None):
        if region is not None:
            city = region.city
            if city is not None:
                cities.add(city.pk)
    return cities


def eligible_among(person: User, contests: Iterable[Contest]) -> list[Contest]:
    """The contests whose eligibility rules admit `person`: the rules of `eligibility_problems`,
    read in bulk for a list (the calendar's open contests). Pass contests with `lifecycle` and
    `lifecycle__eligible_cities` prefetched; the person's cities and level are read once."""
    cities = person_city_ids(person)
    level: str | None = None
    admitted: list[Contest] = []
    for contest in contests:
        rules = rules_for(contest)
        city_ids = {city.pk for city in rules.eligible_cities.all()}
        if city_ids and not cities & city_ids:
            continue
        if rules.eligible_job_groups and person.job_group not in rules.eligible_job_groups:
            continue
        if rules.min_level or rules.max_level:
            if level is None:
                level = current_level(person)
            rank = SkillLevel.rank(level)
            if rules.min_level and rank < SkillLevel.rank(rules.min_level):
                continue
            if rules.max_level and rank > SkillLevel.rank(rules.max_level):
                continue
        admitted.append(contest)
    return admitted


def registration_window_problem(contest: Contest, now: datetime | None = None) -> str:
    """Why registration is closed now ('' when open)."""
    now = now or timezone.now()
    if contest.status not in (ContestStatus.OPEN, ContestStatus.RUNNING):
        return _("本竞赛当前不接受报名（状态：%(s)s）。") % {"s": contest.get_status_display()}
    if contest.registration_opens and now < contest.registration_opens:
        return _("报名尚未开始，开始时间为 %(t)s。") % {
            "t": timezone.localtime(contest.registration_opens).strftime("%Y-%m-%d %H:%M")
        }
    if contest.registration_closes and now > contest.registration_closes:
        return _("报名已于 %(t)s 截止，不再接受报名。") % {
            "t": timezone.localtime(contest.registration_closes).strftime("%Y-%m-%d %H:%M")
        }
    return ""


def registration_problem(person: User, contest: Contest, *, check_window: bool = True) -> str:
    """Why `person` cannot be registered for the contest now, whoever registers them ('' when
    they can): the registration window (unless `check_window` is off, for an organizer's bulk
    import), an active (pending or approved) registration — a returned or withdrawn one may be
    resubmitted — and eligibility. `register` raises exactly this reason."""
    if check_window:
        problem = registration_window_problem(contest)
        if problem:
            return problem
    existing = Registration.objects.filter(contest=contest, person=person).first()
    if existing is not None and existing.status in ACTIVE_STATUSES:
        return _("%(p)s 已报名本竞赛（%(s)s），不能重复报名。") % {
            "p": person.real_name,
            "s": existing.get_status_display(),
        }
    return " ".join(eligibility_problems(person, contest))


def withdraw_problem(registration: Registration) -> str:
    """Why a registration cannot be withdrawn ('' when it can): only a pending or approved
    registration, and only before the contest starts (while it is a draft or open)."""
    if registration.status not in ACTIVE_STATUSES:
        return _("该报名状态为“%(s)s”，无需撤回。") % {"s": registration.get_status_display()}
    if registration.contest.status not in (ContestStatus.DRAFT, ContestStatus.OPEN):
        return _("竞赛已开始，不能撤回报名。")
    return ""


def appeal_deadline(contest: Contest) -> datetime | None:
    """The end of the appeal window: publication + `appeal_hours`; None before publication."""
    rules = rules_for(contest)
    if rules.results_published_at is None:
        return None
    return rules.results_published_at + timedelta(hours=rules.appeal_hours)


def appeal_open(contest: Contest) -> bool:
    """Whether the contest's appeal window is open now."""
    deadline = appeal_deadline(contest)
    return deadline is not None and timezone.now() <= deadline


def appeal_problem(registration: Registration) -> str:
    """Why the contestant cannot appeal now ('' when they can): only after publication, within
    the appeal window, for a registration with a result, one pending appeal at a time."""
    deadline = appeal_deadline(registration.contest)
    if deadline is None:
        return _("成绩尚未公布，暂不能申诉。")
    if timezone.now() > deadline:
        return _("申诉期已于 %(t)s 结束，不再受理申诉。") % {
            "t": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
        }
    if not Result.objects.filter(registration=registration).exists():
        return _("该报名没有成绩，无需申诉。")
    if registration.appeals.filter(status=AppealStatus.PENDING).exists():
        return _("您已有一项申诉正在仲裁，请等待结果。")
    return ""


def is_approved_contestant(person: User | AnonymousUser, contest: Contest) -> bool:
    """Whether `person` holds an approved registration for the contest (who may ask the jury)."""
    if not person.is_authenticated:
        return False
    return Registration.objects.filter(contest=contest, person=person, status=RegistrationStatus.APPROVED).exists()


@dataclass(frozen=True)
class RegistrationActions:
    """What a person may do on a contest's page, as the actions would decide it.

    `registered`: they hold a pending or approved registration (the page shows it instead of a
    form). `register`: they may submit a registration for themselves now; otherwise
    `register_problem` says why ('' when the only thing missing is signing in, or when they are
    registered). `withdraw`, `ask` (a question to the jury), `appeal`: the form may be shown.
    `nominate`: she may nominate her organizations' people now.
    """

    registered: bool = False
    register: bool = False
    register_problem: str = ""
    withdraw: bool = False
    ask: bool = False
    appeal: bool = False
    nominate: bool = False


def registration_actions(
    person: User | AnonymousUser, contest: Contest, registration: Registration | None
) -> RegistrationActions:
    """What `person` may do on the contest's page; `registration` is their own (or None).
    The answers use the same rules as `register`, `withdraw_registration`, `ask_clarification`
    and `file_appeal`, so the page never offers what the action would refuse."""
    if not person.is_authenticated:
        return RegistrationActions(register_problem=registration_window_problem(contest))
    registered = registration is not None and registration.status in ACTIVE_STATUSES
    register_problem = "" if registered else registration_problem(person, contest)
    return RegistrationActions(
        registered=registered,
        register=not registered and not register_problem,
        register_problem=register_problem,
        withdraw=registration is not None and not withdraw_problem(registration),
        ask=registration is not None and registration.status == RegistrationStatus.APPROVED,
        appeal=registration is not None and not appeal_problem(registration),
        nominate=person.has_role(Role.ENTERPRISE_ADMIN)
        and bool(enterprise_admin_org_ids(person))
        and not registration_window_problem(contest),
    )


def nomination_choices(user: User | AnonymousUser) -> list[tuple[int, str]]:
    """The people an enterprise admin may nominate (her organizations' active staff), as form
    choices; empty for anyone else."""
    if not user.is_authenticated or not user.has_role(Role.ENTERPRISE_ADMIN):
        return []
    org_ids = enterprise_admin_org_ids(user)
    people = User.objects.filter(organization_id__in=org_ids, is_active=True).order_by("real_name")
    return [(p.pk, f"{p.real_name}（{p.mobile_masked}）") for p in people]


def own_registration(contest: Contest, user: User | AnonymousUser) -> Registration | None:
    """The viewer's own registration for the contest, or None (anonymous viewers have none)."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.select_related("event_group", "contest__lifecycle", "ticket", "team_membership__team")
        .filter(contest=contest, person=user)
        .first()
    )


def registrations_for(contest: Contest) -> QuerySet[Registration]:
    """Every registration of the contest with what the console shows of it."""
    return (
        Registration.objects.filter(contest=contest)
        .select_related(
            "person__organization",
            "event_group",
            "ticket",
            "nominated_by",
            "theory_mark",
            "check_in",
            "team_membership__team__check_in",
        )
        .order_by("event_group_id", "status", "id")
    )


def nominations_for(contest: Contest, user: User | AnonymousUser) -> list[Registration]:
    """For an enterprise admin: the contest's registrations of her organizations' people and
    those she nominated, with their status, review reason, ticket and (once published) result.
    Empty for anyone else."""
    if not user.is_authenticated or not user.has_role(Role.ENTERPRISE_ADMIN):
        return []
    org_ids = enterprise_admin_org_ids(user)
    return list(
        Registration.objects.filter(contest=contest)
        .filter(Q(person__organization_id__in=org_ids) | Q(nominated_by=user))
        .select_related("person", "event_group", "nominated_by", "ticket", "result")
        .order_by("event_group_id", "person__real_name", "id")
    )


def is_team_contest(contest: Contest) -> bool:
    """Whether the contest is for teams (more than one member per team)."""
    return rules_for(contest).team_size_max > 1


def team_of(registration: Registration) -> Team | None:
    """The registration's team, or None."""
    membership = TeamMember.objects.filter(registration=registration).select_related("team").first()
    return membership.team if membership is not None else None


def team_problems(contest: Contest) -> list[str]:
    """Teams below the minimum size (reported before the contest starts)."""
    rules = rules_for(contest)
    if rules.team_size_max < 2:
        return []
    return [
        _("队伍“%(t)s”人数不足 %(n)s 人。") % {"t": team.name, "n": rules.team_size_min}
        for team in contest.teams.all()
        if team.members.count() < rules.team_size_min
    ]


def contest_year(contest: Contest) -> int:
    """The contest's year: that of its theory, practical, registration or creation date."""
    moment = contest.theory_at or contest.practical_at or contest.registration_opens or contest.created_at
    return timezone.localtime(moment).year if moment else timezone.localdate().year


def ticket_number(contest: Contest, event_group: EventGroup, sequence: int) -> str:
    """准考证号: YYYY (contest year) + CCCC (contest id) + GG (event group's position in the
    contest, from 01) + NNNN (sequence within the group), 14 digits, e.g. 20260003010012."""
    position = list(contest.event_groups.order_by("id").values_list("id", flat=True)).index(event_group.pk) + 1
    return f"{contest_year(contest):04d}{contest.pk % 10000:04d}{position % 100:02d}{sequence:04d}"


def check_in_of(registration: Registration) -> str:
    """The 检录号 of a contestant (their team's in a team contest); '' before the draw."""
    team = team_of(registration)
    found = CheckIn.objects.filter(team=team) if team is not None else CheckIn.objects.filter(registration=registration)
    return found.values_list("number", flat=True).first() or ""
