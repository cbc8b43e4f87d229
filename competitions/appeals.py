"""Questions and appeals: contestants' clarifications and the jury's answers; appeals against a
published result and the arbitration group's decisions (re-scores republish the results)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import audit, in_language_of, notify
from accounts.choices import NoticeKind, NoticeLevel
from accounts.models import User
from accounts.validators import check_length
from competitions.models import (
    Appeal,
    AppealStatus,
    Clarification,
    Contest,
    ItemKind,
    Mark,
    Registration,
    Rescore,
    TheoryMark,
)
from competitions.results import follow_results, store_results
from competitions.scoring import q
from competitions.selectors import (
    appeal_problem,
    can_arbitrate,
    can_manage,
    compute_results,
    is_approved_contestant,
    is_contest_judge,
    online_theory_scores,
    team_of,
)

# Longest texts a person may send; longer ones are refused with the count, never silently cut.
CLARIFICATION_MAX_CHARS = 2000
ANSWER_MAX_CHARS = 4000
APPEAL_MAX_CHARS = 4000


@transaction.atomic
def ask_clarification(contest: Contest, *, actor: User, question: str) -> Clarification:
    """A contestant with an approved registration asks the jury a question."""
    if not is_approved_contestant(actor, contest):
        raise PermissionDenied(_("只有本竞赛的参赛选手可以提问。"))
    if not question.strip():
        raise ValidationError(_("请填写问题。"))
    check_length(question, CLARIFICATION_MAX_CHARS, _("问题"))
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
    check_length(answer, ANSWER_MAX_CHARS, _("答复"))
    clarification.answer = answer.strip()
    clarification.to_all = to_all
    clarification.answered_by = actor
    clarification.answered_at = timezone.now()
    clarification.save()
    audit(actor, "contest.clarification.answer", clarification, after={"to_all": to_all})
    return clarification


@transaction.atomic
def file_appeal(registration: Registration, *, actor: User, reason: str) -> Appeal:
    """The contestant appeals their result: only their own, after publication, within the
    appeal window, with a result, one pending at a time (`selectors.appeal_problem`, which the
    contest page follows too), with a written reason."""
    if actor.pk != registration.person_id:
        raise PermissionDenied(_("只能对本人的成绩提出申诉。"))
    problem = appeal_problem(registration)
    if problem:
        raise ValidationError(problem)
    if not reason.strip():
        raise ValidationError(_("请写明申诉理由。"))
    check_length(reason, APPEAL_MAX_CHARS, _("申诉理由"))
    appeal = Appeal.objects.create(registration=registration, reason=reason.strip())
    audit(actor, "contest.appeal.file", appeal, reason=reason)
    return appeal


@transaction.atomic
def decide_appeal(
    appeal: Appeal,
    *,
    actor: User,
    uphold: bool,
    decision: str,
    rescores: Sequence[tuple[Mark, Decimal | str, str]] | None = None,
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
        if registration.pk in online_theory_scores(registration.contest):
            raise ValidationError(_("线上理论成绩由系统评定，不能在仲裁中修改。"))
        before = TheoryMark.objects.filter(registration=registration).values_list("score", flat=True).first()
        TheoryMark.objects.update_or_create(
            registration=registration, defaults={"score": q(Decimal(str(theory))), "entered_by": actor}
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
    rescored = uphold and (rescores or theory is not None)
    contest = registration.contest
    with in_language_of(registration.person):
        values = {"contest": contest.title, "decision": appeal.decision}
        if rescored:
            body = _("申诉成立，成绩已按复核结果更新。仲裁意见：%(decision)s") % values
        elif uphold:
            body = _("申诉成立。仲裁意见：%(decision)s") % values
        else:
            body = _("申诉未获支持，维持原成绩。仲裁意见：%(decision)s") % values
        notify(
            registration.person,
            NoticeKind.RESULTS,
            title=_("申诉已处理：%(contest)s") % values,
            body=body,
            url=reverse("competitions:appeal", args=[contest.slug]),
            dedupe_key=f"appeal:{appeal.pk}",
            level=NoticeLevel.SUCCESS if uphold else NoticeLevel.INFO,
        )
    if rescored:
        store_results(compute_results(contest))
        audit(actor, "contest.results.republish", contest, after={"appeal": appeal.pk})
        follow_results(contest, actor)
    return appeal
