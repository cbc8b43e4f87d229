"""Changes of state in talent. Source apps call `record_achievement` from their own actions."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import audit, notify
from accounts.choices import NoticeKind, NoticeLevel, Role, SkillDomain
from accounts.models import Organization, Region, User
from accounts.selectors import people_visible_to, scope_for
from accounts.validators import check_length
from talent import boards, kpi
from talent.index import refresh_person
from talent.matching import explain
from talent.models import (
    DECLINABLE,
    HOLDS_A_PLACE,
    NOMINATABLE,
    REVIEWABLE,
    Achievement,
    AchievementKind,
    Candidate,
    CandidateStatus,
    CityQuota,
    ConsentKind,
    ConsentRecord,
    CultivationItem,
    DeletionRequest,
    DeletionStatus,
    Demand,
    DemandStatus,
    Evaluation,
    EvaluationRoute,
    EvaluationStatus,
    KpiMetric,
    KpiTarget,
    Match,
    MatchStatus,
    Objection,
    ObjectionStatus,
    PlanItemKind,
    RoundStatus,
    SelectionRound,
    SkillLevel,
    TalentCategory,
    TalentProfile,
)


def _after_change(achievement: Achievement) -> None:
    """Derived state (talent index, KPI counts, leaderboards) follows every ledger change."""
    refresh_person(achievement.person_id)


@transaction.atomic
def record_achievement(
    *,
    person: User,
    kind: str,
    source: str,
    source_id: str | int,
    title: str,
    occurred_at: dt.datetime | None = None,
    data: dict[str, Any] | None = None,
    actor: User | None = None,
) -> Achievement:
    """Write one result into the ledger; idempotent on (person, kind, source, source_id).

    Recording the same result again updates its title, time and data (and un-revokes it) and
    writes an audit record only when something changed. Call inside the source app's own
    transaction so the result and the ledger row commit together.
    """
    values = {"title": title, "occurred_at": occurred_at or timezone.now(), "data": data or {}}
    key = {"person": person, "kind": kind, "source": source, "source_id": str(source_id)}
    existing = Achievement.objects.select_for_update().filter(**key).first()
    if existing is None:
        try:
            with transaction.atomic():
                achievement = Achievement.objects.create(**key, **values)
        except IntegrityError:
            existing = Achievement.objects.select_for_update().get(**key)
        else:
            audit(
                actor, "achievement.record", achievement, after={"kind": kind, "title": title, "data": values["data"]}
            )
            _after_change(achievement)
            return achievement
    before = {"title": existing.title, "data": existing.data, "revoked": existing.revoked_at is not None}
    changed = existing.title != title or existing.data != values["data"] or existing.revoked_at is not None
    if occurred_at is not None and existing.occurred_at != occurred_at:
        changed = True
    if changed:
        existing.title = title
        existing.data = values["data"]
        if occurred_at is not None:
            existing.occurred_at = occurred_at
        existing.revoked_at = None
        existing.revoked_reason = ""
        existing.save()
        audit(actor, "achievement.update", existing, before=before, after={"title": title, "data": existing.data})
        _after_change(existing)
    return existing


@transaction.atomic
def revoke_achievement(
    *, person: User, kind: str, source: str, source_id: str | int, reason: str, actor: User | None = None
) -> Achievement | None:
    """Mark a result as revoked (a revoked certificate, an overturned result). Keeps the row."""
    achievement = (
        Achievement.objects.select_for_update()
        .filter(person=person, kind=kind, source=source, source_id=str(source_id))
        .first()
    )
    if achievement is None or achievement.revoked_at is not None:
        return achievement
    achievement.revoked_at = timezone.now()
    achievement.revoked_reason = reason
    achievement.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
    audit(actor, "achievement.revoke", achievement, reason=reason)
    _after_change(achievement)
    return achievement


# --- Skill evaluation -------------------------------------------------------------------------


def can_decide_evaluation(actor: User | None, person: User) -> bool:
    """Province admins decide every evaluation; city admins those of people in their city."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_superuser or actor.has_role(Role.PROVINCE_ADMIN):
        return True
    if actor.has_role(Role.CITY_ADMIN):
        return people_visible_to(actor).filter(pk=person.pk).exists()
    return False


