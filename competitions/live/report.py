"""The round report (现场赛场次报告): what happened in a live round, for its organizers.

Reads only; the page (`views.report`) and the spreadsheet export (`competitions/live/exchange.py`)
show the same `RoundReport`, so the file matches the page.

Per question (in round order): position, type, a stem excerpt, how many answered, how many were
right, the correct rate over those who answered and over every seat, the average and median time
taken (whole milliseconds, half up; the median of an even count is the mean of the middle two),
and the distribution of answers (`selectors.distribution_key`: option letters, true/false,
correct/wrong for fill-in). A question never opened has no figures.

Per contestant, in the order of the true standings (`selectors.standing_order(public=False)`,
never the frozen public board): rank, ticket, name, organization, each question's answer (option
letters, 对/错, or the blanks' text), whether it was right, its time and points, and the seat's
total (the true `Participant.score`: tallied questions only). Every seat of the round is listed,
including seats that never answered and seats the host removed (marked).

Who may read it: the round's hosts (`selectors.access_round_for_host`); anyone else gets 404.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import User
from competitions.live import selectors
from competitions.live.models import LiveAnswer, LiveQuestion, LiveRound, Participant
from lms.grading import OPTION_LETTERS, as_bool
from lms.models import QuestionType

STEM_EXCERPT = 40
PERCENT = Decimal("0.1")


def access_report(user: User, round_id: int) -> LiveRound:
    """The round if `user` may read its report (its hosts); Http404 otherwise."""
    return selectors.access_round_for_host(user, round_id)


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in per cent, one decimal, half up; None when `whole` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


def seconds_text(ms: int | None) -> str:
    """Milliseconds as seconds with two decimals, half up ("1.50"); "" for None."""
    if ms is None:
        return ""
    return str((Decimal(ms) / 1000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def percent_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value}%"


def points_text(value: Decimal) -> str:
    """Points as stored, two decimals ("7.50")."""
    return f"{Decimal(value).quantize(Decimal('0.01')):f}"


def excerpt(text: str, size: int = STEM_EXCERPT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[: size - 1] + "…"


def distribution_label(key: str) -> str:
    """The text of a distribution bar: option letters as they are; 对/错; 正确/错误 for fill-in."""
    return {"true": _("对"), "false": _("错"), "correct": _("正确"), "wrong": _("错误")}.get(key, key)


def response_text(qtype: str, response: Any) -> str:
    """A stored response as a person reads it: option letters ("A", "A、C"), 对/错, or the blanks
    (" / " between them)."""
    if response is None:
        return ""
    if qtype == QuestionType.SINGLE:
        return str(response)
    if qtype == QuestionType.MULTIPLE:
        return "、".join(str(r) for r in response) if isinstance(response, list) else str(response)
    if qtype == QuestionType.TRUE_FALSE:
        value = as_bool(response)
        return "" if value is None else (_("对") if value else _("错"))
    if isinstance(response, list):
        return " / ".join(str(r) for r in response)
    return str(response)


def options_text(qtype: str, options: list[str], response: Any) -> str:
    """The chosen options' texts for choice questions ("可编程逻辑控制器"); "" otherwise."""
    if qtype not in (QuestionType.SINGLE, QuestionType.MULTIPLE) or response is None:
        return ""
    letters = response if isinstance(response, list) else [response]
    texts = []
    for letter in letters:
        index = OPTION_LETTERS.find(str(letter))
        if 0 <= index < len(options):
            texts.append(options[index])
    return "；".join(texts)


@dataclass
class Bar:
    key: str
    label: str
    count: int
    correct: bool


@dataclass
class QuestionStats:
    live_question_id: int
    position: int
    qtype: str
    qtype_label: str
    stem: str
    stem_excerpt: str
    options: list[str]
    points: Decimal
    seconds: int
    opened: bool
    answered: int = 0
    correct: int = 0
    seated: int = 0
    avg_ms: int | None = None
    median_ms: int | None = None
    distribution: list[Bar] = field(default_factory=list)

    @property
    def rate_answered(self) -> Decimal | None:
        """Correct answers ÷ answers, per cent."""
        return rate(self.correct, self.answered)

    @property
    def rate_seated(self) -> Decimal | None:
        """Correct answers ÷ seats of the round, per cent."""
        return rate(self.correct, self.seated)

    @property
    def avg_seconds(self) -> str:
        return seconds_text(self.avg_ms)

    @property
    def median_seconds(self) -> str:
        return seconds_text(self.median_ms)

    @property
    def distribution_text(self) -> str:
        """The distribution as one line ("A 2（正确）、B 1"), as the export writes it."""
        return "、".join(f"{b.label} {b.count}" + (_("（正确）") if b.correct else "") for b in self.distribution)


