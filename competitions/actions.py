"""Every change of state in the contest lifecycle: registration, tickets, teams, judging,
results, awards, appeals and 以赛代评 promotions.

Views, the admin, the spreadsheet import and the live engine call these functions, so the
permission checks, the Chinese refusal reasons and the audit records live in one place.
Refusals raise `ValidationError` (bad input, with a reason to show) or `PermissionDenied`.
"""

from __future__ import annotations

import logging
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import audit
from accounts.choices import Role
from accounts.models import RoleGrant, User
from competitions.models import (
    Contest,
    ContestRules,
    ContestStatus,
    EventGroup,
    Registration,
    RegistrationStatus,
    Team,
    TeamMember,
    Ticket,
)

log = logging.getLogger(__name__)

TWO = Decimal("0.01")


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


# --- Who may do what ---------------------------------------------------------------------------


def can_manage(user: User | None, contest: Contest) -> bool:
    """Province admins manage every contest; an organizer manages the contests listing them."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.has_role(Role.PROVINCE_ADMIN):
        return True
    if not user.has_role(Role.ORGANIZER):
        return False
    return contest.created_by_id == user.pk or contest.organizers.filter(pk=user.pk).exists()


def _require_manager(user: User | None, contest: Contest) -> None:
    if not can_manage(user, contest):
        raise PermissionDenied(_("只有本竞赛的组织者可以执行此操作。"))


def rules_for(contest: Contest) -> ContestRules:
    """The lifecycle settings of a contest, created with defaults on first use."""
    cached = getattr(contest, "_rules", None)
    if cached is None:
        cached, _created = ContestRules.objects.get_or_create(contest=contest)
        contest._rules = cached
    return cached


def enterprise_admin_org_ids(user: User) -> set[int]:
    """Organizations whose staff `user` may nominate (enterprise admin grants)."""
    ids: set[int] = set()
    for grant in RoleGrant.objects.filter(user=user, role=Role.ENTERPRISE_ADMIN):
        org_id = grant.organization_id or user.organization_id
        if org_id:
            ids.add(org_id)
    return ids


# --- Eligibility -------------------------------------------------------------------------------


def current_level(person: User) -> str:
    """The person's highest approved skill level from the talent ledger ('' for none)."""
    from talent.models import Achievement, AchievementKind, SkillLevel

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
    from talent.models import SkillLevel

    rules = rules_for(contest)
    problems: list[str] = []
    city_ids = set(rules.eligible_cities.values_list("id", flat=True))
    if city_ids:
        cities = set()
        for region in (person.region, person.organization.region if person.organization_id else None):
            if region is not None:
                city = region.city
                if city is not None:
                    cities.add(city.pk)
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


def registration_window_problem(contest: Contest, now: Any = None) -> str:
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


# --- Registration ------------------------------------------------------------------------------


def check_registration(
    *, person: User, contest: Contest, event_group: EventGroup, actor: User, check_window: bool = True
) -> None:
    """Raise ValidationError/PermissionDenied if `actor` may not register `person` now."""
    if event_group.contest_id != contest.pk:
        raise ValidationError(_("所选赛项不属于本竞赛。"))
    nominating = bool(person.organization_id and person.organization_id in enterprise_admin_org_ids(actor))
    if actor.pk != person.pk and not can_manage(actor, contest) and not nominating:
        raise PermissionDenied(_("只能为本人报名，或由所在单位的企业管理员推荐报名。"))
    if check_window:
        problem = registration_window_problem(contest)
        if problem:
            raise ValidationError(problem)
    existing = Registration.objects.filter(contest=contest, person=person).first()
    if existing is not None and existing.status in (RegistrationStatus.PENDING, RegistrationStatus.APPROVED):
        raise ValidationError(
            _("%(p)s 已报名本竞赛（%(s)s），不能重复报名。")
            % {"p": person.real_name, "s": existing.get_status_display()}
        )
    problems = eligibility_problems(person, contest)
    if problems:
        raise ValidationError(" ".join(problems))


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
    """The person (or their nominating admin) withdraws a registration before the contest starts."""
    if actor.pk not in (registration.person_id, registration.nominated_by_id) and not can_manage(
        actor, registration.contest
    ):
        raise PermissionDenied(_("只能撤回本人的报名。"))
    if registration.contest.status not in (ContestStatus.DRAFT, ContestStatus.OPEN):
        raise ValidationError(_("竞赛已开始，不能撤回报名。"))
    before = registration.status
    registration.status = RegistrationStatus.WITHDRAWN
    registration.save(update_fields=["status"])
    Ticket.objects.filter(registration=registration).delete()
    audit(actor, "contest.withdraw", registration, before={"status": before}, after={"status": registration.status})
    return registration


