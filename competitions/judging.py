"""Judging: the judges' practical marks (one at a time or a whole sheet, all or nothing),
实操缺考, the chief judge's sign-off, and theory scores an organizer enters by hand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actions import audit
from accounts.models import User
from competitions.models import (
    EventGroup,
    ItemKind,
    Mark,
    MarkingItem,
    PracticalAbsence,
    Registration,
    RegistrationStatus,
    SignOff,
    Team,
    TeamMember,
    TheoryMark,
)
from competitions.scoring import fmt, q
from competitions.selectors import (
    disagreements,
    is_recused,
    is_team_contest,
    judge_assignment,
    missing_marks,
    online_theory_scores,
    require_manager,
)


def _as_decimal(value: Decimal | str, message: str) -> Decimal:
    """`value` as a finite Decimal, or ValidationError(`message`)."""
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError as exc:
        raise ValidationError(message) from exc
    if not number.is_finite():
        raise ValidationError(message)
    return number


def check_mark(
    *,
    judge: User,
    item: MarkingItem,
    value: Decimal | str,
    registration: Registration | None = None,
    team: Team | None = None,
) -> Decimal:
    """Validate one mark for a contestant (`registration`) or a team (`team`, team contests) and
    return it as a Decimal; raise with the reason otherwise. Changes nothing.

    Refused: a judge not assigned to the entrant's event group; a judge from the organization of
    the contestant or of any team member (recusal); an item of another event group; a contestant
    not approved (a team without approved members); in a team contest, a mark for a team member
    alone (the team is scored); marks after the chief judge signed off; an entrant recorded as
    缺考; a value outside 0—max (a judgement item takes a whole number 0—3), or with more than
    two decimals.
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
    absent = (
        PracticalAbsence.objects.filter(team=team)
        if team is not None
        else PracticalAbsence.objects.filter(registration=registration)
    )
    if absent.exists():
        raise ValidationError(_("该选手（队）已登记实操缺考，不能评分；如登记有误，请裁判长先撤销缺考登记。"))
    mark = _as_decimal(value, _("分数必须是数字。"))
    if mark < 0 or mark > item.max_mark:
        raise ValidationError(
            _("“%(i)s”的分数应在 0 到 %(m)s 之间。") % {"i": item.description, "m": fmt(item.max_mark)}
        )
    if item.kind == ItemKind.JUDGEMENT and mark != mark.to_integral_value():
        raise ValidationError(_("评判项只能给 0、1、2、3 分。"))
    if mark != q(mark):
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
    contest, for a team (`check_mark` states the refusals); every change is audited."""
    mark_value = check_mark(judge=judge, registration=registration, team=team, item=item, value=value)
    existing = (
        Mark.objects.select_for_update().filter(item=item, judge=judge, team=team)
        if team is not None
        else Mark.objects.select_for_update().filter(item=item, judge=judge, registration=registration)
    ).first()
    before = str(existing.value) if existing else None
    if existing is None:
        existing = Mark.objects.create(item=item, judge=judge, value=mark_value, registration=registration, team=team)
    elif existing.value != mark_value:
        existing.value = mark_value
        existing.save(update_fields=["value", "updated_at"])
    audit(judge, "contest.mark", existing, before={"value": before}, after={"value": str(mark_value)})
    return existing


@dataclass(frozen=True)
class MarkEntry:
    """One mark of a sheet: the item, the value as given, and the contestant or the team."""

    item: MarkingItem
    value: Decimal | str
    registration: Registration | None = None
    team: Team | None = None


@transaction.atomic
def record_marks(*, judge: User, marks: Mapping[str, MarkEntry]) -> int:
    """Record a judge's sheet of marks all or nothing; returns how many were recorded.

    Each entry is checked and recorded as `record_mark` does. If any is refused, nothing is
    stored (the transaction rolls back, audit records included) and ValidationError is raised
    whose `error_dict` maps each refused entry's key (the caller's, e.g. a form field name) to
    its reasons, so the sheet can show every wrong cell beside what was typed.
    """
    problems: dict[str, list[str]] = {}
    for key, entry in marks.items():
        try:
            record_mark(
                judge=judge, item=entry.item, value=entry.value, registration=entry.registration, team=entry.team
            )
        except ValidationError as exc:
            problems[key] = exc.messages
        except PermissionDenied as exc:
            problems[key] = [str(exc)]
    if problems:
        raise ValidationError(problems)
    return len(marks)


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
    if team is not None and registration is None:
        entrant_group = team.event_group_id
        existing_qs = PracticalAbsence.objects.select_for_update().filter(team=team)
        marks = Mark.objects.filter(team=team)
    elif registration is not None and team is None:
        entrant_group = registration.event_group_id
        existing_qs = PracticalAbsence.objects.select_for_update().filter(registration=registration)
        marks = Mark.objects.filter(registration=registration)
    else:
        raise ValidationError(_("请指定一名选手或一支参赛队。"))
    if SignOff.objects.filter(event_group=event_group).exists():
        raise ValidationError(_("裁判长已签字，评分已锁定，不能再登记或撤销缺考。"))
    if entrant_group != event_group.pk:
        raise ValidationError(_("该选手（队）不属于本赛项。"))
    existing = existing_qs.first()
    if not absent:
        if existing is not None:
            audit(actor, "contest.practical_absence", existing, before={"absent": True}, after={"absent": False})
            existing.delete()
        return None
    if existing is not None:
        return existing
    if marks.exists():
        raise ValidationError(_("该选手（队）已有评分，说明参加了实操，不能登记缺考；如需改分请修改评分。"))
    absence = PracticalAbsence.objects.create(
        event_group=event_group, recorded_by=actor, registration=registration, team=team
    )
    audit(actor, "contest.practical_absence", absence, before={"absent": False}, after={"absent": True})
    return absence


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


@transaction.atomic
def set_theory_mark(registration: Registration, *, actor: User, score: Decimal | str) -> TheoryMark:
    """An organizer enters a theory score (0—100, stored half-up to 0.01); refused where an
    online exam has a score for the registration. Audited."""
    require_manager(actor, registration.contest)
    if registration.pk in online_theory_scores(registration.contest):
        raise ValidationError(_("该选手已有线上理论考试成绩，不能手工录入。"))
    value = _as_decimal(score, _("理论成绩必须是数字。"))
    if value < 0 or value > 100:
        raise ValidationError(_("理论成绩应在 0 到 100 之间。"))
    existing = TheoryMark.objects.filter(registration=registration).first()
    before = str(existing.score) if existing else None
    mark, _created = TheoryMark.objects.update_or_create(
        registration=registration, defaults={"score": q(value), "entered_by": actor}
    )
    audit(actor, "contest.theory_mark", mark, before={"score": before}, after={"score": str(mark.score)})
    return mark


@transaction.atomic
def set_theory_marks(*, actor: User, scores: Mapping[str, tuple[Registration, Decimal | str]]) -> int:
    """Enter several theory scores all or nothing; returns how many were stored.

    Each is checked and stored as `set_theory_mark` does. If any is refused, nothing is stored
    (the transaction rolls back, audit records included) and ValidationError is raised whose
    `error_dict` maps each refused entry's key (the caller's, e.g. a form field name) to its
    reasons. A refusal of the actor (not an organizer) is raised as PermissionDenied.
    """
    problems: dict[str, list[str]] = {}
    for key, (registration, score) in scores.items():
        try:
            set_theory_mark(registration, actor=actor, score=score)
        except ValidationError as exc:
            problems[key] = exc.messages
    if problems:
        raise ValidationError(problems)
    return len(scores)
