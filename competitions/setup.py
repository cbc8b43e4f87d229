"""Setting a contest up: the contest and its rules, event groups, judges, practical tasks and
their marking schemes. Organizers only (province admins too); every change is audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.actions import audit
from accounts.choices import Role
from accounts.models import User
from competitions.models import (
    Contest,
    ContestRules,
    EventGroup,
    ItemKind,
    JudgeAssignment,
    MarkingItem,
    PracticalTask,
    SignOff,
)
from competitions.scoring import fmt
from competitions.selectors import can_create_contest, chief_judge_of, require_manager, rules_for

RESERVED_SLUGS = frozenset({"manage", "judge", "board", "invitations"})

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


@transaction.atomic
def create_contest(*, actor: User, title: str, slug: str, **fields: Any) -> Contest:
    """Create a contest (draft) with its lifecycle rules; the creator becomes an organizer.

    `fields` may hold Contest fields and ContestRules fields (`eligible_cities` a list of regions).
    The theory weight must be within 0–1 and, by provincial practice, defaults to 0.3. The rules
    row is created here, so every contest has one and reading it never writes.
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
    contest.lifecycle = ContestRules.objects.create(contest=contest)
    _apply_rules(contest, rules_fields)
    audit(actor, "contest.create", contest, after={"title": contest.title, "level": contest.level})
    return contest


@transaction.atomic
def update_contest(contest: Contest, *, actor: User, **fields: Any) -> Contest:
    """Change a contest's settings; audited with the changed fields."""
    require_manager(actor, contest)
    contest_fields, rules_fields = _split_fields(fields)
    before = {k: str(getattr(contest, k)) for k in contest_fields}
    for key, value in contest_fields.items():
        setattr(contest, key, value)
    contest.full_clean()
    contest.save()
    _apply_rules(contest, rules_fields)
    audit(actor, "contest.update", contest, before=before, after={k: str(v) for k, v in contest_fields.items()})
    return contest


def _split_fields(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    contest_fields = {k: v for k, v in fields.items() if k in _CONTEST_FIELDS}
    rules_fields = {k: v for k, v in fields.items() if k not in _CONTEST_FIELDS}
    return contest_fields, rules_fields


def _apply_rules(contest: Contest, rules_fields: dict[str, Any]) -> None:
    """Set and check the contest's rules: the theory weight within its cap, team sizes 2–3 for a
    team contest, registration closing after it opens."""
    rules = rules_for(contest)
    cities = rules_fields.pop("eligible_cities", None)
    known = {f.name for f in ContestRules._meta.concrete_fields} - {"id", "contest"}
    for key, value in rules_fields.items():
        if key not in known:
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
    """Add an event group (赛项) with a unique name to the contest."""
    require_manager(actor, contest)
    name = name.strip()
    if not name:
        raise ValidationError(_("请填写赛项名称。"))
    if contest.event_groups.filter(name=name).exists():
        raise ValidationError(_("赛项“%(n)s”已存在。") % {"n": name})
    group = EventGroup.objects.create(contest=contest, name=name, domain=domain)
    audit(actor, "contest.event_group.add", group, after={"name": name, "domain": domain})
    return group


def refuse_second_chief(event_group: EventGroup, judge_id: int | None) -> None:
    """Raise ValidationError when the event group already has a chief judge other than
    `judge_id` (each event group has at most one chief judge)."""
    chief = chief_judge_of(event_group, other_than=judge_id)
    if chief is not None:
        raise ValidationError(
            _("赛项“%(g)s”已有裁判长 %(p)s。每个赛项只能有一名裁判长；如需更换，请先移除原裁判长。")
            % {"g": event_group.name, "p": chief.judge.real_name}
        )


@transaction.atomic
def assign_judge(
    event_group: EventGroup, judge: User, *, actor: User, is_chief: bool = False, is_arbiter: bool = False
) -> JudgeAssignment:
    """Assign a person holding the judge role to an event group (optionally as chief or arbiter).

    At most one chief judge per event group: making someone chief while another judge of the
    group is chief is refused (the group row is locked for the check; the database constraint
    `one_chief_judge_per_group` backs it)."""
    require_manager(actor, event_group.contest)
    if not judge.has_role(Role.JUDGE):
        raise ValidationError(_("%(p)s 不是裁判，不能分配到赛项。") % {"p": judge.real_name})
    if is_chief:
        EventGroup.objects.select_for_update().filter(pk=event_group.pk).first()
        refuse_second_chief(event_group, judge.pk)
    try:
        with transaction.atomic():
            assignment, _created = JudgeAssignment.objects.update_or_create(
                event_group=event_group, judge=judge, defaults={"is_chief": is_chief, "is_arbiter": is_arbiter}
            )
    except IntegrityError:
        refuse_second_chief(event_group, judge.pk)
        raise
    audit(
        actor, "contest.judge.assign", assignment, after={"judge": judge.pk, "chief": is_chief, "arbiter": is_arbiter}
    )
    return assignment


@transaction.atomic
def add_task(event_group: EventGroup, *, actor: User, title: str, description: str = "") -> PracticalTask:
    """Add a practical task to an event group; its marking scheme follows (`add_item`)."""
    require_manager(actor, event_group.contest)
    if not title.strip():
        raise ValidationError(_("请填写实操任务名称。"))
    task = PracticalTask.objects.create(event_group=event_group, title=title.strip(), description=description)
    audit(actor, "contest.task.add", task, after={"title": task.title})
    return task


@transaction.atomic
def add_item(task: PracticalTask, *, actor: User, kind: str, description: str, points: Decimal) -> MarkingItem:
    """Add an item to a marking scheme: a measurement item (a judge enters 0—points) or a
    judgement item (each judge gives 0—3; the item earns aggregate ÷ 3 × points). Refused once
    the chief judge signed the group off."""
    require_manager(actor, task.event_group.contest)
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