@transaction.atomic
def review_registration(registration: Registration, *, actor: User, approve: bool, reason: str = "") -> Registration:
    """Approve (and issue the admission ticket) or return a pending registration with a reason.

    Only the contest's organizers may review; returning needs a reason, which the person sees.
    """
    _require_manager(actor, registration.contest)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status != RegistrationStatus.PENDING:
        raise ValidationError(_("该报名已审核（%(s)s），无需重复操作。") % {"s": locked.get_status_display()})
    if not approve and not reason.strip():
        raise ValidationError(_("退回报名时请填写退回理由，方便报名人修改后重新提交。"))
    locked.status = RegistrationStatus.APPROVED if approve else RegistrationStatus.RETURNED
    locked.review_reason = reason.strip()
    locked.save(update_fields=["status", "review_reason"])
    audit(
        actor,
        "contest.registration.approve" if approve else "contest.registration.return",
        locked,
        before={"status": RegistrationStatus.PENDING},
        after={"status": locked.status},
        reason=reason,
    )
    if approve:
        issue_ticket(locked, actor=actor)
    registration.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


def contest_year(contest: Contest) -> int:
    moment = contest.theory_at or contest.practical_at or contest.registration_opens or contest.created_at
    return timezone.localtime(moment).year if moment else timezone.localdate().year


def ticket_number(contest: Contest, event_group: EventGroup, sequence: int) -> str:
    """准考证号: YYYY (contest year) + CCCC (contest id) + GG (event group's position in the
    contest, from 01) + NNNN (sequence within the group), 14 digits, e.g. 20260003010012."""
    position = list(contest.event_groups.order_by("id").values_list("id", flat=True)).index(event_group.pk) + 1
    return f"{contest_year(contest):04d}{contest.pk % 10000:04d}{position % 100:02d}{sequence:04d}"


def issue_ticket(registration: Registration, *, actor: User | None = None) -> Ticket:
    """Issue the admission ticket of an approved registration; idempotent (returns the existing one).

    The number follows `ticket_number`; the access code is six random digits from `secrets`.
    Concurrent issues for the same group retry with the next sequence number.
    """
    existing = Ticket.objects.filter(registration=registration).first()
    if existing is not None:
        return existing
    if registration.status != RegistrationStatus.APPROVED:
        raise ValidationError(_("报名审核通过后才能生成准考证。"))
    contest = registration.contest
    group = registration.event_group
    for _attempt in range(20):
        sequence = Ticket.objects.filter(registration__event_group=group).count() + 1 + _attempt
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
        return ticket
    raise ValidationError(_("准考证号生成冲突，请稍后重试。"))


# --- Teams -------------------------------------------------------------------------------------


@transaction.atomic
def join_team(registration: Registration, team: Team | str, *, actor: User) -> Team:
    """Put a registration in a team (created by name if needed). Teams belong to one event group
    and hold between `team_size_min` and `team_size_max` members; individual contests refuse."""
    contest = registration.contest
    rules = rules_for(contest)
    if rules.team_size_max < 2:
        raise ValidationError(_("本竞赛为个人赛，不组队。"))
    if isinstance(team, str):
        name = team.strip()
        if not name:
            raise ValidationError(_("请填写队名。"))
        team, _created = Team.objects.get_or_create(
            contest=contest, name=name[:60], defaults={"event_group": registration.event_group}
        )
    team = Team.objects.select_for_update().get(pk=team.pk)
    if team.contest_id != contest.pk or team.event_group_id != registration.event_group_id:
        raise ValidationError(_("队伍“%(t)s”不属于该报名的赛项。") % {"t": team.name})
    if TeamMember.objects.filter(registration=registration).exclude(team=team).exists():
        raise ValidationError(_("%(p)s 已在其他队伍中。") % {"p": registration.person.real_name})
    if team.members.exclude(registration=registration).count() >= rules.team_size_max:
        raise ValidationError(_("队伍“%(t)s”已满（最多 %(n)s 人）。") % {"t": team.name, "n": rules.team_size_max})
    TeamMember.objects.get_or_create(team=team, registration=registration)
    audit(actor, "contest.team.join", registration, after={"team": team.name})
    return team


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