@dataclass
class Cell:
    """One contestant's answer to one question."""

    response: str
    options: str
    correct: bool
    elapsed_ms: int
    points: Decimal

    @property
    def seconds(self) -> str:
        return seconds_text(self.elapsed_ms)

    @property
    def points_text(self) -> str:
        return points_text(self.points)


@dataclass
class ContestantRow:
    participant_id: int
    rank: int
    ticket: str
    name: str
    organization: str
    kicked: bool
    total: Decimal
    correct: int
    cells: list[Cell | None]

    @property
    def total_text(self) -> str:
        return points_text(self.total)


@dataclass
class RoundReport:
    round: LiveRound
    questions: list[QuestionStats]
    contestants: list[ContestantRow]

    @property
    def seated(self) -> int:
        return len(self.contestants)


def _correct_keys(qtype: str, answer: Any) -> set[str]:
    if qtype == QuestionType.SINGLE:
        return {str(answer).upper()}
    if qtype == QuestionType.MULTIPLE:
        return {str(a).upper() for a in answer or []}
    if qtype == QuestionType.TRUE_FALSE:
        return {"true" if bool(answer) else "false"}
    return {"correct"}


def _bar_keys(qtype: str, options: list[str]) -> list[str]:
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return list(OPTION_LETTERS[: len(options)])
    if qtype == QuestionType.TRUE_FALSE:
        return ["true", "false"]
    return ["correct", "wrong"]


def _middle(values: list[int]) -> int | None:
    if not values:
        return None
    return _half_up(Decimal(str(statistics.median(values))))


def round_report(live_round: LiveRound) -> RoundReport:
    """Build the report of one round (see the module docstring). Three queries: questions,
    seats, answers."""
    questions = list(LiveQuestion.objects.filter(round=live_round).select_related("question").order_by("position"))
    seats = list(
        Participant.objects.filter(round=live_round)
        .select_related("registration__person__organization", "registration__ticket")
        .order_by(*selectors.standing_order(public=False))
    )
    answers: dict[int, dict[int, LiveAnswer]] = {}
    for answer in LiveAnswer.objects.filter(live_question__round=live_round):
        answers.setdefault(answer.live_question_id, {})[answer.participant_id] = answer
    labels = dict(QuestionType.choices)

    stats: list[QuestionStats] = []
    for lq in questions:
        q = lq.question
        options = list(q.options or [])
        given = list(answers.get(lq.pk, {}).values())
        row = QuestionStats(
            live_question_id=lq.pk,
            position=lq.position,
            qtype=q.qtype,
            qtype_label=str(labels.get(q.qtype, q.qtype)),
            stem=q.stem,
            stem_excerpt=excerpt(q.stem),
            options=options,
            points=lq.points,
            seconds=lq.seconds,
            opened=lq.opens_at is not None,
            answered=len(given),
            correct=sum(1 for a in given if a.is_correct),
            seated=len(seats),
        )
        times = [a.elapsed_ms for a in given]
        if times:
            row.avg_ms = _half_up(Decimal(sum(times)) / len(times))
            row.median_ms = _middle(times)
        counts = dict.fromkeys(_bar_keys(q.qtype, options), 0)
        for a in given:
            for key in selectors.distribution_key(q.qtype, a.response, a.is_correct):
                counts[key] = counts.get(key, 0) + 1
        right = _correct_keys(q.qtype, q.answer)
        row.distribution = [Bar(k, distribution_label(k), n, k in right) for k, n in counts.items()]
        stats.append(row)

    rows: list[ContestantRow] = []
    for rank, seat in enumerate(seats, start=1):
        registration = seat.registration
        person = registration.person
        ticket = getattr(registration, "ticket", None)
        cells: list[Cell | None] = []
        for lq in questions:
            mine = answers.get(lq.pk, {}).get(seat.pk)
            if mine is None:
                cells.append(None)
                continue
            q = lq.question
            cells.append(
                Cell(
                    response=response_text(q.qtype, mine.response),
                    options=options_text(q.qtype, list(q.options or []), mine.response),
                    correct=mine.is_correct,
                    elapsed_ms=mine.elapsed_ms,
                    points=mine.points,
                )
            )
        rows.append(
            ContestantRow(
                participant_id=seat.pk,
                rank=rank,
                ticket=ticket.number if ticket is not None else "",
                name=person.real_name,
                organization=person.organization.name if person.organization is not None else "",
                kicked=seat.kicked,
                total=seat.score,
                correct=seat.correct,
                cells=cells,
            )
        )
    return RoundReport(round=live_round, questions=stats, contestants=rows)