@transaction.atomic
def propose_evaluation(
    *,
    person: User,
    level: str = "",
    category: str = "",
    domain: str = "",
    route: str,
    body: str,
    evidence: dict[str, Any],
    source: str,
    source_id: str | int,
    actor: User | None = None,
) -> Evaluation:
    """Propose a skill level or a talent category for a person; it waits for approval here.

    Exactly one of `level` (a `SkillLevel` code) and `category` (a `TalentCategory` code) is
    given. Idempotent by (person, source, source_id): proposing again returns the existing
    record unchanged if it is pending, approved or rejected, so retries of a contest's 以赛代评
    promotion are safe. A record its source withdrew (`withdraw_evaluation`) is proposed again:
    it is pending once more with what is proposed now (audited as `evaluation.repropose`).
    """
    if bool(level) == bool(category):
        raise ValidationError(_("请在技能等级和人才类别中选择且只选择一项。"))
    if level and level not in SkillLevel.values:
        raise ValidationError(_("未知的技能等级：%(v)s") % {"v": level})
    if category and category not in TalentCategory.values:
        raise ValidationError(_("未知的人才类别：%(v)s") % {"v": category})
    if domain and domain not in SkillDomain.values:
        raise ValidationError(_("未知的技能领域：%(v)s") % {"v": domain})
    if route not in EvaluationRoute.values:
        raise ValidationError(_("未知的评价方式：%(v)s") % {"v": route})
    if not body.strip():
        raise ValidationError(_("请填写评价机构。"))
    key = {"person": person, "source": source, "source_id": str(source_id)}
    existing = Evaluation.objects.select_for_update().filter(**key).first()
    if existing is not None and existing.status == EvaluationStatus.WITHDRAWN:
        before = {"status": existing.status, "level": existing.level, "category": existing.category}
        existing.level, existing.category, existing.domain, existing.route = level, category, domain, route
        existing.body, existing.evidence = body.strip()[:120], evidence or {}
        existing.status, existing.reason, existing.decided_by, existing.decided_at = (
            EvaluationStatus.PENDING,
            "",
            None,
            None,
        )
        existing.save()
        audit(
            actor,
            "evaluation.repropose",
            existing,
            before=before,
            after={"status": existing.status, "level": level, "category": category, "source": source},
        )
        return existing
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                **key,
                level=level,
                category=category,
                domain=domain,
                route=route,
                body=body.strip()[:120],
                evidence=evidence or {},
            )
    except IntegrityError:
        return Evaluation.objects.get(**key)
    audit(
        actor,
        "evaluation.propose",
        evaluation,
        after={"level": level, "category": category, "domain": domain, "route": route, "source": source},
    )
    return evaluation


def _locked_pending(evaluation: Evaluation, actor: User) -> Evaluation:
    locked = Evaluation.objects.select_for_update().select_related("person").get(pk=evaluation.pk)
    if not can_decide_evaluation(actor, locked.person):
        raise PermissionDenied(_("您无权审核该人员的技能评价。"))
    if locked.status != EvaluationStatus.PENDING:
        raise ValidationError(_("该评价已审核（%(s)s），不能重复审核。") % {"s": locked.get_status_display()})
    return locked


@transaction.atomic
def approve_evaluation(evaluation: Evaluation, *, actor: User, reason: str = "") -> Evaluation:
    """Approve a pending evaluation: issue the certificate and write the ledger achievement.

    Needs a province admin, or a city admin of the person's city. The achievement is
    SKILL_LEVEL (data: level, rank, domain) or TALENT_CATEGORY (data: category, domain), keyed
    by the evaluation, so the index and leaderboards update through the ledger hook.
    """
    locked = _locked_pending(evaluation, actor)
    now = timezone.now()
    locked.status = EvaluationStatus.APPROVED
    locked.reason = reason
    locked.decided_by = actor
    locked.decided_at = now
    locked.certificate_no = f"SZ{now:%Y}{locked.pk:08d}"
    locked.verify_code = secrets.token_hex(8)
    locked.save()
    audit(
        actor,
        "evaluation.approve",
        locked,
        before={"status": EvaluationStatus.PENDING},
        after={"status": locked.status, "certificate_no": locked.certificate_no},
        reason=reason,
    )
    data: dict[str, Any] = {"domain": locked.domain, "route": locked.route, "evaluation_id": locked.pk}
    if locked.level:
        data.update(level=locked.level, rank=SkillLevel.rank(locked.level))
        kind = AchievementKind.SKILL_LEVEL
    else:
        data["category"] = locked.category
        kind = AchievementKind.TALENT_CATEGORY
    record_achievement(
        person=locked.person,
        kind=kind,
        source="talent.evaluation",
        source_id=locked.pk,
        title=f"{locked.subject_display} · {locked.body}",
        occurred_at=now,
        data=data,
        actor=actor,
    )
    _notify_evaluation(locked)
    evaluation.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


def _notify_evaluation(evaluation: Evaluation) -> None:
    """Tell the person their evaluation was decided (approved with its certificate, or rejected with the reason)."""
    values = {"subject": evaluation.subject_display, "no": evaluation.certificate_no, "reason": evaluation.reason}
    approved = evaluation.status == EvaluationStatus.APPROVED
    notify(
        evaluation.person,
        NoticeKind.EVALUATION,
        title=(_("认定通过：%(subject)s") if approved else _("认定未通过：%(subject)s")) % values,
        body=(_("证书编号 %(no)s，可在人才档案中查看和核验。") if approved else _("理由：%(reason)s")) % values,
        url=reverse("talent:me"),
        dedupe_key=f"{evaluation.pk}:{evaluation.status}",
        level=NoticeLevel.SUCCESS if approved else NoticeLevel.WARNING,
    )


@transaction.atomic
def reject_evaluation(evaluation: Evaluation, *, actor: User, reason: str) -> Evaluation:
    """Reject a pending evaluation; a reason is required because the person is owed one."""
    if not reason or not reason.strip():
        raise ValidationError(_("驳回时必须填写理由。"))
    locked = _close(_locked_pending(evaluation, actor), EvaluationStatus.REJECTED, actor, reason, "evaluation.reject")
    _notify_evaluation(locked)
    evaluation.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


