"""Pure rules that decide contest outcomes: the weights of a contest's parts and who is absent.

No database access here: `competitions.actions.compute_results` gathers the facts (which parts
an event group has, who answered or was marked) and these functions state what they mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Parts:
    """The parts an event group is scored on.

    `theory`: the contest has a theory part — a live round with at least one question, or a
    theory score an organizer entered by hand (a theory exam held off the platform).
    `practical`: the event group has a practical task with at least one marking item.
    """

    theory: bool
    practical: bool


def part_weights(parts: Parts, theory_weight: Decimal) -> tuple[Decimal, Decimal]:
    """(theory weight, practical weight) for an event group, following its parts.

    Rule: theory only → theory counts 100 %; practical only → practical counts 100 %; both →
    the contest's configured `theory_weight` for theory and the rest for practical. A group with
    neither part has nobody who took part (everyone is absent), so the configured weight is
    returned only to keep the function total.
    """
    if parts.theory and not parts.practical:
        return Decimal(1), Decimal(0)
    if parts.practical and not parts.theory:
        return Decimal(0), Decimal(1)
    return theory_weight, 1 - theory_weight


def took_part(*, answered_theory: bool, has_theory_mark: bool, has_practical_marks: bool) -> bool:
    """Whether an entrant took part in the contest at all.

    Rule: an approved, ticketed entrant took part when at least one of these holds: they
    committed an answer to a question of a live round of the contest (joining a round without
    answering any question is not taking part), an organizer entered a theory score for them,
    or a judge recorded a practical mark for them (for a team: for the team or any member).
    Someone who took part in one part of a two-part contest is not absent: the missed part
    counts 0. Anyone else is absent (缺考): shown as such, never ranked, never awarded, never
    fed to the talent ledger, and not counted for award quotas.
    """
    return answered_theory or has_theory_mark or has_practical_marks
