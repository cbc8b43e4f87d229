"""Results: publishing, recomputing and correcting them, and what follows a stored result —
the talent ledger, award certificates and 以赛代评 recommendations.

The results themselves are computed from stored marks and answers by
`selectors.compute_results` under the rules of `competitions.scoring`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.actions import Message, audit, in_language_of, notify_many
from accounts.choices import NoticeKind, NoticeLevel
from accounts.models import Notice, User
from competitions.models import Contest, ContestStatus, Promotion, Result
from competitions.promotions import follow_promotion, issuer_name, withdraw_promotion
from competitions.selectors import (
    CERTIFICATE_SOURCE,
    ResultRow,
    award_certificates,
    certificate_award,
    compute_results,
    require_manager,
    result_differences,
    result_state,
    rules_for,
    unsigned_groups,
)
from lms import actions as lms_actions
from lms.models import Certificate
from talent.actions import record_achievement, revoke_achievement
from talent.models import AchievementKind

LEDGER_SOURCE = {
    AchievementKind.CONTEST_AWARD: "competitions.award",
    AchievementKind.CONTEST_RESULT: "competitions.result",
}

ABSENT_REASON = gettext_lazy("缺考：未参加本次竞赛的任何一部分，不排名、不评奖。")


def store_results(rows: list[ResultRow]) -> list[tuple[int, dict[str, Any] | None, dict[str, Any]]]:
    """Store the rows; returns (registration id, before, after) for every row that changed."""
    stored = {
        r.registration_id: r for r in Result.objects.filter(registration_id__in=[r.registration_id for r in rows])
    }
    changed = []
    for row in rows:
        before = result_state(stored.get(row.registration_id))
        after = result_state(row)
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
    require_manager(actor, contest)
    pending = unsigned_groups(contest)
    if pending:
        raise ValidationError(
            _("以下赛项的实操成绩尚未经裁判长签字：%(g)s。") % {"g": "、".join(g.name for g in pending)}
        )
    rows = compute_results(contest)
    store_results(rows)
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
    return follow_results(contest, actor)


def recompute_results(contest: Contest, *, actor: User | None = None) -> list[str]:
    """Recompute the results from the stored marks and answers and compare with the published
    rows; returns the differences (none is expected). Changes nothing but an audit record;
    `correct_results` repairs. Audited."""
    differences = result_differences(contest, compute_results(contest))
    audit(actor, "contest.results.recompute", contest, after={"differences": len(differences)})
    return differences


@transaction.atomic
def correct_results(contest: Contest, *, actor: User | None = None, reason: str = "") -> list[str]:
    """Repair published results that the current rules compute differently (results published
    before a rule was fixed: a theory-only contest weighted 30/70, absent people ranked).

    Only for a contest whose results are published; refused otherwise. Stores the recomputed
    rows, writes one audit record `contest.result.correct` per changed result (before, after,
    reason), then lets the ledger, certificates and recommendations follow as a re-publication
    does (`follow_results`): rows, certificates and pending recommendations that should not
    exist are revoked or withdrawn through talent's and lms's actions. Idempotent: a second run
    finds no difference and changes nothing. Returns the differences found before repairing.
    `actor` None is the system (the `recompute_results` command).
    """
    rules = rules_for(contest)
    if rules.results_published_at is None:
        raise ValidationError(_("竞赛「%(c)s」的成绩尚未公布，无需更正。") % {"c": contest.title})
    rows = compute_results(contest)
    differences = result_differences(contest, rows)
    if not differences:
        audit(actor, "contest.results.recompute", contest, after={"differences": 0})
        return []
    why = reason or _("按现行计分规则重算更正（理论/实操权重随竞赛组成部分确定，缺考者不排名、不评奖）。")
    results = {r.registration_id: r for r in Result.objects.filter(registration__contest=contest)}
    for reg_id, before, after in store_results(rows):
        target = results.get(reg_id) or Result.objects.get(registration_id=reg_id)
        audit(actor, "contest.result.correct", target, before=before or {}, after=after, reason=why)
    audit(actor, "contest.results.correct", contest, after={"differences": len(differences)}, reason=why)
    follow_results(contest, actor)
    return differences


def follow_results(contest: Contest, actor: User | None) -> list[Result]:
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
        follow_promotion(result, actor, promotion_rules, promotions.get(result.registration_id))
    _tell_contestants(contest, results)
    return results


def _tell_contestants(contest: Contest, results: list[Result]) -> None:
    """Each contestant hears of their published result once per figure: the first publication
    says 成绩已公布; a later one that changes their figures (an appeal, a correction) says
    成绩已更新; one that changes nothing for them sends them nothing (the key is the figures)."""
    prefix = f"{NoticeKind.RESULTS}:results:{contest.pk}:"
    told = set(
        Notice.objects.filter(kind=NoticeKind.RESULTS, dedupe_key__startswith=prefix).values_list(
            "person_id", flat=True
        )
    )
    url = reverse("competitions:results", args=[contest.slug])
    messages = []
    for result in results:
        person = result.registration.person
        with in_language_of(person):
            values = {
                "contest": contest.title,
                "final": result.final,
                "rank": result.rank,
                "award": result.get_award_display(),
            }
            if result.absent:
                body = _("您未参加本次竞赛的任何一部分，记为缺考，不排名、不评奖。")
            elif result.award:
                body = _("总成绩 %(final)s，第 %(rank)s 名，%(award)s。") % values
            else:
                body = _("总成绩 %(final)s，第 %(rank)s 名。") % values
            messages.append(
                Message(
                    person=person,
                    title=(_("成绩已更新：%(contest)s") if person.pk in told else _("成绩已公布：%(contest)s"))
                    % values,
                    body=body + (_("如有异议，可在申诉期内提出申诉。") if not result.absent else ""),
                    url=url,
                    dedupe_key=(
                        f"results:{contest.pk}:{result.registration_id}:"
                        f"{result.final}:{result.rank}:{result.award}:{int(result.absent)}"
                    ),
                    level=NoticeLevel.SUCCESS if result.award else NoticeLevel.INFO,
                )
            )
    notify_many(NoticeKind.RESULTS, messages)


def _withdraw_absent(result: Result, actor: User | None, promotion: Promotion | None) -> None:
    """An absent contestant holds no contest ledger row, no award certificate and no pending
    以赛代评 recommendation: any an earlier publication created is revoked or withdrawn (kept,
    with the reason). A recommendation talent already decided stays as decided."""
    registration = result.registration
    reason = str(ABSENT_REASON)
    for kind, source in LEDGER_SOURCE.items():
        revoke_achievement(
            person=registration.person, kind=kind, source=source, source_id=registration.pk, reason=reason, actor=actor
        )
    for certificate in award_certificates(registration):
        if certificate.revoked_at is None:
            lms_actions.revoke_certificate(certificate, actor=actor, reason=reason)
    if promotion is not None:
        withdraw_promotion(promotion, actor, reason=reason)


def _feed_talent(result: Result, actor: User | None) -> None:
    """One ledger row per contestant and contest: CONTEST_AWARD for an awardee, otherwise
    CONTEST_RESULT. The talent formula counts an award as contest level × award and a result
    without an award as a share of the level, so an awardee must not also hold a result row;
    when a re-publication after an appeal moves someone across the award line, the row of the
    other kind is revoked (kept, with the reason)."""
    registration = result.registration
    contest = registration.contest
    team = result.team
    data = {
        "contest_level": contest.level,
        "placement": result.rank,
        "award": result.award,
        "event_group": result.event_group.name,
        "domain": result.event_group.domain or "",
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


def _sync_award_certificate(result: Result, actor: User | None) -> Certificate | None:
    """The award certificate (LMS certificate machinery, public verification) matches the award:
    issued for an award; revoked with the reason when an appeal removes or changes the award (a
    changed award gets a new certificate). Each team member gets their own certificate. A
    certificate revoked by hand stays revoked (issuing is idempotent per award)."""
    registration = result.registration
    certificates = award_certificates(registration)
    for certificate in certificates:
        if certificate.revoked_at is None and certificate_award(certificate) != result.award:
            lms_actions.revoke_certificate(
                certificate,
                actor=actor,
                reason=_("成绩复核后奖项变更为：%(a)s。") % {"a": result.get_award_display() or _("未获奖")},
            )
    if not result.award:
        return None
    current = [c for c in certificates if certificate_award(c) == result.award]
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
    if result.team is not None:
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