@transaction.atomic
def withdraw_evaluation(
    *, person: User, source: str, source_id: str | int, reason: str, actor: User | None = None
) -> Evaluation | None:
    """The source app withdraws its own proposal because its basis is gone (a contest award
    taken away on appeal). Only a pending proposal is withdrawn (status `withdrawn`, with the
    reason, audited); an approved or rejected one is returned unchanged, because the evaluator
    has decided and a certificate may exist: undoing that is the evaluator's act, not the
    source's. Returns the record, or None if the source never proposed one."""
    if not reason.strip():
        raise ValidationError(_("撤回时必须填写理由。"))
    evaluation = (
        Evaluation.objects.select_for_update().filter(person=person, source=source, source_id=str(source_id)).first()
    )
    if evaluation is None or evaluation.status != EvaluationStatus.PENDING:
        return evaluation
    return _close(evaluation, EvaluationStatus.WITHDRAWN, actor, reason, "evaluation.withdraw", source=source)


def _close(
    evaluation: Evaluation, status: str, actor: User | None, reason: str, action: str, **after: Any
) -> Evaluation:
    """A locked pending evaluation ends (rejected or withdrawn) with its reason, audited."""
    evaluation.status = status
    evaluation.reason = reason.strip()
    evaluation.decided_by = actor
    evaluation.decided_at = timezone.now()
    evaluation.save()
    audit(
        actor,
        action,
        evaluation,
        before={"status": EvaluationStatus.PENDING},
        after={"status": status, **after},
        reason=evaluation.reason,
    )
    return evaluation


# --- Consent ------------------------------------------------------------------------------------


def _profile_for(person: User) -> TalentProfile:
    profile = TalentProfile.objects.select_for_update().filter(person=person).first()
    return profile if profile is not None else refresh_person(person.pk)


@transaction.atomic
def set_consent(person: User, kind: str, granted: bool, *, ip: str | None = None) -> TalentProfile:
    """Record a grant or withdrawal of consent (kept as history) and apply it to the profile.

    Leaderboard consent decides whether the name is shown; people who have not agreed are
    still counted and ranked, anonymized. Matching consent decides whether enterprises can
    find the person at all; withdrawing it withdraws open invitations.
    """
    if kind not in ConsentKind.values:
        raise ValidationError(_("未知的授权事项。"))
    profile = _profile_for(person)
    ConsentRecord.objects.create(person=person, kind=kind, granted=granted, ip=ip)
    attr = "public_consent" if kind == ConsentKind.LEADERBOARD else "match_opt_in"
    before = getattr(profile, attr)
    setattr(profile, attr, granted)
    profile.save(update_fields=[attr, "updated_at"])
    if kind == ConsentKind.LEADERBOARD and before != granted:
        # Names shown on the person's boards changed: cached top lists must not serve the old one.
        transaction.on_commit(partial(boards.backend().touch, boards.boards_of(profile)), robust=True)
    if kind == ConsentKind.MATCHING and not granted:
        Match.objects.filter(person=person, status=MatchStatus.INVITED).update(
            status=MatchStatus.WITHDRAWN, answered_at=timezone.now()
        )
    audit(person, f"talent.consent.{kind}", profile, before={attr: before}, after={attr: granted})
    return profile


# --- KPI targets ---------------------------------------------------------------------------------


def _require_province(actor: User) -> None:
    if not (actor.is_superuser or actor.has_role(Role.PROVINCE_ADMIN)):
        raise PermissionDenied(_("只有省级管理员可以执行此操作。"))


# The widest a target may be: the programme's province-wide goal is 8 million talents, so 20
# million people (a fifth of Shandong) is beyond any honest figure; the fit rate is a percentage.
KPI_TARGET_MAX_PEOPLE = 20_000_000


def _bounded_target(metric: str, value: float) -> float:
    """A target value within its metric's range: a finite, whole number of people from 0 to
    KPI_TARGET_MAX_PEOPLE, or a percentage from 0 to 100 for the fit rate."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(_("目标值须为数字。")) from None
    if metric == KpiMetric.DEMAND_FIT:
        if not (math.isfinite(number) and 0 <= number <= 100):
            raise ValidationError(_("适配度目标须在 0 到 100 之间（单位：%）。"))
        return number
    if not (math.isfinite(number) and 0 <= number <= KPI_TARGET_MAX_PEOPLE) or number != int(number):
        raise ValidationError(_("人数目标须为 0 到 %(max)s 之间的整数。") % {"max": f"{KPI_TARGET_MAX_PEOPLE:,}"})
    return number


@transaction.atomic
def set_kpi_target(*, actor: User, year: int, metric: str, value: float, city: Region | None = None) -> KpiTarget:
    """Set one year's target for the province or a city (province admin only)."""
    _require_province(actor)
    if year not in kpi.YEARS:
        raise ValidationError(_("年度须在 2026—2030 之间。"))
    if metric not in KpiMetric.values:
        raise ValidationError(_("未知的指标。"))
    value = _bounded_target(metric, value)
    target = KpiTarget.objects.select_for_update().filter(year=year, metric=metric, city=city).first()
    before = None if target is None else target.value
    if target is None:
        target = KpiTarget(year=year, metric=metric, city=city)
    target.value = value
    target.updated_by = actor
    target.save()
    audit(actor, "talent.kpi_target", target, before={"value": before}, after={"value": value})
    return target


