"""The leader-cultivation shortlist (领军人才遴选): rounds, candidates generated from the boards,
city nominations, province review, the public notice (公示) with its objections, the final list
and each leader's cultivation plan."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import audit, in_language_of, notify
from accounts.choices import NoticeKind, NoticeLevel, Role
from accounts.models import User
from accounts.selectors import scope_for
from accounts.validators import check_length
from talent.evaluations import approve_evaluation, propose_evaluation
from talent.models import (
    DECLINABLE,
    HOLDS_A_PLACE,
    NOMINATABLE,
    REVIEWABLE,
    Candidate,
    CandidateStatus,
    CityQuota,
    CultivationItem,
    EvaluationRoute,
    EvaluationStatus,
    Objection,
    ObjectionStatus,
    PlanItemKind,
    RoundStatus,
    SelectionRound,
    SkillLevel,
    TalentCategory,
    TalentProfile,
)
from talent.selectors import require_province


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
    require_province(actor)
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
    require_province(actor)
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
    decision = audit(
        actor, "shortlist.nominate", locked, before={"status": before}, after={"status": locked.status}, reason=reason
    )
    _tell_candidate(locked, decision.pk)
    return locked


def _tell_candidate(candidate: Candidate, decision_id: int) -> None:
    """The city's decision reaches the person it is about (the province's does in review_candidate)."""
    with in_language_of(candidate.person):
        values = {"round": candidate.round.name, "reason": candidate.city_reason}
        nominated = candidate.status == CandidateStatus.NOMINATED
        notify(
            candidate.person,
            NoticeKind.SHORTLIST,
            title=(
                _("领军人才遴选：您已获市级推荐（%(round)s）")
                if nominated
                else _("领军人才遴选：未获市级推荐（%(round)s）")
            )
            % values,
            body=_("推荐将报省级审核，审核结果会另行通知。") if nominated else (_("理由：%(reason)s") % values),
            url=reverse("talent:me"),
            dedupe_key=f"{candidate.pk}:{decision_id}",
            level=NoticeLevel.SUCCESS if nominated else NoticeLevel.INFO,
        )


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
    decision = audit(
        actor, "shortlist.decline", locked, before={"status": before}, after={"status": locked.status}, reason=reason
    )
    _tell_candidate(locked, decision.pk)
    return locked


@transaction.atomic
def review_candidate(candidate: Candidate, *, actor: User, approve: bool, reason: str = "") -> Candidate:
    """The province admin approves or rejects a city's nomination (a rejection needs a reason)."""
    require_province(actor)
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
    with in_language_of(locked.person):
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
    require_province(actor)
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
    if not candidate.round.objections_open:
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
    require_province(actor)
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
    require_province(actor)
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
    require_province(actor)
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
    if not candidate.has_plan:
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
