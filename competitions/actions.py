"""Every change of state in the contest lifecycle: registration, tickets, teams, judging,
results, awards, appeals and 以赛代评 promotions.

Views, the admin, the spreadsheet import and the live engine call these functions, so the
permission checks, the Chinese refusal reasons and the audit records live in one place.
Refusals raise `ValidationError` (bad input, with a reason to show) or `PermissionDenied`.
"""

from __future__ import annotations

import importlib
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.actions import audit
from accounts.choices import Role
from accounts.models import RoleGrant, User
from accounts.selectors import granted_org_ids
from competitions import scoring
from competitions.models import (
    AWARD_ORDER,
    Aggregation,
    Appeal,
    AppealStatus,
    Award,
    AwardMode,
    CheckIn,
    Clarification,
    Contest,
    ContestRules,
    ContestStatus,
    EventGroup,
    ItemKind,
    JudgeAssignment,
    Mark,
    MarkingItem,
    PracticalAbsence,
    PracticalTask,
    Promotion,
    PromotionRule,
    Registration,
    RegistrationStatus,
    Rescore,
    Result,
    SignOff,
    Team,
    TeamMember,
    TheoryMark,
    Ticket,
    level_label,
)

log = logging.getLogger(__name__)

TWO = Decimal("0.01")


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    """A decimal without trailing zeros and without exponent: 40.00 → "40", 2.50 → "2.5"."""
    text = f"{_q(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


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
    """Organizations whose staff `user` may nominate: those her enterprise admin grants name
    (never her own profile's employer)."""
    return set(
        RoleGrant.objects.filter(user=user, role=Role.ENTERPRISE_ADMIN, organization__isnull=False).values_list(
            "organization_id", flat=True
        )
    )


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
    TeamMember.objects.filter(registration=registration).delete()
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
    and hold between `team_size_min` and `team_size_max` members; individual contests refuse.
    Only a colleague (same organization as the team's members) joins an existing team by its
    name; the contest's organizers may put anyone in any team (bulk import)."""
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
    others = team.members.exclude(registration=registration)
    if others.exists() and not can_manage(actor, contest):
        org_ids = set(others.values_list("registration__person__organization_id", flat=True))
        if registration.person.organization_id is None or registration.person.organization_id not in org_ids:
            raise ValidationError(
                _("队伍“%(t)s”由其他单位的选手组建，不能自行加入；如需跨单位组队，请联系组织者编队。")
                % {"t": team.name}
            )
    if others.count() >= rules.team_size_max:
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


RESERVED_SLUGS = frozenset({"manage", "judge", "board"})


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
    if slug in RESERVED_SLUGS:
        raise ValidationError(_("网址标识“%(s)s”为系统保留，请换一个。") % {"s": slug})
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
    if contest.theory_weight > rules.theory_cap:
        raise ValidationError(
            _("理论成绩权重 %(w)s 超过上限 %(c)s；如规程允许，请先提高“理论成绩权重上限”。")
            % {"w": fmt(contest.theory_weight), "c": fmt(rules.theory_cap)}
        )
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


# --- Judging -----------------------------------------------------------------------------------


@transaction.atomic
def assign_judge(
    event_group: EventGroup, judge: User, *, actor: User, is_chief: bool = False, is_arbiter: bool = False
) -> JudgeAssignment:
    """Assign a person holding the judge role to an event group (optionally as chief or arbiter)."""
    _require_manager(actor, event_group.contest)
    if not judge.has_role(Role.JUDGE):
        raise ValidationError(_("%(p)s 不是裁判，不能分配到赛项。") % {"p": judge.real_name})
    assignment, _created = JudgeAssignment.objects.update_or_create(
        event_group=event_group, judge=judge, defaults={"is_chief": is_chief, "is_arbiter": is_arbiter}
    )
    audit(
        actor, "contest.judge.assign", assignment, after={"judge": judge.pk, "chief": is_chief, "arbiter": is_arbiter}
    )
    return assignment


@transaction.atomic
def add_task(event_group: EventGroup, *, actor: User, title: str, description: str = "") -> PracticalTask:
    _require_manager(actor, event_group.contest)
    if not title.strip():
        raise ValidationError(_("请填写实操任务名称。"))
    task = PracticalTask.objects.create(event_group=event_group, title=title.strip(), description=description)
    audit(actor, "contest.task.add", task, after={"title": task.title})
    return task


@transaction.atomic
def add_item(task: PracticalTask, *, actor: User, kind: str, description: str, points: Decimal) -> MarkingItem:
    """Add an item to a marking scheme: a measurement item (a judge enters 0—points) or a
    judgement item (each judge gives 0—3; the item earns aggregate ÷ 3 × points)."""
    _require_manager(actor, task.event_group.contest)
    if SignOff.objects.filter(event_group=task.event_group).exists():
        raise ValidationError(_("裁判长已签字，评分标准不能再修改。"))
    if kind not in ItemKind.values:
        raise ValidationError(_("未知的评分项类型。"))
    points = Decimal(str(points))
    if points <= 0:
        raise ValidationError(_("分值必须大于 0。"))
    if not description.strip():
        raise ValidationError(_("请填写评分项内容。"))
    item = MarkingItem.objects.create(
        task=task, kind=kind, description=description.strip(), points=points, order=task.items.count() + 1
    )
    audit(actor, "contest.item.add", item, after={"kind": kind, "points": str(points)})
    return item


def judge_assignment(judge: User, event_group: EventGroup) -> JudgeAssignment | None:
    return JudgeAssignment.objects.filter(event_group=event_group, judge=judge).first()


# --- Entrants: who is scored and ranked ----------------------------------------------------------


def is_team_contest(contest: Contest) -> bool:
    return rules_for(contest).team_size_max > 1


EntrantKey = tuple[str, int]


@dataclass(frozen=True)
class Entrant:
    """Who is scored and ranked in an event group: one contestant, or in a team contest one team
    (its approved members). An approved registration of a team contest without a team is ranked
    on its own."""

    registration_ids: tuple[int, ...]
    team_id: int | None = None

    @property
    def key(self) -> EntrantKey:
        return ("t", self.team_id) if self.team_id is not None else ("r", self.registration_ids[0])


def mark_key(registration_id: int | None, team_id: int | None) -> EntrantKey:
    return ("t", team_id) if team_id is not None else ("r", int(registration_id or 0))


def entrants(event_group: EventGroup) -> list[Entrant]:
    """The group's entrants: teams first (by id), then contestants without a team (by id)."""
    reg_ids = list(
        event_group.registrations.filter(status=RegistrationStatus.APPROVED).order_by("id").values_list("id", flat=True)
    )
    if not is_team_contest(event_group.contest):
        return [Entrant((reg_id,)) for reg_id in reg_ids]
    members: dict[int, list[int]] = defaultdict(list)
    for reg_id, team_id in TeamMember.objects.filter(
        registration_id__in=reg_ids, team__event_group=event_group
    ).values_list("registration_id", "team_id"):
        members[team_id].append(reg_id)
    teamed = {reg_id for ids in members.values() for reg_id in ids}
    found = [Entrant(tuple(sorted(ids)), team_id) for team_id, ids in sorted(members.items())]
    found.extend(Entrant((reg_id,)) for reg_id in reg_ids if reg_id not in teamed)
    return found


def team_of(registration: Registration) -> Team | None:
    membership = TeamMember.objects.filter(registration=registration).select_related("team").first()
    return membership.team if membership is not None else None


@transaction.atomic
def draw_check_in_numbers(contest: Contest, *, actor: User) -> int:
    """Draw 检录号 for every entrant (contestant, or team in a team contest) that has none yet;
    returns how many were drawn. Numbers are 3 digits (more past 999), unique per contest, and
    assigned in a random order (`secrets`), so they say nothing about registration order,
    organization or ticket. Numbers already drawn never change; contestants approved later get
    free numbers the same way. Audited."""
    _require_manager(actor, contest)
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


def check_in_numbers(event_group: EventGroup) -> dict[EntrantKey, str]:
    """检录号 per entrant key of a group (entrants without a number are missing)."""
    found: dict[EntrantKey, str] = {}
    for reg_id, team_id, number in CheckIn.objects.filter(contest_id=event_group.contest_id).values_list(
        "registration_id", "team_id", "number"
    ):
        found[mark_key(reg_id, team_id)] = number
    return found


def check_in_of(registration: Registration) -> str:
    """The 检录号 of a contestant (their team's in a team contest); '' before the draw."""
    team = team_of(registration)
    found = CheckIn.objects.filter(team=team) if team is not None else CheckIn.objects.filter(registration=registration)
    return found.values_list("number", flat=True).first() or ""


def is_recused(judge: User, organization_ids: set[int] | list[int]) -> bool:
    """A judge never scores a contestant, or a team with a member, from their own organization:
    the one he works for (an employment record he cannot change himself) or one a role grant
    ties him to (enterprise admin, mentor)."""
    own = granted_org_ids(judge)  # cached on the instance: check_mark runs per imported row
    if judge.organization_id:
        own.add(judge.organization_id)
    return bool(own & set(organization_ids))


def check_mark(
    *,
    judge: User,
    item: MarkingItem,
    value: Decimal | str,
    registration: Registration | None = None,
    team: Team | None = None,
) -> Decimal:
    """Validate one mark for a contestant (`registration`) or a team (`team`, team contests) and
    return it as a Decimal; raise with the reason otherwise.

    Refused: a judge not assigned to the entrant's event group; a judge from the organization of
    the contestant or of any team member (recusal); an item of another event group; a contestant
    not approved (a team without approved members); in a team contest, a mark for a team member
    alone (the team is scored); marks after the chief judge signed off; a value outside 0—max (a
    judgement item takes a whole number 0—3).
    """
    if (registration is None) == (team is None):
        raise ValidationError(_("请指定一名选手或一支参赛队。"))
    if team is not None:
        group = team.event_group
        members = list(
            team.members.filter(registration__status=RegistrationStatus.APPROVED).values_list(
                "registration__person__organization_id", flat=True
            )
        )
        org_ids = {org for org in members if org}
    else:
        assert registration is not None
        group = registration.event_group
        org_ids = {registration.person.organization_id} if registration.person.organization_id else set()
    if judge_assignment(judge, group) is None:
        raise PermissionDenied(_("您不是赛项“%(g)s”的裁判，不能评分。") % {"g": group.name})
    if is_recused(judge, org_ids):
        raise PermissionDenied(_("回避：裁判不能为本单位选手评分。"))
    if item.task.event_group_id != group.pk:
        raise ValidationError(_("该评分项不属于选手所在赛项。"))
    if team is not None:
        if not members:
            raise ValidationError(_("该队没有审核通过的队员，不能评分。"))
    else:
        assert registration is not None
        if registration.status != RegistrationStatus.APPROVED:
            raise ValidationError(_("该选手的报名未通过审核，不能评分。"))
        if is_team_contest(group.contest) and TeamMember.objects.filter(registration=registration).exists():
            raise ValidationError(_("团体赛按队评分，请为该选手所在的参赛队评分。"))
    if SignOff.objects.filter(event_group=group).exists():
        raise ValidationError(_("裁判长已签字，评分已锁定；如需改分请通过申诉仲裁。"))
    if PracticalAbsence.objects.filter(
        **({"team": team} if team is not None else {"registration": registration})
    ).exists():
        raise ValidationError(_("该选手（队）已登记实操缺考，不能评分；如登记有误，请裁判长先撤销缺考登记。"))
    try:
        mark = Decimal(str(value).strip())
    except ArithmeticError as exc:
        raise ValidationError(_("分数必须是数字。")) from exc
    if not mark.is_finite() or mark < 0 or mark > item.max_mark:
        raise ValidationError(
            _("“%(i)s”的分数应在 0 到 %(m)s 之间。") % {"i": item.description, "m": fmt(item.max_mark)}
        )
    if item.kind == ItemKind.JUDGEMENT and mark != mark.to_integral_value():
        raise ValidationError(_("评判项只能给 0、1、2、3 分。"))
    if mark != _q(mark):
        raise ValidationError(_("分数最多保留两位小数。"))
    return mark


@transaction.atomic
def record_mark(
    *,
    judge: User,
    item: MarkingItem,
    value: Decimal | str,
    registration: Registration | None = None,
    team: Team | None = None,
) -> Mark:
    """Record (or change, before sign-off) one judge's mark for a contestant or, in a team
    contest, for a team; every change is audited."""
    mark_value = check_mark(judge=judge, registration=registration, team=team, item=item, value=value)
    who = {"team": team} if team is not None else {"registration": registration}
    existing = Mark.objects.select_for_update().filter(item=item, judge=judge, **who).first()
    before = str(existing.value) if existing else None
    if existing is None:
        existing = Mark.objects.create(item=item, judge=judge, value=mark_value, **who)
    elif existing.value != mark_value:
        existing.value = mark_value
        existing.save(update_fields=["value", "updated_at"])
    audit(judge, "contest.mark", existing, before={"value": before}, after={"value": str(mark_value)})
    return existing


def aggregate(values: list[Decimal], aggregation: str) -> Decimal:
    """Mean of the judges' marks; with the trimmed rule and five or more judges, the highest and
    the lowest mark are dropped first (WorldSkills-style). Empty → 0."""
    if not values:
        return Decimal(0)
    ordered = sorted(values)
    if aggregation == Aggregation.TRIMMED and len(ordered) >= 5:
        ordered = ordered[1:-1]
    return sum(ordered, Decimal(0)) / len(ordered)


def item_points(item: MarkingItem, values: list[Decimal], aggregation: str) -> Decimal:
    agg = aggregate(values, aggregation)
    if item.kind == ItemKind.JUDGEMENT:
        return agg / 3 * item.points
    return agg


def _group_marks(
    event_group: EventGroup,
) -> tuple[list[MarkingItem], dict[tuple[EntrantKey, int], list[Decimal]]]:
    items = list(MarkingItem.objects.filter(task__event_group=event_group).order_by("task_id", "order", "id"))
    marks: dict[tuple[EntrantKey, int], list[Decimal]] = defaultdict(list)
    for reg_id, team_id, item_id, value in Mark.objects.filter(item__in=items).values_list(
        "registration_id", "team_id", "item_id", "value"
    ):
        marks[(mark_key(reg_id, team_id), item_id)].append(value)
    return items, marks


def entrant_practical_scores(event_group: EventGroup) -> dict[EntrantKey, Decimal]:
    """Practical score (0—100, two decimals) per entrant key: the items' aggregated points over
    the scheme's total points. Only counts after the chief's sign-off."""
    rules = rules_for(event_group.contest)
    items, marks = _group_marks(event_group)
    total = sum((item.points for item in items), Decimal(0))
    scores: dict[EntrantKey, Decimal] = {}
    for entrant in entrants(event_group):
        if not total:
            scores[entrant.key] = Decimal(0)
            continue
        earned = sum(
            (item_points(item, marks.get((entrant.key, item.pk), []), rules.aggregation) for item in items),
            Decimal(0),
        )
        scores[entrant.key] = _q(earned / total * 100)
    return scores


def practical_scores(event_group: EventGroup) -> dict[int, Decimal]:
    """Practical score per registration id of the group (a team member has the team's score)."""
    by_key = entrant_practical_scores(event_group)
    return {reg_id: by_key[entrant.key] for entrant in entrants(event_group) for reg_id in entrant.registration_ids}


@dataclass(frozen=True)
class Disagreement:
    registration_id: int | None
    item_id: int
    item: str
    low: Decimal
    high: Decimal
    team_id: int | None = None


def disagreements(event_group: EventGroup) -> list[Disagreement]:
    """Judgement items where the judges' marks for an entrant differ by more than the contest's
    threshold: shown to the chief judge, who reviews them before signing off."""
    rules = rules_for(event_group.contest)
    items, marks = _group_marks(event_group)
    found = []
    for item in items:
        if item.kind != ItemKind.JUDGEMENT:
            continue
        for ((kind, entrant_id), item_id), values in sorted(marks.items()):
            if item_id == item.pk and len(values) > 1 and max(values) - min(values) > rules.disagreement_threshold:
                found.append(
                    Disagreement(
                        entrant_id if kind == "r" else None,
                        item.pk,
                        item.description,
                        min(values),
                        max(values),
                        entrant_id if kind == "t" else None,
                    )
                )
    return found


def practical_absentees(event_group: EventGroup) -> set[EntrantKey]:
    """Entrant keys the chief judge recorded as 缺考 in the group's practical part."""
    return {
        mark_key(reg_id, team_id)
        for reg_id, team_id in PracticalAbsence.objects.filter(event_group=event_group).values_list(
            "registration_id", "team_id"
        )
    }


@transaction.atomic
def set_practical_absence(
    event_group: EventGroup,
    *,
    actor: User,
    absent: bool,
    registration: Registration | None = None,
    team: Team | None = None,
) -> PracticalAbsence | None:
    """The group's chief judge records (or, if recorded by mistake, withdraws) that an entrant
    did not sit the practical part: 缺考. Such an entrant needs no marks for the sign-off and,
    with no theory part either, is absent from the results (`scoring.took_part`).

    Refused: anyone but the group's chief judge; after the sign-off; an entrant of another
    group; recording it for an entrant who already has marks (a contestant who came and scored
    0 is not absent). Audited (`contest.practical_absence`, before/after).
    """
    assignment = judge_assignment(actor, event_group)
    if assignment is None or not assignment.is_chief:
        raise PermissionDenied(_("只有本赛项的裁判长可以登记实操缺考。"))
    if (registration is None) == (team is None):
        raise ValidationError(_("请指定一名选手或一支参赛队。"))
    if SignOff.objects.filter(event_group=event_group).exists():
        raise ValidationError(_("裁判长已签字，评分已锁定，不能再登记或撤销缺考。"))
    entrant_group = team.event_group_id if team is not None else registration.event_group_id  # type: ignore[union-attr]
    if entrant_group != event_group.pk:
        raise ValidationError(_("该选手（队）不属于本赛项。"))
    who: dict[str, Any] = {"team": team} if team is not None else {"registration": registration}
    existing = PracticalAbsence.objects.select_for_update().filter(**who).first()
    if not absent:
        if existing is not None:
            audit(actor, "contest.practical_absence", existing, before={"absent": True}, after={"absent": False})
            existing.delete()
        return None
    if existing is not None:
        return existing
    if Mark.objects.filter(**who).exists():
        raise ValidationError(_("该选手（队）已有评分，说明参加了实操，不能登记缺考；如需改分请修改评分。"))
    absence = PracticalAbsence.objects.create(event_group=event_group, recorded_by=actor, **who)
    audit(actor, "contest.practical_absence", absence, before={"absent": False}, after={"absent": True})
    return absence


def missing_marks(event_group: EventGroup) -> int:
    """(entrant, item) pairs without any mark, and judgement items with fewer than two judges;
    an entrant the chief judge recorded as 缺考 in the practical needs no marks."""
    items, marks = _group_marks(event_group)
    excused = practical_absentees(event_group)
    missing = 0
    for entrant in entrants(event_group):
        if entrant.key in excused:
            continue
        for item in items:
            needed = 2 if item.kind == ItemKind.JUDGEMENT else 1
            if len(marks.get((entrant.key, item.pk), [])) < needed:
                missing += 1
    return missing


@transaction.atomic
def sign_off(event_group: EventGroup, *, actor: User, note: str = "") -> SignOff:
    """The chief judge signs the group's practical marks; they count (and lock) from now on.

    Refused for anyone but the group's chief judge, while marks are missing (each item needs
    a mark per contestant, a judgement item marks from at least two judges), and, when judges
    disagree beyond the threshold, without a note saying how the disagreement was reviewed.
    """
    assignment = judge_assignment(actor, event_group)
    if assignment is None or not assignment.is_chief:
        raise PermissionDenied(_("只有本赛项的裁判长可以签字确认成绩。"))
    if SignOff.objects.filter(event_group=event_group).exists():
        raise ValidationError(_("本赛项的实操成绩已签字确认。"))
    missing = missing_marks(event_group)
    if missing:
        raise ValidationError(_("还有 %(n)s 项评分未完成，不能签字。") % {"n": missing})
    flagged = disagreements(event_group)
    if flagged and not note.strip():
        raise ValidationError(_("有 %(n)s 处评判分差超过阈值，请复核后填写复核说明再签字。") % {"n": len(flagged)})
    signoff = SignOff.objects.create(event_group=event_group, signed_by=actor, note=note.strip())
    audit(
        actor, "contest.signoff", signoff, after={"event_group": event_group.pk, "flagged": len(flagged)}, reason=note
    )
    return signoff


# --- Theory scores -----------------------------------------------------------------------------


def live_theory_scores(contest: Contest) -> dict[int, Decimal]:
    """Theory scores from the live engine (0—100 per registration id); {} when it has none."""
    try:
        module = importlib.import_module("competitions.live.selectors")
    except ImportError:
        return {}
    reader = getattr(module, "theory_scores", None)
    if reader is None:
        return {}
    return {int(k): Decimal(str(v)) for k, v in (reader(contest) or {}).items()}


def theory_scores(contest: Contest) -> dict[int, Decimal]:
    """Theory score per registration id: the live engine's where it has one, otherwise the mark
    an organizer entered (a theory exam held outside the platform); missing counts as 0."""
    scores = {
        reg_id: score
        for reg_id, score in TheoryMark.objects.filter(registration__contest=contest).values_list(
            "registration_id", "score"
        )
    }
    scores.update(live_theory_scores(contest))
    return scores


@transaction.atomic
def set_theory_mark(registration: Registration, *, actor: User, score: Decimal | str) -> TheoryMark:
    """An organizer enters a theory score (0—100); refused where the live engine has a score."""
    _require_manager(actor, registration.contest)
    if registration.pk in live_theory_scores(registration.contest):
        raise ValidationError(_("该选手已有线上理论考试成绩，不能手工录入。"))
    try:
        value = Decimal(str(score).strip())
    except ArithmeticError as exc:
        raise ValidationError(_("理论成绩必须是数字。")) from exc
    if not value.is_finite() or value < 0 or value > 100:
        raise ValidationError(_("理论成绩应在 0 到 100 之间。"))
    existing = TheoryMark.objects.filter(registration=registration).first()
    before = str(existing.score) if existing else None
    mark, _created = TheoryMark.objects.update_or_create(
        registration=registration, defaults={"score": _q(value), "entered_by": actor}
    )
    audit(actor, "contest.theory_mark", mark, before={"score": before}, after={"score": str(mark.score)})
    return mark


# --- Results -----------------------------------------------------------------------------------

TIE_BREAK = _(
    "总成绩高者名次在前；总成绩相同时实操成绩高者在前；仍相同时理论成绩高者在前；三项均相同者名次并列，"
    "并列者获得相同奖项。"
)


TEAM_RULE = _(
    "团体赛按队排名和评奖：实操由裁判按队评分，队伍理论成绩为队员理论成绩的平均分（缺考计 0 分），"
    "奖项名额按参赛队数计算，获奖队伍的每名队员均获得获奖证书。"
)


@dataclass(frozen=True)
class ResultRow:
    """A computed result. An absent entrant (`scoring.took_part`) has rank None, no award and
    zero scores."""

    registration_id: int
    event_group_id: int
    theory: Decimal
    practical: Decimal
    final: Decimal
    rank: int | None
    award: str
    team_id: int | None = None
    absent: bool = False


RESULT_FIELDS = ("event_group_id", "theory", "practical", "final", "rank", "award", "team_id", "absent")


def final_score(
    theory: Decimal, practical: Decimal, theory_weight: Decimal, practical_weight: Decimal | None = None
) -> Decimal:
    """Weighted total: theory × w + practical × (1 − w), both 0—100, rounded half-up to 0.01.
    `practical_weight` defaults to 1 − w (see `scoring.part_weights` for the weights a contest's
    parts give)."""
    if practical_weight is None:
        practical_weight = 1 - theory_weight
    return _q(theory * theory_weight + practical * practical_weight)


def rank_rows(rows: list[tuple[Any, Decimal, Decimal, Decimal]]) -> dict[Any, int]:
    """Competition ranking (1, 1, 3) of (id, final, practical, theory) by the published tie-break;
    the id is a registration id or an entrant key."""
    ordered = sorted(rows, key=lambda r: (-r[1], -r[2], -r[3], r[0]))
    ranks: dict[Any, int] = {}
    previous: tuple[Decimal, Decimal, Decimal] | None = None
    for position, (reg_id, final, practical, theory) in enumerate(ordered, start=1):
        key = (final, practical, theory)
        ranks[reg_id] = ranks[ordered[position - 2][0]] if key == previous else position
        previous = key
    return ranks


def award_counts(rules: ContestRules, contestants: int) -> dict[str, int]:
    """Places per award: by share (share × contestants rounded half-up) or by fixed counts."""
    counts = {}
    for award in AWARD_ORDER:
        quota = rules.award_quota(award)
        if rules.award_mode == AwardMode.SHARE:
            counts[award] = int((quota * contestants).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        else:
            counts[award] = int(quota)
    return counts


def allocate_awards(ranks: dict[Any, int], rules: ContestRules) -> dict[Any, str]:
    """Award per id, in rank order: the first award whose cumulative places reach the rank.
    Tied entrants share their rank, so ties at a boundary all get the higher award. In a team
    contest the places are counted in teams."""
    counts = award_counts(rules, len(ranks))
    awards: dict[Any, str] = {}
    for reg_id, rank in ranks.items():
        cumulative = 0
        awards[reg_id] = ""
        for award in AWARD_ORDER:
            cumulative += counts[award]
            if counts[award] and rank <= cumulative:
                awards[reg_id] = award
                break
    return awards


def unsigned_groups(contest: Contest) -> list[EventGroup]:
    return [
        group
        for group in contest.event_groups.all()
        if group.practical_tasks.exists() and not SignOff.objects.filter(event_group=group).exists()
    ]


def team_theory(scores: list[Decimal]) -> Decimal:
    """A team's theory score: the mean of its members' theory scores (a member without a score
    counts 0), rounded half-up to 0.01."""
    if not scores:
        return Decimal(0)
    return _q(sum(scores, Decimal(0)) / len(scores))


def _theory_takers(contest: Contest) -> tuple[bool, set[int]]:
    """(the contest has a live round with questions, registration ids that answered in one)."""
    try:
        module = importlib.import_module("competitions.live.selectors")
    except ImportError:
        return False, set()
    reader = getattr(module, "theory_takers", None)
    if reader is None:
        return False, set()
    has_round, answered = reader(contest)
    return bool(has_round), {int(reg_id) for reg_id in answered}


def parts_of(group: EventGroup, *, has_live_round: bool, has_theory_marks: bool) -> scoring.Parts:
    """The parts an event group is scored on (`scoring.Parts` states the rule): theory when the
    contest has a live round with questions or any manual theory score; practical when the group
    has a practical task with at least one marking item."""
    return scoring.Parts(
        theory=has_live_round or has_theory_marks,
        practical=MarkingItem.objects.filter(task__event_group=group).exists(),
    )


def compute_results(contest: Contest) -> list[ResultRow]:
    """Results of every approved registration, from the stored marks and theory scores only.

    Weights follow the event group's parts (`scoring.part_weights`: theory only → theory 100 %,
    practical only → practical 100 %, both → `Contest.theory_weight`). An entrant who took part
    in nothing (`scoring.took_part`) is absent: a row with `absent`, no rank, no award, and not
    counted for the award quotas. Ranking (published tie-break) and awards are per entrant of
    each event group among those who took part (a contestant, or a team in a team contest);
    every member of a team gets a row with the team's scores, rank and award.
    """
    rules = rules_for(contest)
    theory = theory_scores(contest)
    has_live_round, answered = _theory_takers(contest)
    manual = set(TheoryMark.objects.filter(registration__contest=contest).values_list("registration_id", flat=True))
    rows: list[ResultRow] = []
    for group in contest.event_groups.order_by("id"):
        parts = parts_of(group, has_live_round=has_live_round, has_theory_marks=bool(manual))
        theory_w, practical_w = scoring.part_weights(parts, contest.theory_weight)
        practical = entrant_practical_scores(group) if parts.practical else {}
        _items, marks = _group_marks(group) if parts.practical else ([], {})
        marked = {key for key, _item_id in marks}
        group_entrants = entrants(group)
        scored = []
        absent = []
        for entrant in group_entrants:
            present = scoring.took_part(
                answered_theory=any(reg_id in answered for reg_id in entrant.registration_ids),
                has_theory_mark=any(reg_id in manual for reg_id in entrant.registration_ids),
                has_practical_marks=entrant.key in marked
                or any(mark_key(reg_id, None) in marked for reg_id in entrant.registration_ids),
            )
            if not present:
                absent.append(entrant)
                continue
            t = team_theory([_q(theory.get(reg_id, Decimal(0))) for reg_id in entrant.registration_ids])
            p = practical.get(entrant.key, Decimal(0))
            scored.append((entrant, final_score(t, p, theory_w, practical_w), p, t))
        ranks = rank_rows([(entrant.key, final, p, t) for entrant, final, p, t in scored])
        awards = allocate_awards(ranks, rules)
        for entrant, final, p, t in scored:
            for reg_id in entrant.registration_ids:
                rows.append(
                    ResultRow(reg_id, group.pk, t, p, final, ranks[entrant.key], awards[entrant.key], entrant.team_id)
                )
        zero = Decimal("0.00")
        for entrant in absent:
            for reg_id in entrant.registration_ids:
                rows.append(ResultRow(reg_id, group.pk, zero, zero, zero, None, "", entrant.team_id, absent=True))
    return sorted(
        rows,
        key=lambda r: (r.event_group_id, r.absent, r.rank or 0, r.team_id or 0, r.registration_id),
    )


def _result_state(result: Result | ResultRow | None) -> dict[str, Any] | None:
    """A result's fields as an audit record shows them (None for no result)."""
    if result is None:
        return None
    return {field: (str(_q(v)) if isinstance(v := getattr(result, field), Decimal) else v) for field in RESULT_FIELDS}


def _store(rows: list[ResultRow]) -> list[tuple[int, dict[str, Any] | None, dict[str, Any]]]:
    """Store the rows; returns (registration id, before, after) for every row that changed."""
    stored = {
        r.registration_id: r for r in Result.objects.filter(registration_id__in=[r.registration_id for r in rows])
    }
    changed = []
    for row in rows:
        before = _result_state(stored.get(row.registration_id))
        after = _result_state(row)
        assert after is not None
        if before == after:
            continue
        Result.objects.update_or_create(
            registration_id=row.registration_id,
            defaults={
                "event_group_id": row.event_group_id,
                "team_id": row.team_id,
                "theory": row.theory,
                "practical": row.practical,
                "final": row.final,
                "rank": row.rank,
                "award": row.award,
                "absent": row.absent,
            },
        )
        changed.append((row.registration_id, before, after))
    return changed


@transaction.atomic
def publish_results(contest: Contest, *, actor: User) -> list[Result]:
    """Compute and publish the final results (never the frozen live board) when the organizer
    decides; every event group's practical marks must be signed off by its chief judge.

    Publishing writes the ledger (a CONTEST_RESULT per contestant, a CONTEST_AWARD per
    awardee), issues award certificates through the LMS and sends 以赛代评 recommendations to
    talent as pending evaluations. All three are idempotent, so publishing again after an
    appeal updates them.
    """
    _require_manager(actor, contest)
    pending = unsigned_groups(contest)
    if pending:
        raise ValidationError(
            _("以下赛项的实操成绩尚未经裁判长签字：%(g)s。") % {"g": "、".join(g.name for g in pending)}
        )
    rows = compute_results(contest)
    _store(rows)
    rules = rules_for(contest)
    first_time = rules.results_published_at is None
    if first_time:
        rules.results_published_at = timezone.now()
        rules.save(update_fields=["results_published_at"])
    before = contest.status
    contest.status = ContestStatus.PUBLISHED
    contest.save(update_fields=["status"])
    audit(
        actor,
        "contest.results.publish" if first_time else "contest.results.republish",
        contest,
        before={"status": before},
        after={"status": contest.status, "results": len(rows)},
    )
    return _follow_results(contest, actor)


ABSENT_REASON = _("缺考：未参加本次竞赛的任何一部分，不排名、不评奖。")


def _follow_results(contest: Contest, actor: User | None) -> list[Result]:
    """The ledger, award certificates and 以赛代评 recommendations follow the stored results:
    fed for those who took part; for an absent contestant, whatever an earlier (wrong) result
    created is withdrawn through talent's and lms's own actions, each with the reason."""
    results = list(
        Result.objects.filter(registration__contest=contest).select_related(
            "registration__person", "event_group", "registration__contest__organizing_body", "team"
        )
    )
    promotion_rules = list(contest.promotion_rules.all())
    promotions = {p.registration_id: p for p in Promotion.objects.filter(registration__contest=contest)}
    for result in results:
        if result.absent:
            _withdraw_absent(result, actor, promotions.get(result.registration_id))
            continue
        _feed_talent(result, actor)
        _follow_promotion(result, actor, promotion_rules, promotions.get(result.registration_id))
    return results


def _withdraw_absent(result: Result, actor: User | None, promotion: Promotion | None) -> None:
    """An absent contestant holds no contest ledger row, no award certificate and no pending
    以赛代评 recommendation: any an earlier publication created is revoked or withdrawn (kept,
    with the reason). A recommendation talent already decided stays as decided."""
    from talent.actions import revoke_achievement, withdraw_evaluation
    from talent.models import AchievementKind, EvaluationStatus

    registration = result.registration
    reason = str(ABSENT_REASON)
    for kind in (AchievementKind.CONTEST_AWARD, AchievementKind.CONTEST_RESULT):
        revoke_achievement(
            person=registration.person,
            kind=kind,
            source=LEDGER_SOURCE[kind],
            source_id=registration.pk,
            reason=reason,
            actor=actor,
        )
    lms_actions = importlib.import_module("lms.actions")
    for certificate in _award_certificates(registration):
        if certificate.revoked_at is None:
            lms_actions.revoke_certificate(certificate, actor=actor, reason=reason)
    if promotion is None:
        return
    evaluation = withdraw_evaluation(
        person=registration.person, source=PROMOTION_SOURCE, source_id=registration.pk, reason=reason, actor=actor
    )
    if evaluation is not None and evaluation.status != EvaluationStatus.WITHDRAWN:
        return  # talent already approved or rejected it
    audit(
        actor,
        "contest.promotion.withdraw",
        promotion,
        before={"level": promotion.target_level, "evaluation": promotion.evaluation_id},
        after={"level": ""},
        reason=reason,
    )
    promotion.delete()


def _differences(contest: Contest, fresh_rows: list[ResultRow]) -> list[str]:
    fresh = {row.registration_id: row for row in fresh_rows}
    stored = {r.registration_id: r for r in Result.objects.filter(registration__contest=contest)}
    differences = []
    for reg_id in sorted(set(fresh) | set(stored)):
        a, b = _result_state(fresh.get(reg_id)), _result_state(stored.get(reg_id))
        if a is None or b is None:
            differences.append(f"registration {reg_id}: {'missing stored' if b is None else 'no longer ranked'}")
            continue
        for field in RESULT_FIELDS:
            if a[field] != b[field]:
                differences.append(f"registration {reg_id} {field}: stored {b[field]} != {a[field]}")
    return differences


def recompute_results(contest: Contest, *, actor: User | None = None) -> list[str]:
    """Recompute the results from the stored marks and answers and compare with the published
    rows; returns the differences (none is expected). Changes nothing but an audit record;
    `correct_results` repairs. Audited."""
    differences = _differences(contest, compute_results(contest))
    audit(actor, "contest.results.recompute", contest, after={"differences": len(differences)})
    return differences


@transaction.atomic
def correct_results(contest: Contest, *, actor: User | None = None, reason: str = "") -> list[str]:
    """Repair published results that the current rules compute differently (results published
    before a rule was fixed: a theory-only contest weighted 30/70, absent people ranked).

    Only for a contest whose results are published; refused otherwise. Stores the recomputed
    rows, writes one audit record `contest.result.correct` per changed result (before, after,
    reason), then lets the ledger, certificates and recommendations follow as a re-publication
    does (`_follow_results`): rows, certificates and pending recommendations that should not
    exist are revoked or withdrawn through talent's and lms's actions. Idempotent: a second run
    finds no difference and changes nothing. Returns the differences found before repairing.
    `actor` None is the system (the `recompute_results` command).
    """
    rules = rules_for(contest)
    if rules.results_published_at is None:
        raise ValidationError(_("竞赛「%(c)s」的成绩尚未公布，无需更正。") % {"c": contest.title})
    rows = compute_results(contest)
    differences = _differences(contest, rows)
    if not differences:
        audit(actor, "contest.results.recompute", contest, after={"differences": 0})
        return []
    why = reason or _("按现行计分规则重算更正（理论/实操权重随竞赛组成部分确定，缺考者不排名、不评奖）。")
    results = {r.registration_id: r for r in Result.objects.filter(registration__contest=contest)}
    for reg_id, before, after in _store(rows):
        target = results.get(reg_id) or Result.objects.get(registration_id=reg_id)
        audit(actor, "contest.result.correct", target, before=before or {}, after=after, reason=why)
    audit(actor, "contest.results.correct", contest, after={"differences": len(differences)}, reason=why)
    _follow_results(contest, actor)
    return differences


def contested_marks(registration: Registration) -> Any:
    """The marks an appeal of this registration may re-score: the contestant's own, and in a
    team contest the marks of their team."""
    return Mark.of_registration(registration.pk)


def _domain(result: Result) -> str:
    return result.event_group.domain or ""


def _feed_talent(result: Result, actor: User | None) -> None:
    """One ledger row per contestant and contest: CONTEST_AWARD for an awardee, otherwise
    CONTEST_RESULT. The talent formula counts an award as contest level × award and a result
    without an award as a share of the level, so an awardee must not also hold a result row;
    when a re-publication after an appeal moves someone across the award line, the row of the
    other kind is revoked (kept, with the reason)."""
    from talent.actions import record_achievement, revoke_achievement
    from talent.models import AchievementKind

    registration = result.registration
    contest = registration.contest
    team = result.team
    data = {
        "contest_level": contest.level,
        "placement": result.rank,
        "award": result.award,
        "event_group": result.event_group.name,
        "domain": _domain(result),
        "final": str(result.final),
    }
    label = f"{contest.title} · {result.event_group.name}"
    if team is not None:
        data["team"] = team.name
        label = f"{label} · {team.name}"
    kept, dropped = (
        (AchievementKind.CONTEST_AWARD, AchievementKind.CONTEST_RESULT)
        if result.award
        else (AchievementKind.CONTEST_RESULT, AchievementKind.CONTEST_AWARD)
    )
    record_achievement(
        person=registration.person,
        kind=kept,
        source=LEDGER_SOURCE[kept],
        source_id=registration.pk,
        title=f"{label} · {result.get_award_display() if result.award else f'第 {result.rank} 名'}",
        data=data,
        actor=actor,
    )
    revoke_achievement(
        person=registration.person,
        kind=dropped,
        source=LEDGER_SOURCE[dropped],
        source_id=registration.pk,
        reason=_("成绩复核后改以%(k)s记录。") % {"k": _("获奖") if result.award else _("竞赛成绩")},
        actor=actor,
    )
    _sync_award_certificate(result, actor)


PROMOTION_SOURCE = "competitions.promotion"
LEDGER_SOURCE = {"contest_award": "competitions.award", "contest_result": "competitions.result"}
CERTIFICATE_SOURCE = "competitions.award"


def issuer_name(contest: Contest) -> str:
    return contest.organizing_body.name if contest.organizing_body_id else contest.title


def _award_certificates(registration: Registration) -> list[Any]:
    """Every award certificate ever issued for a registration: the first has source id
    "<registration id>", one issued after an appeal changed the award "<id>-<award>"."""
    from django.db.models import Q

    from lms.models import Certificate

    return list(
        Certificate.objects.filter(source=CERTIFICATE_SOURCE, holder_id=registration.person_id)
        .filter(Q(source_id=str(registration.pk)) | Q(source_id__startswith=f"{registration.pk}-"))
        .order_by("id")
    )


def _certificate_award(certificate: Any) -> str:
    """The award code a certificate was issued for ("award_code"; certificates issued before it
    was recorded carry only the Chinese label)."""
    code = certificate.details.get("award_code")
    if code:
        return str(code)
    with translation.override("zh-hans"):
        labels = {str(label): value for value, label in Award.choices}
    return labels.get(str(certificate.details.get("award", "")), "")


def _sync_award_certificate(result: Result, actor: User | None) -> Any:
    """The award certificate (LMS certificate machinery, public verification) matches the award:
    issued for an award; revoked with the reason when an appeal removes or changes the award (a
    changed award gets a new certificate). Each team member gets their own certificate. A
    certificate revoked by hand stays revoked (issuing is idempotent per award)."""
    lms_actions = importlib.import_module("lms.actions")
    if not hasattr(lms_actions, "issue_certificate"):
        return None
    registration = result.registration
    certificates = _award_certificates(registration)
    for certificate in certificates:
        if certificate.revoked_at is None and _certificate_award(certificate) != result.award:
            lms_actions.revoke_certificate(
                certificate,
                actor=actor,
                reason=_("成绩复核后奖项变更为：%(a)s。") % {"a": result.get_award_display() or _("未获奖")},
            )
    if not result.award:
        return None
    current = [c for c in certificates if _certificate_award(c) == result.award]
    if current:
        return current[-1]
    taken = {c.source_id for c in certificates}
    source_id = str(registration.pk) if not taken else f"{registration.pk}-{result.award}"
    suffix = 2
    while source_id in taken:
        source_id, suffix = f"{registration.pk}-{result.award}-{suffix}", suffix + 1
    contest = registration.contest
    details = {
        "contest": contest.title,
        "event_group": result.event_group.name,
        "award": result.get_award_display(),
        "award_code": result.award,
        "rank": result.rank,
        "final": str(result.final),
    }
    title = f"{contest.title} {result.event_group.name} {result.get_award_display()}"
    if result.team_id:
        details["team"] = result.team.name
        title = f"{contest.title} {result.event_group.name} {result.team.name} {result.get_award_display()}"
    return lms_actions.issue_certificate(
        holder=registration.person,
        kind="award",
        title=title,
        issuer_name=issuer_name(contest),
        hours=None,
        source=CERTIFICATE_SOURCE,
        source_id=source_id,
        details=details,
        actor=actor,
    )


def award_certificate(registration: Registration) -> Any:
    """The valid LMS certificate of a registration's award, or None."""
    try:
        valid = [c for c in _award_certificates(registration) if c.revoked_at is None]
    except ImportError:
        return None
    return valid[-1] if valid else None


def promotion_for(result: Result, rules: list[PromotionRule], level: str) -> str:
    """The level a result earns under the contest's 以赛代评 rules ('' for none): the rule for
    the award applies when the person's current level is at most `max_current_level` (if set)
    and below the target level."""
    from talent.models import SkillLevel

    for rule in rules:
        if rule.award != result.award:
            continue
        if rule.max_current_level and SkillLevel.rank(level) > SkillLevel.rank(rule.max_current_level):
            return ""
        if SkillLevel.rank(level) >= SkillLevel.rank(rule.target_level):
            return ""
        return rule.target_level
    return ""


def _promotion_target(result: Result, rules: list[PromotionRule]) -> tuple[str, str]:
    """(the person's current level, the level the result earns under the rules, '' for none)."""
    if not result.award or not rules:
        return "", ""
    level = current_level(result.registration.person)
    return level, promotion_for(result, rules, level)


def _propose_promotion(result: Result, actor: User | None, rules: list[PromotionRule]) -> Promotion | None:
    """Send the recommendation the result earns under the contest's 以赛代评 `rules`, if any."""
    level, target = _promotion_target(result, rules)
    if not target:
        return None
    registration = result.registration
    contest = registration.contest
    from talent.actions import propose_evaluation

    evaluation = propose_evaluation(
        person=registration.person,
        level=target,
        category="",
        domain=_domain(result),
        route="contest",
        body=issuer_name(contest),
        evidence={
            "contest": contest.title,
            "contest_level": contest.level,
            "event_group": result.event_group.name,
            "award": result.award,
            "rank": result.rank,
            "final": str(result.final),
            "team": result.team.name if result.team_id else "",
            "current_level": level,
        },
        source=PROMOTION_SOURCE,
        source_id=registration.pk,
        actor=actor,
    )
    promotion, created = Promotion.objects.get_or_create(
        registration=registration, defaults={"target_level": target, "evaluation_id": evaluation.pk}
    )
    if created:
        audit(actor, "contest.promotion.propose", promotion, after={"level": target, "evaluation": evaluation.pk})
    return promotion


def _follow_promotion(
    result: Result, actor: User | None, rules: list[PromotionRule], promotion: Promotion | None
) -> None:
    """After results are published again (an upheld appeal), the 以赛代评 recommendation
    follows the award: one the result no longer earns (award lost, or a different level now)
    is withdrawn in talent while it is still pending, and the level it earns now, if any, is
    proposed. A recommendation talent has already decided stays as decided. `promotion`: the
    registration's current one, if any."""
    from talent.actions import withdraw_evaluation
    from talent.models import EvaluationStatus

    if promotion is None:
        _propose_promotion(result, actor, rules)
        return
    registration = result.registration
    _level, target = _promotion_target(result, rules)
    if target == promotion.target_level:
        return
    evaluation = withdraw_evaluation(
        person=registration.person,
        source=PROMOTION_SOURCE,
        source_id=registration.pk,
        reason=_("申诉改判后奖项变更，原以赛代评推荐（%(l)s）撤回。") % {"l": level_label(promotion.target_level)},
        actor=actor,
    )
    if evaluation is not None and evaluation.status != EvaluationStatus.WITHDRAWN:
        return  # talent already approved or rejected it
    audit(
        actor,
        "contest.promotion.withdraw",
        promotion,
        before={"level": promotion.target_level, "evaluation": promotion.evaluation_id},
        after={"level": target},
    )
    promotion.delete()
    if target:
        _propose_promotion(result, actor, rules)


@transaction.atomic
def set_promotion_rule(
    contest: Contest, *, actor: User, award: str, target_level: str, max_current_level: str = ""
) -> PromotionRule:
    from talent.models import SkillLevel

    _require_manager(actor, contest)
    if award not in Award.values:
        raise ValidationError(_("未知的奖项。"))
    if target_level not in SkillLevel.values or (max_current_level and max_current_level not in SkillLevel.values):
        raise ValidationError(_("未知的技能等级。"))
    rule, _created = PromotionRule.objects.update_or_create(
        contest=contest, award=award, defaults={"target_level": target_level, "max_current_level": max_current_level}
    )
    audit(
        actor, "contest.promotion_rule", rule, after={"award": award, "target": target_level, "max": max_current_level}
    )
    return rule


# --- Clarifications ----------------------------------------------------------------------------


def is_contest_judge(user: User, contest: Contest) -> bool:
    return JudgeAssignment.objects.filter(event_group__contest=contest, judge=user).exists()


# Longest texts a person may send; longer ones are refused with the count, never silently cut.
CLARIFICATION_MAX_CHARS = 2000
ANSWER_MAX_CHARS = 4000
APPEAL_MAX_CHARS = 4000


def _within(text: str, limit: int, what: str) -> None:
    """Refuse a text over `limit` characters (after trimming), saying how long it is."""
    length = len(text.strip())
    if length > limit:
        raise ValidationError(
            _("%(what)s最多 %(max)d 字（当前 %(n)d 字），请精简后再提交。") % {"what": what, "max": limit, "n": length}
        )


@transaction.atomic
def ask_clarification(contest: Contest, *, actor: User, question: str) -> Clarification:
    """A registered contestant asks the jury a question."""
    if not Registration.objects.filter(contest=contest, person=actor, status=RegistrationStatus.APPROVED).exists():
        raise PermissionDenied(_("只有本竞赛的参赛选手可以提问。"))
    if not question.strip():
        raise ValidationError(_("请填写问题。"))
    _within(question, CLARIFICATION_MAX_CHARS, _("问题"))
    clarification = Clarification.objects.create(contest=contest, asked_by=actor, question=question.strip())
    audit(actor, "contest.clarification.ask", clarification)
    return clarification


@transaction.atomic
def answer_clarification(clarification: Clarification, *, actor: User, answer: str, to_all: bool) -> Clarification:
    """The jury (an organizer or a judge of the contest) answers the asker only, or everyone."""
    contest = clarification.contest
    if not (can_manage(actor, contest) or is_contest_judge(actor, contest)):
        raise PermissionDenied(_("只有本竞赛的组织者或裁判可以答复。"))
    if not answer.strip():
        raise ValidationError(_("请填写答复。"))
    _within(answer, ANSWER_MAX_CHARS, _("答复"))
    clarification.answer = answer.strip()
    clarification.to_all = to_all
    clarification.answered_by = actor
    clarification.answered_at = timezone.now()
    clarification.save()
    audit(actor, "contest.clarification.answer", clarification, after={"to_all": to_all})
    return clarification


# --- Appeals -----------------------------------------------------------------------------------


def appeal_deadline(contest: Contest) -> Any:
    rules = rules_for(contest)
    if rules.results_published_at is None:
        return None
    return rules.results_published_at + timedelta(hours=rules.appeal_hours)


@transaction.atomic
def file_appeal(registration: Registration, *, actor: User, reason: str) -> Appeal:
    """The contestant appeals their result within the appeal window after publication."""
    if actor.pk != registration.person_id:
        raise PermissionDenied(_("只能对本人的成绩提出申诉。"))
    deadline = appeal_deadline(registration.contest)
    if deadline is None:
        raise ValidationError(_("成绩尚未公布，暂不能申诉。"))
    if timezone.now() > deadline:
        raise ValidationError(
            _("申诉期已于 %(t)s 结束，不再受理申诉。") % {"t": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")}
        )
    if not reason.strip():
        raise ValidationError(_("请写明申诉理由。"))
    _within(reason, APPEAL_MAX_CHARS, _("申诉理由"))
    if registration.appeals.filter(status=AppealStatus.PENDING).exists():
        raise ValidationError(_("您已有一项申诉正在仲裁，请等待结果。"))
    appeal = Appeal.objects.create(registration=registration, reason=reason.strip())
    audit(actor, "contest.appeal.file", appeal, reason=reason)
    return appeal


def can_arbitrate(user: User, registration: Registration) -> bool:
    """The arbitration group: arbiters of the event group, or the contest's organizers."""
    if can_manage(user, registration.contest):
        return True
    return JudgeAssignment.objects.filter(event_group=registration.event_group, judge=user, is_arbiter=True).exists()


@transaction.atomic
def decide_appeal(
    appeal: Appeal,
    *,
    actor: User,
    uphold: bool,
    decision: str,
    rescores: list[tuple[Mark, Decimal | str, str]] | None = None,
    theory: Decimal | str | None = None,
) -> Appeal:
    """Arbitration decides a pending appeal, with a written decision the appellant sees.

    An upheld appeal may re-score marks (each with its reason, recorded as a Rescore and
    audited) or a manually entered theory score; the results are then published again, so the
    ledger, certificates and recommendations follow. A rejected appeal changes no mark.
    """
    registration = appeal.registration
    if not can_arbitrate(actor, registration):
        raise PermissionDenied(_("只有仲裁组成员可以处理申诉。"))
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.status != AppealStatus.PENDING:
        raise ValidationError(_("该申诉已处理。"))
    if not decision.strip():
        raise ValidationError(_("请填写仲裁意见。"))
    rescores = rescores or []
    if rescores and not uphold:
        raise ValidationError(_("维持原成绩时不能改分。"))
    own_team = team_of(registration)
    for mark, value, reason in rescores:
        if mark.registration_id != registration.pk and (own_team is None or mark.team_id != own_team.pk):
            raise ValidationError(_("只能修改申诉人本人（或其所在参赛队）的评分。"))
        if not reason.strip():
            raise ValidationError(_("每一处改分都必须写明理由。"))
        new = Decimal(str(value))
        if (
            new < 0
            or new > mark.item.max_mark
            or (mark.item.kind == ItemKind.JUDGEMENT and new != new.to_integral_value())
        ):
            raise ValidationError(_("“%(i)s”的分数超出评分标准范围。") % {"i": mark.item.description})
        Rescore.objects.create(appeal=appeal, mark=mark, before=mark.value, after=new, reason=reason.strip())
        audit(
            actor,
            "contest.mark.rescore",
            mark,
            before={"value": str(mark.value)},
            after={"value": str(new)},
            reason=reason,
        )
        mark.value = new
        mark.save(update_fields=["value", "updated_at"])
    if theory is not None and uphold:
        if registration.pk in live_theory_scores(registration.contest):
            raise ValidationError(_("线上理论成绩由系统评定，不能在仲裁中修改。"))
        before = TheoryMark.objects.filter(registration=registration).values_list("score", flat=True).first()
        TheoryMark.objects.update_or_create(
            registration=registration, defaults={"score": _q(Decimal(str(theory))), "entered_by": actor}
        )
        audit(
            actor,
            "contest.theory.rescore",
            registration,
            before={"score": str(before)},
            after={"score": str(theory)},
            reason=decision,
        )
    appeal.status = AppealStatus.UPHELD if uphold else AppealStatus.REJECTED
    appeal.decision = decision.strip()
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.save()
    audit(
        actor,
        "contest.appeal.decide",
        appeal,
        before={"status": AppealStatus.PENDING},
        after={"status": appeal.status},
        reason=decision,
    )
    if uphold and (rescores or theory is not None):
        contest = registration.contest
        rows = compute_results(contest)
        _store(rows)
        audit(actor, "contest.results.republish", contest, after={"appeal": appeal.pk})
        _follow_results(contest, actor)
    return appeal