# --- Leader-cultivation shortlist -----------------------------------------------------------------


def candidate_reasons(profile: TalentProfile, selection: SelectionRound) -> list[str] | None:
    """Why a profile meets a round's criteria, or None when it does not."""
    reasons = []
    if selection.min_level:
        if profile.level_rank < SkillLevel.rank(selection.min_level):
            return None
        reasons.append(_("技能等级：%(l)s") % {"l": profile.get_level_display()})
    if profile.index < selection.min_index:
        return None
    reasons.append(
        _("人才指数 %(i)s（要求不低于 %(m)s）") % {"i": f"{profile.index:g}", "m": f"{selection.min_index:g}"}
    )
    if selection.min_awards:
        if profile.province_awards < selection.min_awards:
            return None
        reasons.append(_("省级及以上竞赛获奖 %(n)s 次") % {"n": profile.province_awards})
    for code in selection.required_categories:
        if code not in profile.categories:
            return None
        reasons.append(_("人才类别：%(c)s") % {"c": TalentCategory(code).label})
    return reasons


@transaction.atomic
def create_round(
    *,
    actor: User,
    year: int,
    name: str,
    quotas: dict[int, int],
    min_level: str = "",
    min_index: float = 0,
    min_awards: int = 0,
    required_categories: list[str] | None = None,
) -> SelectionRound:
    """Open a selection round with its criteria and per-city quotas (city id → places)."""
    _require_province(actor)
    if min_level and min_level not in SkillLevel.values:
        raise ValidationError(_("未知的技能等级。"))
    for code in required_categories or []:
        if code not in TalentCategory.values:
            raise ValidationError(_("未知的人才类别：%(v)s") % {"v": code})
    selection = SelectionRound.objects.create(
        year=year,
        name=name,
        min_level=min_level,
        min_index=min_index,
        min_awards=min_awards,
        required_categories=list(required_categories or []),
        created_by=actor,
    )
    CityQuota.objects.bulk_create(
        [CityQuota(round=selection, city_id=city_id, quota=quota) for city_id, quota in quotas.items()]
    )
    audit(actor, "shortlist.create_round", selection, after={"quotas": {str(k): v for k, v in quotas.items()}})
    return selection


@transaction.atomic
def generate_candidates(selection: SelectionRound, *, actor: User, limit: int = 5000) -> int:
    """Add everyone on the province board who meets the criteria (best index first), each with
    the reasons they qualify. Re-running adds newcomers and refreshes reasons of those still
    undecided; decided candidates keep their state. Returns the number of candidates."""
    _require_province(actor)
    if selection.status != RoundStatus.NOMINATING:
        raise ValidationError(_("只有推荐阶段可以生成候选人。"))
    pool = TalentProfile.objects.filter(index__gte=selection.min_index).exclude(city=None)
    if selection.min_level:
        pool = pool.filter(level_rank__gte=SkillLevel.rank(selection.min_level))
    if selection.min_awards:
        pool = pool.filter(province_awards__gte=selection.min_awards)
    existing = {c.person_id: c for c in selection.candidates.all()}
    for profile in pool.order_by("-index", "person_id")[:limit]:
        reasons = candidate_reasons(profile, selection)
        if reasons is None:
            continue
        current = existing.get(profile.person_id)
        if current is None:
            Candidate.objects.create(
                round=selection,
                person_id=profile.person_id,
                city_id=profile.city_id,
                index=profile.index,
                reasons=reasons,
            )
        elif current.status == CandidateStatus.CANDIDATE:
            current.reasons, current.index, current.city_id = reasons, profile.index, profile.city_id
            current.save(update_fields=["reasons", "index", "city", "updated_at"])
    audit(actor, "shortlist.generate", selection)
    return selection.candidates.count()


def _city_admin_of(actor: User, candidate: Candidate) -> None:
    if actor.is_superuser or actor.has_role(Role.PROVINCE_ADMIN):
        return
    if not actor.has_role(Role.CITY_ADMIN):
        raise PermissionDenied(_("只有市级管理员可以推荐候选人。"))
    _everything, regions, _orgs = scope_for(actor)
    if candidate.city_id not in regions:
        raise PermissionDenied(_("只能推荐本市的候选人。"))


