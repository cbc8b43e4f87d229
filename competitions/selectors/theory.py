"""Where theory scores come from besides the organizer's manual entry: sources that another
part of the platform registers here.

`competitions.live` (the live theory rounds) sits inside this app and may import it, never the
reverse, so it registers its readers from its `AppConfig.ready` (`register_theory_source`).
Results then read theory through `online_theory_scores` and `theory_takers` without knowing
who runs the exam. With no source registered there are only manual theory scores.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from competitions.models import Contest


@dataclass(frozen=True)
class TheorySource:
    """Readers of one online theory exam.

    `scores(contest)`: registration id → final theory score on a 0–100 scale, for everyone the
    source has a score for (true scores, never a frozen public board).
    `takers(contest)`: (whether the contest has an exam with at least one question, the
    registration ids that committed at least one answer) — who sat the theory part.
    """

    scores: Callable[[Contest], Mapping[int, Decimal]]
    takers: Callable[[Contest], tuple[bool, set[int]]]


# name → source; filled once per process from AppConfig.ready, read on every results computation.
THEORY_SOURCES: dict[str, TheorySource] = {}


def register_theory_source(name: str, source: TheorySource) -> None:
    """Register (or replace, by name) a source of online theory scores."""
    THEORY_SOURCES[name] = source


def online_theory_scores(contest: Contest) -> dict[int, Decimal]:
    """Theory scores from the registered online exams (0—100 per registration id); {} for none.
    Where two sources score the same registration, the one registered later wins."""
    merged: dict[int, Decimal] = {}
    for source in THEORY_SOURCES.values():
        merged.update({int(reg_id): Decimal(str(score)) for reg_id, score in source.scores(contest).items()})
    return merged


def theory_takers(contest: Contest) -> tuple[bool, set[int]]:
    """(the contest has an online exam with questions, registration ids that answered in one)."""
    has_exam, answered = False, set()
    for source in THEORY_SOURCES.values():
        has, ids = source.takers(contest)
        has_exam = has_exam or bool(has)
        answered |= {int(reg_id) for reg_id in ids}
    return has_exam, answered