# --- Setup -------------------------------------------------------------------------------------


def can_create_contest(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.ORGANIZER, Role.PROVINCE_ADMIN))


@transaction.atomic
def create_contest(*, actor: User, title: str, slug: str, **fields: Any) -> Contest:
    """Create a contest (draft) with its lifecycle rules; the creator becomes an organizer.

    `fields` may hold Contest fields and ContestRules fields (`eligible_cities` a list of regions).
    The theory weight must be within 0–1 and, by provincial practice, defaults to 0.3.
    """
    if not can_create_contest(actor):
        raise PermissionDenied(_("只有赛事组织者可以创建竞赛。"))
    if Contest.objects.filter(slug=slug).exists():
        raise ValidationError(_("网址标识“%(s)s”已被使用，请换一个。") % {"s": slug})
    contest_fields, rules_fields = _split_fields(fields)
    contest = Contest(title=title.strip(), slug=slug, created_by=actor, **contest_fields)
    contest.full_clean()
    contest.save()
    contest.organizers.add(actor)
    _apply_rules(contest, rules_fields)
    audit(actor, "contest.create", contest, after={"title": contest.title, "level": contest.level})
    return contest


@transaction.atomic
def update_contest(contest: Contest, *, actor: User, **fields: Any) -> Contest:
    """Change a contest's settings; audited with the changed fields."""
    _require_manager(actor, contest)
    contest_fields, rules_fields = _split_fields(fields)
    before = {k: str(getattr(contest, k)) for k in contest_fields}
    for key, value in contest_fields.items():
        setattr(contest, key, value)
    contest.full_clean()
    contest.save()
    _apply_rules(contest, rules_fields)
    audit(actor, "contest.update", contest, before=before, after={k: str(v) for k, v in contest_fields.items()})
    return contest


_CONTEST_FIELDS = {
    "title",
    "level",
    "organizing_body",
    "region",
    "summary",
    "rules",
    "status",
    "registration_opens",
    "registration_closes",
    "theory_at",
    "practical_at",
    "theory_weight",
}


def _split_fields(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    contest_fields = {k: v for k, v in fields.items() if k in _CONTEST_FIELDS}
    rules_fields = {k: v for k, v in fields.items() if k not in _CONTEST_FIELDS}
    return contest_fields, rules_fields


def _apply_rules(contest: Contest, rules_fields: dict[str, Any]) -> None:
    rules = rules_for(contest)
    cities = rules_fields.pop("eligible_cities", None)
    for key, value in rules_fields.items():
        if not hasattr(rules, key) or key in ("id", "contest"):
            raise ValidationError(_("未知的竞赛设置：%(k)s") % {"k": key})
        setattr(rules, key, value)
    if rules.team_size_max < rules.team_size_min:
        raise ValidationError(_("每队最多人数不能少于最少人数。"))
    if rules.team_size_max > 1 and not (rules.team_size_min >= 2 and rules.team_size_max <= 3):
        raise ValidationError(_("团体赛每队 2—3 人。"))
    if (
        contest.registration_opens
        and contest.registration_closes
        and contest.registration_opens > contest.registration_closes
    ):
        raise ValidationError(_("报名截止时间不能早于报名开始时间。"))
    rules.full_clean(exclude=["contest"])
    rules.save()
    if cities is not None:
        rules.eligible_cities.set(cities)


@transaction.atomic
def add_event_group(contest: Contest, *, actor: User, name: str, domain: str = "") -> EventGroup:
    _require_manager(actor, contest)
    name = name.strip()
    if not name:
        raise ValidationError(_("请填写赛项名称。"))
    if contest.event_groups.filter(name=name).exists():
        raise ValidationError(_("赛项“%(n)s”已存在。") % {"n": name})
    group = EventGroup.objects.create(contest=contest, name=name, domain=domain)
    audit(actor, "contest.event_group.add", group, after={"name": name, "domain": domain})
    return group