@transaction.atomic
def nominate_candidate(candidate: Candidate, *, actor: User, reason: str) -> Candidate:
    """City admin nominates a candidate of their city, within the city's quota (counted under a
    lock on the quota row, so two admins cannot both take the last place).

    Only the candidate's own row is locked with it (`of=("self",)`, not the joined round), so
    nominations in different cities do not wait for each other and the quota row's lock is what
    serializes one city's: tests/talent/test_quota_race.py fails on PostgreSQL without it."""
    locked = Candidate.objects.select_for_update(of=("self",)).select_related("round").get(pk=candidate.pk)
    _city_admin_of(actor, locked)
    if locked.round.status != RoundStatus.NOMINATING:
        raise ValidationError(_("本批次已不在推荐阶段。"))
    if locked.status not in NOMINATABLE:
        raise ValidationError(_("该候选人已处理（%(s)s）。") % {"s": locked.get_status_display()})
    if not reason.strip():
        raise ValidationError(_("请填写推荐理由。"))
    quota = CityQuota.objects.select_for_update().filter(round=locked.round, city_id=locked.city_id).first()
    used = Candidate.objects.filter(round=locked.round, city_id=locked.city_id, status__in=HOLDS_A_PLACE).count()
    if quota is None or used >= quota.quota:
        raise ValidationError(_("本市推荐名额已用完（名额 %(q)s 人）。") % {"q": 0 if quota is None else quota.quota})
    before = locked.status
    locked.status, locked.city_reason = CandidateStatus.NOMINATED, reason.strip()
    locked.save(update_fields=["status", "city_reason", "updated_at"])
    audit(
        actor, "shortlist.nominate", locked, before={"status": before}, after={"status": locked.status}, reason=reason
    )
    return locked


@transaction.atomic
def decline_candidate(candidate: Candidate, *, actor: User, reason: str) -> Candidate:
    locked = Candidate.objects.select_for_update().select_related("round").get(pk=candidate.pk)
    _city_admin_of(actor, locked)
    if locked.round.status != RoundStatus.NOMINATING:
        raise ValidationError(_("本批次已不在推荐阶段。"))
    if locked.status not in DECLINABLE:
        raise ValidationError(_("该候选人已处理（%(s)s）。") % {"s": locked.get_status_display()})
    if not reason.strip():
        raise ValidationError(_("不推荐时必须填写理由。"))
    before = locked.status
    locked.status, locked.city_reason = CandidateStatus.DECLINED, reason.strip()
    locked.save(update_fields=["status", "city_reason", "updated_at"])
    audit(actor, "shortlist.decline", locked, before={"status": before}, after={"status": locked.status}, reason=reason)
    return locked


@transaction.atomic
def review_candidate(candidate: Candidate, *, actor: User, approve: bool, reason: str = "") -> Candidate:
    """The province admin approves or rejects a city's nomination (a rejection needs a reason)."""
    _require_province(actor)
    locked = Candidate.objects.select_for_update().select_related("round").get(pk=candidate.pk)
    if locked.round.status != RoundStatus.NOMINATING or locked.status not in REVIEWABLE:
        raise ValidationError(_("只能审核市级已推荐的候选人。"))
    if not approve and not reason.strip():
        raise ValidationError(_("不通过时必须填写理由。"))
    before = locked.status
    locked.status = CandidateStatus.APPROVED if approve else CandidateStatus.REJECTED
    locked.province_reason = reason.strip()
    locked.save(update_fields=["status", "province_reason", "updated_at"])
    audit(actor, "shortlist.review", locked, before={"status": before}, after={"status": locked.status}, reason=reason)
    values = {"round": locked.round.name, "reason": locked.province_reason}
    notify(
        locked.person,
        NoticeKind.SHORTLIST,
        title=(
            _("领军人才遴选：您已通过省级审核（%(round)s）")
            if approve
            else _("领军人才遴选：未通过省级审核（%(round)s）")
        )
        % values,
        body=_("名单将进入公示，公示期满后确定。") if approve else (_("理由：%(reason)s") % values),
        url=reverse("talent:me"),
        dedupe_key=f"{locked.pk}:{locked.status}",
        level=NoticeLevel.SUCCESS if approve else NoticeLevel.WARNING,
    )
    return locked


@transaction.atomic
def start_notice(selection: SelectionRound, *, actor: User, days: int = 5) -> SelectionRound:
    """Publish the approved list for the public notice period (公示)."""
    _require_province(actor)
    locked = SelectionRound.objects.select_for_update().get(pk=selection.pk)
    if locked.status != RoundStatus.NOMINATING:
        raise ValidationError(_("本批次已进入公示或已确定。"))
    if not locked.candidates.filter(status=CandidateStatus.APPROVED).exists():
        raise ValidationError(_("还没有省级审核通过的候选人，不能公示。"))
    now = timezone.now()
    locked.status, locked.notice_starts, locked.notice_ends = RoundStatus.NOTICE, now, now + dt.timedelta(days=days)
    locked.save(update_fields=["status", "notice_starts", "notice_ends"])
    audit(actor, "shortlist.notice", locked, after={"notice_ends": locked.notice_ends.isoformat()})
    return locked


# How many objections one person may file against one round in a day; the notice page also
# limits each client address (talent.views.OBJECTIONS_PER_ADDRESS).
OBJECTIONS_PER_PERSON_PER_DAY = 3
OBJECTION_MAX_CHARS = 2000
# The longest reason, note or opinion an administrator or a person gives with a decision or a
# request (deletion requests and decisions; the pages' reason fields carry the same limit).
REASON_MAX_CHARS = 2000


