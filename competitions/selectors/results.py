"""Reads that lead to results: theory scores, the parts of an event group, the results computed
from stored marks and answers (`compute_results`), how they differ from the stored ones, what a
publication would publish, award certificates, and the marks an appeal may re-score."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import translation

from competitions import scoring
from competitions.models import (
    Award,
    Contest,
    EventGroup,
    Mark,
    MarkingItem,
    Registration,
    Result,
    TheoryMark,
)
from competitions.selectors.access import rules_for
from competitions.selectors.judging import entrant_practical_scores, entrants, group_marks, mark_key
from competitions.selectors.theory import online_theory_scores, theory_takers
from lms.models import Certificate

# The source of award certificates in the LMS certificate machinery (their source id is the
# registration id, or "<id>-<award>" for one reissued after an appeal changed the award).
CERTIFICATE_SOURCE = "competitions.award"


def theory_scores(contest: Contest) -> dict[int, Decimal]:
    """Theory score per registration id: the online exam's where it has one, otherwise the mark
    an organizer entered (a theory exam held outside the platform); missing counts as 0."""
    scores = {
        reg_id: score
        for reg_id, score in TheoryMark.objects.filter(registration__contest=contest).values_list(
            "registration_id", "score"
        )
    }
    scores.update(online_theory_scores(contest))
    return scores


def group_parts(group: EventGroup, *, has_live_round: bool, has_theory_marks: bool) -> scoring.Parts:
    """The parts an event group is scored on (`scoring.parts_of`), reading whether the group has
    a practical task with at least one marking item."""
    return scoring.parts_of(
        has_live_round=has_live_round,
        has_theory_marks=has_theory_marks,
        has_marking_items=MarkingItem.objects.filter(task__event_group=group).exists(),
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


def compute_results(contest: Contest) -> list[ResultRow]:
    """Results of every approved registration, from the stored marks and theory scores only.

    Weights follow the event group's parts (`scoring.part_weights`: theory only → theory 100 %,
    practical only → practical 100 %, both → `Contest.theory_weight`). An entrant who took part
    in nothing (`scoring.took_part`) is absent: a row with `absent`, no rank, no award, and not
    counted for the award quotas. Ranking (published tie-break) and awards are per entrant of
    each event group among those who took part (a contestant, or a team in a team contest);
    every member of a team gets a row with the team's scores, rank and award. Changes nothing.
    """
    rules = rules_for(contest)
    theory = theory_scores(contest)
    has_live_round, answered = theory_takers(contest)
    manual = set(TheoryMark.objects.filter(registration__contest=contest).values_list("registration_id", flat=True))
    rows: list[ResultRow] = []
    for group in contest.event_groups.order_by("id"):
        parts = group_parts(group, has_live_round=has_live_round, has_theory_marks=bool(manual))
        theory_w, practical_w = scoring.part_weights(parts, contest.theory_weight)
        practical = entrant_practical_scores(group) if parts.practical else {}
        marks = group_marks(group)[1] if parts.practical else {}
        marked = {key for key, _item_id in marks}
        scored = []
        absent = []
        for entrant in entrants(group):
            present = scoring.took_part(
                answered_theory=any(reg_id in answered for reg_id in entrant.registration_ids),
                has_theory_mark=any(reg_id in manual for reg_id in entrant.registration_ids),
                has_practical_marks=entrant.key in marked
                or any(mark_key(reg_id, None) in marked for reg_id in entrant.registration_ids),
            )
            if not present:
                absent.append(entrant)
                continue
            t = scoring.team_theory([scoring.q(theory.get(reg_id, Decimal(0))) for reg_id in entrant.registration_ids])
            p = practical.get(entrant.key, Decimal(0))
            scored.append((entrant, scoring.final_score(t, p, theory_w, practical_w), p, t))
        ranks = scoring.rank_rows([(entrant.key, final, p, t) for entrant, final, p, t in scored])
        awards = scoring.allocate_awards(ranks, rules)
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


def result_state(result: Result | ResultRow | None) -> dict[str, Any] | None:
    """A result's fields as an audit record shows them (None for no result)."""
    if result is None:
        return None
    return {
        field: (str(scoring.q(v)) if isinstance(v := getattr(result, field), Decimal) else v) for field in RESULT_FIELDS
    }


def result_differences(contest: Contest, fresh_rows: list[ResultRow]) -> list[str]:
    """How `fresh_rows` differ from the stored results, one line per changed field."""
    fresh = {row.registration_id: row for row in fresh_rows}
    stored = {r.registration_id: r for r in Result.objects.filter(registration__contest=contest)}
    differences = []
    for reg_id in sorted(set(fresh) | set(stored)):
        a, b = result_state(fresh.get(reg_id)), result_state(stored.get(reg_id))
        if a is None or b is None:
            differences.append(f"registration {reg_id}: {'missing stored' if b is None else 'no longer ranked'}")
            continue
        for field in RESULT_FIELDS:
            if a[field] != b[field]:
                differences.append(f"registration {reg_id} {field}: stored {b[field]} != {a[field]}")
    return differences


def publication_preview(contest: Contest) -> list[dict[str, Any]]:
    """What publishing would publish, per event group with results: how many are ranked, how
    many are 缺考, and the awards (label, entrants: a team counts once)."""
    rows = compute_results(contest)
    groups = []
    for group in contest.event_groups.order_by("id"):
        mine = [r for r in rows if r.event_group_id == group.pk]
        if not mine:
            continue
        awards = {
            award: len({(r.team_id or r.registration_id) for r in mine if r.award == award}) for award in Award.values
        }
        groups.append(
            {
                "name": group.name,
                "ranked": len([r for r in mine if not r.absent]),
                "absent": len([r for r in mine if r.absent]),
                "awards": [(label, awards[value]) for value, label in Award.choices if awards[value]],
            }
        )
    return groups


def award_certificates(registration: Registration) -> list[Certificate]:
    """Every award certificate ever issued for a registration: the first has source id
    "<registration id>", one issued after an appeal changed the award "<id>-<award>"."""
    return list(
        Certificate.objects.filter(source=CERTIFICATE_SOURCE, holder_id=registration.person_id)
        .filter(Q(source_id=str(registration.pk)) | Q(source_id__startswith=f"{registration.pk}-"))
        .order_by("id")
    )


def certificate_award(certificate: Certificate) -> str:
    """The award code a certificate was issued for ("award_code"; certificates issued before it
    was recorded carry only the Chinese label)."""
    code = certificate.details.get("award_code")
    if code:
        return str(code)
    with translation.override("zh-hans"):
        labels = {str(label): value for value, label in Award.choices}
    return labels.get(str(certificate.details.get("award", "")), "")


def award_certificate(registration: Registration) -> Certificate | None:
    """The valid LMS certificate of a registration's award, or None."""
    valid = [c for c in award_certificates(registration) if c.revoked_at is None]
    return valid[-1] if valid else None


def contested_marks(registration: Registration) -> QuerySet[Mark]:
    """The marks an appeal of this registration may re-score: the contestant's own, and in a
    team contest the marks of their team."""
    return Mark.of_registration(registration.pk)