@transaction.atomic
def file_objection(candidate: Candidate, *, text: str, filed_by: User | None) -> Objection:
    """A signed-in person with a real name objects to a listed candidate during the notice period.

    Refused: anonymous filers (PermissionDenied), an account without a real name, an empty text
    or one over OBJECTION_MAX_CHARS (an error, never a silent cut), and a person's fourth
    objection against the same round within 24 hours (OBJECTIONS_PER_PERSON_PER_DAY)."""
    if filed_by is None or not filed_by.is_authenticated:
        raise PermissionDenied(_("请先登录，再实名提出异议。"))
    if not (filed_by.real_name or "").strip():
        raise ValidationError(_("异议须实名提出：请先在个人资料中填写真实姓名。"))
    if candidate.round.status != RoundStatus.NOTICE or candidate.status != CandidateStatus.APPROVED:
        raise ValidationError(_("只能对公示期内的人选提出异议。"))
    if candidate.round.notice_ends and timezone.now() > candidate.round.notice_ends:
        raise ValidationError(_("公示期已结束。"))
    text = text.strip()
    if not text:
        raise ValidationError(_("请填写异议内容。"))
    check_length(text, OBJECTION_MAX_CHARS, _("异议内容"))
    recent = Objection.objects.filter(
        filed_by=filed_by, candidate__round_id=candidate.round_id, created_at__gte=timezone.now() - dt.timedelta(days=1)
    ).count()
    if recent >= OBJECTIONS_PER_PERSON_PER_DAY:
        raise ValidationError(
            _("您 24 小时内已对本批名单提出 %(n)d 条异议，请等待处理结果或明天再提交。") % {"n": recent}
        )
    objection = Objection.objects.create(candidate=candidate, text=text, filed_by=filed_by)
    audit(filed_by, "shortlist.objection", objection)
    return objection


@transaction.atomic
def remove_objection(objection: Objection, *, actor: User, reason: str) -> Objection:
    """A province admin removes an objection as spam (abuse, advertising, nonsense) with a
    reason. It is kept and audited but no longer blocks finalizing the round, and the candidate
    keeps their place; an objection that deserves an answer is resolved with resolve_objection."""
    _require_province(actor)
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    if locked.status != ObjectionStatus.OPEN:
        raise ValidationError(_("该异议已处理。"))
    if not reason.strip():
        raise ValidationError(_("请填写移除理由（例如：广告、与人选无关、重复提交）。"))
    locked.status, locked.resolution, locked.resolved_by = ObjectionStatus.SPAM, reason.strip(), actor
    locked.save(update_fields=["status", "resolution", "resolved_by"])
    audit(actor, "shortlist.remove_objection", locked, after={"status": locked.status}, reason=reason.strip())
    return locked


@transaction.atomic
def resolve_objection(objection: Objection, *, actor: User, upheld: bool, resolution: str) -> Objection:
    """Upholding an objection withdraws the candidate from the list."""
    _require_province(actor)
    locked = Objection.objects.select_for_update().select_related("candidate").get(pk=objection.pk)
    if locked.status != ObjectionStatus.OPEN:
        raise ValidationError(_("该异议已处理。"))
    if not resolution.strip():
        raise ValidationError(_("请填写处理意见。"))
    locked.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    locked.resolution, locked.resolved_by = resolution.strip(), actor
    locked.save()
    if upheld:
        Candidate.objects.filter(pk=locked.candidate_id).update(status=CandidateStatus.WITHDRAWN)
    audit(actor, "shortlist.resolve_objection", locked, after={"status": locked.status}, reason=resolution)
    return locked


@transaction.atomic
def finalize_round(selection: SelectionRound, *, actor: User, now: dt.datetime | None = None) -> list[Candidate]:
    """Close the round after the notice period with no open objections: approved candidates
    become leaders (a 高技能领军人才 category through an approved evaluation, so the ledger and
    the KPI count them) and each gets an empty cultivation plan to fill in."""
    _require_province(actor)
    locked = SelectionRound.objects.select_for_update().get(pk=selection.pk)
    now = now or timezone.now()
    if locked.status != RoundStatus.NOTICE:
        raise ValidationError(_("只有公示中的批次可以确定最终名单。"))
    if locked.notice_ends and now < locked.notice_ends:
        raise ValidationError(_("公示期尚未结束（%(d)s 结束）。") % {"d": f"{locked.notice_ends:%Y-%m-%d %H:%M}"})
    if Objection.objects.filter(candidate__round=locked, status=ObjectionStatus.OPEN).exists():
        raise ValidationError(_("还有未处理的公示异议。"))
    finals = list(
        locked.candidates.select_for_update().filter(status=CandidateStatus.APPROVED).select_related("person")
    )
    for candidate in finals:
        candidate.status = CandidateStatus.FINAL
        candidate.save(update_fields=["status", "updated_at"])
        evaluation = propose_evaluation(
            person=candidate.person,
            category=TalentCategory.LEADER,
            route=EvaluationRoute.RECOGNITION,
            body=str(_("数字高技能领军人才培育计划")),
            evidence={"round": locked.name, "reasons": candidate.reasons},
            source="talent.shortlist",
            source_id=candidate.pk,
            actor=actor,
        )
        if evaluation.status == EvaluationStatus.PENDING:
            approve_evaluation(evaluation, actor=actor, reason=locked.name)
    locked.status = RoundStatus.FINAL
    locked.save(update_fields=["status"])
    audit(actor, "shortlist.finalize", locked, after={"leaders": [c.person_id for c in finals]})
    return finals


@transaction.atomic
def add_plan_item(
    candidate: Candidate, *, actor: User, kind: str, title: str, due: dt.date | None = None, note: str = ""
) -> CultivationItem:
    if candidate.status != CandidateStatus.FINAL:
        raise ValidationError(_("只有入选的领军人才才有培养计划。"))
    _city_admin_of(actor, candidate)
    if kind not in PlanItemKind.values or not title.strip():
        raise ValidationError(_("请选择类型并填写内容。"))
    item = CultivationItem.objects.create(candidate=candidate, kind=kind, title=title.strip(), due=due, note=note)
    audit(actor, "shortlist.plan_add", item, after={"kind": kind, "title": title})
    return item


@transaction.atomic
def complete_plan_item(item: CultivationItem, *, actor: User, note: str = "") -> CultivationItem:
    _city_admin_of(actor, item.candidate)
    item.done_at = timezone.now()
    if note:
        item.note = note
    item.save(update_fields=["done_at", "note"])
    audit(actor, "shortlist.plan_done", item)
    return item


# --- Enterprise demand matching ----------------------------------------------------------------


def _enterprise_admin_of(actor: User, organization: Organization) -> None:
    if actor.is_superuser:
        return
    if not actor.has_role(Role.ENTERPRISE_ADMIN):
        raise PermissionDenied(_("只有企业管理员可以发布和处理人才需求。"))
    _everything, _regions, orgs = scope_for(actor)
    if organization.pk not in orgs:
        raise PermissionDenied(_("只能处理本单位的人才需求。"))


@transaction.atomic
def post_demand(
    *,
    actor: User,
    organization: Organization,
    title: str,
    domains: list[str],
    headcount: int,
    city: Region,
    skills: str = "",
    min_level: str = "",
    pay_min: int | None = None,
    pay_max: int | None = None,
) -> Demand:
    _enterprise_admin_of(actor, organization)
    if not title.strip():
        raise ValidationError(_("请填写岗位名称。"))
    if not domains or any(d not in SkillDomain.values for d in domains):
        raise ValidationError(_("请至少选择一个技能领域。"))
    if headcount < 1:
        raise ValidationError(_("需求人数至少为 1。"))
    if min_level and min_level not in SkillLevel.values:
        raise ValidationError(_("未知的技能等级。"))
    if headcount > 10_000:
        raise ValidationError(_("需求人数最多 10000 人；更多请分岗位发布。"))
    if any(pay is not None and not 0 <= pay <= 1_000_000 for pay in (pay_min, pay_max)):
        raise ValidationError(_("月薪请填写 0 到 1000000 元之间的整数。"))
    if pay_min is not None and pay_max is not None and pay_min > pay_max:
        raise ValidationError(_("月薪下限不能高于上限。"))
    demand = Demand.objects.create(
        organization=organization,
        title=title.strip(),
        domains=list(domains),
        skills=skills.strip(),
        min_level=min_level,
        headcount=headcount,
        city=city,
        pay_min=pay_min,
        pay_max=pay_max,
        created_by=actor,
    )
    audit(actor, "talent.demand_post", demand, after={"title": demand.title, "headcount": headcount})
    return demand


@transaction.atomic
def invite_match(demand: Demand, person: User, *, actor: User) -> Match:
    """The enterprise invites a matched, opted-in person. Idempotent per (demand, person)."""
    _enterprise_admin_of(actor, demand.organization)
    if demand.status != DemandStatus.OPEN:
        raise ValidationError(_("该需求已结束。"))
    profile = TalentProfile.objects.filter(person=person, match_opt_in=True).first()
    if profile is None:
        raise ValidationError(_("此人未同意参与企业对接。"))
    score, reasons = explain(demand, profile)
    match, created = Match.objects.get_or_create(
        demand=demand, person=person, defaults={"score": score, "explanation": reasons, "invited_by": actor}
    )
    if created:
        audit(actor, "talent.match_invite", match, after={"score": score})
        notify(
            person,
            NoticeKind.MATCH,
            title=_("企业邀请：%(org)s · %(title)s") % {"org": demand.organization.name, "title": demand.title},
            body=_("该企业根据您的人才档案向您发出岗位对接邀请。接受后对方可以看到您的联系方式。"),
            url=reverse("talent:me"),
            dedupe_key=f"invite:{match.pk}",
        )
    return match


@transaction.atomic
def answer_match(match: Match, *, person: User, accept: bool) -> Match:
    """The invited person accepts (contact details become visible) or declines."""
    locked = Match.objects.select_for_update().get(pk=match.pk)
    if locked.person_id != person.pk:
        raise PermissionDenied(_("只能答复发给自己的邀请。"))
    if locked.status != MatchStatus.INVITED:
        raise ValidationError(_("该邀请已答复或已撤回。"))
    locked.status = MatchStatus.ACCEPTED if accept else MatchStatus.DECLINED
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "answered_at"])
    audit(person, "talent.match_answer", locked, after={"status": locked.status})
    if locked.invited_by is not None:
        values = {"person": person.real_name, "title": locked.demand.title}
        notify(
            locked.invited_by,
            NoticeKind.MATCH,
            title=(
                _("%(person)s 接受了岗位对接邀请：%(title)s")
                if accept
                else _("%(person)s 婉拒了岗位对接邀请：%(title)s")
            )
            % values,
            body=_("接受后可在需求详情中查看联系方式。") if accept else "",
            url=reverse("talent:demand", args=[locked.demand_id]),
            dedupe_key=f"answer:{locked.pk}",
            level=NoticeLevel.SUCCESS if accept else NoticeLevel.INFO,
        )
    return locked


def reveal_contact(match: Match, *, viewer: User) -> dict[str, str]:
    """Contact details of an accepted match for the demand's enterprise admin (audited)."""
    _enterprise_admin_of(viewer, match.demand.organization)
    if match.status != MatchStatus.ACCEPTED:
        raise PermissionDenied(_("对方接受邀请后才能查看联系方式。"))
    audit(viewer, "talent.match_contact", match)
    return {"real_name": match.person.real_name, "mobile": match.person.mobile, "email": match.person.email}


# --- Personal data ------------------------------------------------------------------------------


def can_decide_deletion(actor: User | None, person: User) -> bool:
    """The administrators responsible for a person: the province admin, or their city's admin."""
    return can_decide_evaluation(actor, person)


@transaction.atomic
def request_deletion(person: User, *, note: str = "") -> DeletionRequest:
    """A person asks to erase what talent need not keep. Consents are withdrawn at once (the
    person's name leaves the boards and they leave matching); the rest waits for an
    administrator's decision (`decide_deletion`). One pending request per person (a partial
    unique constraint makes double submissions fail cleanly)."""
    note = note.strip()
    check_length(note, REASON_MAX_CHARS, _("说明"))
    try:
        with transaction.atomic():
            request = DeletionRequest.objects.create(person=person, note=note)
    except IntegrityError:
        raise ValidationError(_("您已有一份待处理的删除申请，请等待处理结果后再提交。")) from None
    if TalentProfile.objects.filter(person=person).exists():
        set_consent(person, ConsentKind.LEADERBOARD, False)
        set_consent(person, ConsentKind.MATCHING, False)
    audit(person, "talent.deletion_request", request, after={"note": note})
    return request


def _erase(person: User) -> dict[str, int]:
    """Erase what talent need not keep; returns what was erased, by kind.

    Erased: enterprise matches (an accepted one is still counted by its demand's fit rate, as a
    number without the person), consent history, the person's name on objections they filed.
    Kept, as the programme's required records: the achievement ledger, skill evaluations and
    certificates, shortlist candidacies and cultivation plans, and the audit trail."""
    matches = Match.objects.select_for_update().filter(person=person)
    accepted: dict[int, int] = {}
    for demand_id in matches.filter(status=MatchStatus.ACCEPTED).values_list("demand_id", flat=True):
        accepted[demand_id] = accepted.get(demand_id, 0) + 1
    for demand_id, n in accepted.items():
        Demand.objects.filter(pk=demand_id).update(erased_accepted=F("erased_accepted") + n)
    erased = {
        "matches": matches.delete()[0],
        "consents": ConsentRecord.objects.filter(person=person).delete()[0],
        "objections": Objection.objects.filter(filed_by=person).update(filed_by=None),
    }
    TalentProfile.objects.filter(person=person).update(public_consent=False, match_opt_in=False)
    return erased


@transaction.atomic
def decide_deletion(request: DeletionRequest, *, actor: User, approve: bool, reason: str = "") -> DeletionRequest:
    """Approve (erase what may be erased, keep what must be kept) or decline (reason required)
    a pending deletion request. Only the administrators responsible for the person; audited."""
    locked = DeletionRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    if not can_decide_deletion(actor, locked.person):
        raise PermissionDenied(_("您无权处理此人的删除申请。"))
    if locked.status != DeletionStatus.PENDING:
        raise ValidationError(_("该申请已处理。"))
    reason = reason.strip()
    check_length(reason, REASON_MAX_CHARS, _("理由"))
    if not approve and not reason:
        raise ValidationError(_("不予批准时必须填写理由。"))
    erased: dict[str, int] = {}
    if approve:
        erased = _erase(locked.person)
        locked.status = DeletionStatus.APPROVED
        locked.outcome = str(
            _(
                "已删除企业对接记录 %(m)s 条、授权记录 %(c)s 条，已隐去 %(o)s 条异议的提出人；"
                "成果台账、技能评价与证书、遴选与培育记录依规保留。"
            )
            % {"m": erased["matches"], "c": erased["consents"], "o": erased["objections"]}
        )
    else:
        locked.status = DeletionStatus.DECLINED
        locked.outcome = str(_("未予批准，未删除任何数据。"))
    locked.processed_at, locked.processed_by, locked.reason = timezone.now(), actor, reason
    locked.save(update_fields=["status", "processed_at", "processed_by", "reason", "outcome"])
    audit(
        actor,
        "talent.deletion_approve" if approve else "talent.deletion_decline",
        locked,
        before={"status": DeletionStatus.PENDING},
        after={"status": locked.status, "erased": erased},
        reason=reason or locked.outcome,
    )
    request.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked
