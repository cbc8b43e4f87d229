"""Reads for the live engine: standings (with the tie-break), snapshots, host access, theory scores."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from competitions import selectors as contest_selectors
from competitions.live import events
from competitions.live.models import LiveAnswer, LiveQuestion, LiveRound, Participant, RoundState
from competitions.models import Contest, Registration, RegistrationStatus
from competitions.selectors import can_manage, mask_name, rules_for
from lms.grading import OPTION_LETTERS, as_bool
from lms.models import Question

BOARD_SIZE = 10
PODIUM_SIZE = 3
HISTORY_SIZE = 5
WAITING_SHOWN = 100


def ts(value: Any) -> float | None:
    return value.timestamp() if value is not None else None


def can_host(user: User, contest: Contest) -> bool:
    """Whoever manages the contest hosts its rounds (`competitions.selectors.can_manage`: its
    organizers, the organizer who created it, province admins, superusers)."""
    return contest_selectors.can_manage(user, contest)


def eligible_registrations(live_round: LiveRound) -> QuerySet[Registration]:
    """The approved registrations that may take a seat in the round: those of its event group,
    or of any group of the contest when the round names none."""
    qs = Registration.objects.filter(contest_id=live_round.contest_id, status=RegistrationStatus.APPROVED)
    if live_round.event_group_id is not None:
        qs = qs.filter(event_group_id=live_round.event_group_id)
    return qs


def access_round(round_id: int) -> LiveRound:
    try:
        return LiveRound.objects.select_related("contest").get(pk=round_id)
    except LiveRound.DoesNotExist as exc:
        raise Http404 from exc


def access_round_for_host(user: User, round_id: int) -> LiveRound:
    """The round if `user` may host it; Http404 otherwise (its existence is not revealed)."""
    live_round = access_round(round_id)
    if not can_host(user, live_round.contest):
        raise Http404
    return live_round


def rounds_for_player(user: User) -> list[LiveRound]:
    """Rounds `user` may join: of contests where she holds an approved registration, open to her
    event group (a round that names no group is open to every group of its contest)."""
    approved = Registration.objects.filter(person=user, status=RegistrationStatus.APPROVED)
    return list(
        LiveRound.objects.filter(
            Q(event_group__isnull=True, contest__registrations__in=approved)
            | Q(event_group__registrations__in=approved)
        )
        .select_related("contest")
        .distinct()
        .order_by("-id")
    )


def rounds_for_host(user: User) -> list[LiveRound]:
    """The rounds of the contests `user` manages (`can_host`'s rule as one query)."""
    qs = LiveRound.objects.select_related("contest").order_by("-id")
    if not (user.is_superuser or user.has_role(Role.PROVINCE_ADMIN)):
        qs = qs.filter(contest__in=Contest.objects.filter(contest_selectors.managed_contest_filter(user)))
    return list(qs)


def standing_order(public: bool) -> list[Any]:
    """Tie-break: higher score first, then less total time on correct answers, then the earlier
    last correct answer (a seat with no correct answer sorts after), then the earlier seat."""
    if public:
        return ["-public_score", "public_correct_ms", F("public_last_correct_at").asc(nulls_last=True), "id"]
    return ["-score", "correct_ms", F("last_correct_at").asc(nulls_last=True), "id"]


def leaderboard(
    live_round: LiveRound, *, public: bool, seq: int = 0, size: int = BOARD_SIZE, masked: bool = True
) -> events.Leaderboard:
    """The top `size` seats. `public`: the published (frozen while frozen) scores. `masked`: the
    board is for everyone (contestants, the hall's big screen, the public board), so people who
    did not agree to appear on public lists show as 王*明 without employer
    (competitions.selectors.public_people); only the host console gets `masked=False`."""
    seats = Participant.objects.filter(round=live_round)
    score, correct = ("public_score", "public_correct") if public else ("score", "correct")
    rows = seats.order_by(*standing_order(public)).values_list(
        "id",
        score,
        correct,
        "registration__person__real_name",
        "registration__person__organization__name",
        "registration__person__talent_profile__public_consent",
    )[:size]
    top = [
        events.BoardRow(
            rank=i,
            participant_id=pid,
            name=name if consent or not masked else mask_name(name),
            organization=(org or "") if consent or not masked else "",
            score=float(points),
            correct=right,
        )
        for i, (pid, points, right, name, org, consent) in enumerate(rows, start=1)
    ]
    return events.Leaderboard(
        seq=seq,
        server_time=timezone.now().timestamp(),
        frozen=live_round.frozen,
        shown=live_round.state in (RoundState.LEADERBOARD, RoundState.ENDED),
        top=top,
        total=seats.count(),
    )


def standings(live_round: LiveRound, *, public: bool, last: LiveQuestion | None = None) -> dict[str, list[Any]]:
    """Every seat's [rank, score, correct, last_correct, last_points], keyed by participant id.

    Sent once per process with a leaderboard or reveal broadcast, so each process can tell its
    own contestants their rank without a query per socket.
    """
    fields = ("id", "public_score", "public_correct") if public else ("id", "score", "correct")
    rows = Participant.objects.filter(round=live_round).order_by(*standing_order(public)).values_list(*fields)
    last_map: dict[int, tuple[bool, float]] = {}
    if last is not None and last.tallied:
        last_map = {
            pid: (ok, float(points))
            for pid, ok, points in LiveAnswer.objects.filter(live_question=last).values_list(
                "participant_id", "is_correct", "points"
            )
        }
    out: dict[str, list[Any]] = {}
    for rank, (pid, score, correct) in enumerate(rows, start=1):
        ok, points = last_map.get(pid, (False if last is not None and last.tallied else None, None))
        out[str(pid)] = [rank, float(score), correct, ok, points]
    return out


def rank_of(live_round: LiveRound, participant: Participant, *, public: bool) -> int:
    """1 + the number of seats ahead under `standing_order`, counted in the database (no list
    of every seat per snapshot). The seat's own values are read by subquery, so the comparison
    is column against column, exactly as the ordering compares them."""
    prefix = "public_" if public else ""
    score, spent, last = f"{prefix}score", f"{prefix}correct_ms", f"{prefix}last_correct_at"
    me = Participant.objects.filter(pk=participant.pk)

    def mine(field: str) -> Subquery:
        return Subquery(me.values(field)[:1])

    same_score = Q(**{score: mine(score)})
    same_time = same_score & Q(**{spent: mine(spent)})
    if getattr(participant, last) is None:
        # No correct answer yet: sorts after every seat with one, then by seat.
        later_tie = Q(**{f"{last}__isnull": False}) | Q(**{f"{last}__isnull": True, "id__lt": participant.pk})
    else:
        later_tie = Q(**{f"{last}__lt": mine(last)}) | Q(**{last: mine(last), "id__lt": participant.pk})
    ahead = (
        Q(**{f"{score}__gt": mine(score)}) | (same_score & Q(**{f"{spent}__lt": mine(spent)})) | (same_time & later_tie)
    )
    return Participant.objects.filter(round=live_round).filter(ahead).count() + 1


def standing_for(
    live_round: LiveRound, participant: Participant, *, seq: int = 0, fresh: bool = False, total: int | None = None
) -> events.Standing:
    """`fresh`: the caller's copy of the seat was just written (a join), so it is not read again;
    `total`: the seat count when the caller already has it."""
    public = live_round.frozen
    if not fresh:
        participant = Participant.objects.get(pk=participant.pk)  # the caller's copy may predate a tally
    current = live_round.current
    last = current if current is not None and current.tallied else None
    answer = LiveAnswer.objects.filter(live_question=last, participant=participant).first() if last else None
    if public:
        score, correct = participant.public_score, participant.public_correct
    else:
        score, correct = participant.score, participant.correct
    return events.Standing(
        seq=seq,
        server_time=timezone.now().timestamp(),
        rank=rank_of(live_round, participant, public=public),
        score=float(score),
        correct=correct,
        total=Participant.objects.filter(round=live_round).count() if total is None else total,
        last_correct=(answer.is_correct if answer else False) if last else None,
        last_points=float(answer.points) if answer else None,
    )


def kind_label(qtype: str) -> str:
    """A question type as people call it on a screen: 单选, 多选, 判断, 填空."""
    labels = {"single": _("单选"), "multiple": _("多选"), "truefalse": _("判断"), "fill": _("填空")}
    return labels.get(qtype, "")


def choices(qtype: str, options: list[str] | None) -> list[events.Choice]:
    """The buttons of a question, one label each: lettered options for single and multiple
    choice, 正确 / 错误 (keys true / false) for true/false, none for fill-in."""
    if qtype == "truefalse":
        return [events.Choice(key=True, label="", text=_("正确")), events.Choice(key=False, label="", text=_("错误"))]
    if qtype in ("single", "multiple"):
        return [
            events.Choice(key=letter, label=letter, text=text)
            for letter, text in zip(OPTION_LETTERS, options or [], strict=False)
        ]
    return []


def answer_text(qtype: str, options: list[str] | None, answer: Any) -> str:
    """An answer key (or a response) as people read it, never as JSON: single "A. 生产排程";
    multiple "A、B、D"; true/false 正确 / 错误; fill-in the accepted words per blank
    ("PLC / 可编程控制器；OPC UA")."""
    if qtype == "single":
        letter = str(answer or "").strip().upper()[:1]
        index = OPTION_LETTERS.find(letter) if letter else -1
        text = (options or [])[index] if 0 <= index < len(options or []) else ""
        return f"{letter}. {text}" if text else letter
    if qtype == "multiple":
        letters = sorted({str(a).strip().upper()[:1] for a in answer or [] if str(a).strip()})
        return "、".join(letters)
    if qtype == "truefalse":
        value = as_bool(answer)
        return "" if value is None else (_("正确") if value else _("错误"))
    if qtype == "fill":
        blanks = answer if isinstance(answer, list) else [answer]
        return "；".join(
            " / ".join(str(a) for a in blank) if isinstance(blank, list) else str(blank) for blank in blanks
        )
    return ""


def question_view(live_question: LiveQuestion, total: int | None = None) -> events.QuestionView:
    """What contestants see of a question (never its key). `total`: the round's number of
    questions, when the caller already has it (otherwise one COUNT)."""
    q = live_question.question
    if total is None:
        total = LiveQuestion.objects.filter(round_id=live_question.round_id).count()
    return events.QuestionView(
        id=live_question.pk,
        position=live_question.position,
        total=total,
        qtype=q.qtype,
        stem=q.stem,
        options=list(q.options or []),
        points=float(live_question.points),
        seconds=live_question.seconds,
        kind=kind_label(q.qtype),
        choices=choices(q.qtype, q.options),
        blanks=fill_blanks(q) if q.qtype == "fill" else 0,
    )


def fill_blanks(question: Question) -> int:
    """How many blanks a fill-in question has: one per accepted-answers entry of its key (a bare
    string key is one blank)."""
    answer = question.answer
    return len(answer) if isinstance(answer, list) and answer else 1


def distribution_key(qtype: str, response: Any, is_correct: bool) -> list[str]:
    """Which bars of the distribution chart an answer counts towards."""
    if qtype == "single":
        return [str(response).strip().upper()[:1]] if isinstance(response, str) and response.strip() else []
    if qtype == "multiple":
        return sorted({str(r).strip().upper()[:1] for r in response}) if isinstance(response, list) else []
    if qtype == "truefalse":
        value = as_bool(response)
        return [] if value is None else ["true" if value else "false"]
    return ["correct" if is_correct else "wrong"]


def distribution(live_question: LiveQuestion) -> dict[str, int]:
    q = live_question.question
    if q.qtype in ("single", "multiple"):
        counts: Counter[str] = Counter({letter: 0 for letter in OPTION_LETTERS[: len(q.options or [])]})
    elif q.qtype == "truefalse":
        counts = Counter({"true": 0, "false": 0})
    else:
        counts = Counter({"correct": 0, "wrong": 0})
    for response, ok in LiveAnswer.objects.filter(live_question=live_question).values_list("response", "is_correct"):
        counts.update(distribution_key(q.qtype, response, ok))
    return dict(counts)


def reveal_message(live_question: LiveQuestion, *, seq: int = 0) -> events.Reveal:
    dist = distribution(live_question)
    agg = LiveAnswer.objects.filter(live_question=live_question).aggregate(
        n=Count("id"), ok=Count("id", filter=Q(is_correct=True))
    )
    return events.Reveal(
        seq=seq,
        server_time=timezone.now().timestamp(),
        question_id=live_question.pk,
        answer=live_question.question.answer,
        explanation=live_question.question.explanation,
        distribution=dist,
        answered=agg["n"],
        correct_count=agg["ok"],
        answer_text=answer_text(
            live_question.question.qtype, live_question.question.options, live_question.question.answer
        ),
    )


def progress(live_round: LiveRound, *, seq: int = 0) -> events.Progress:
    """Host only. Who has not answered yet: seats in the round (not kicked) without an answer to
    the current question, while it is open or just closed; the first WAITING_SHOWN by ticket
    number, and how many in all."""
    current = live_round.current
    seats = Participant.objects.filter(round=live_round)
    in_play = seats.filter(kicked=False)
    waiting: list[events.WaitingSeat] = []
    waiting_count = 0
    if current is not None and live_round.state in (RoundState.QUESTION, RoundState.CLOSED):
        behind = in_play.exclude(answers__live_question=current)
        waiting_count = behind.count()
        waiting = [
            events.WaitingSeat(ticket=ticket or "", name=name, online=online)
            for ticket, name, online in behind.order_by("registration__ticket__number", "id").values_list(
                "registration__ticket__number", "registration__person__real_name", "connected"
            )[:WAITING_SHOWN]
        ]
    return events.Progress(
        seq=seq,
        server_time=timezone.now().timestamp(),
        question_id=current.pk if current else None,
        answered=LiveAnswer.objects.filter(live_question=current).count() if current else 0,
        distribution=distribution(current) if current else {},
        connected=seats.filter(connected=True).count(),
        registered=eligible_registrations(live_round).count(),
        joined=in_play.count(),
        waiting=waiting,
        waiting_count=waiting_count,
    )


def remaining(live_round: LiveRound) -> float | None:
    current = live_round.current
    if current is None or current.closes_at is None or live_round.state != RoundState.QUESTION:
        return None
    now = live_round.paused_at or timezone.now()
    return max(0.0, (current.closes_at - now).total_seconds())


@dataclass(frozen=True)
class RoundPart:
    """What every contestant's snapshot of a round shares at one moment."""

    live_round: LiveRound
    question: events.QuestionView | None
    reveal: events.Reveal | None
    leaderboard: events.Leaderboard


# A hall joining at once asks for the same round part a thousand times in a second: contestants'
# join snapshots share it for SHARED_PART_SECONDS. A copy older than a frame the joining socket
# then sees is replaced by a fresh snapshot (LiveConsumer.on_join compares seqs).
SHARED_PART_SECONDS = 0.5
_shared_parts: dict[int, tuple[float, RoundPart]] = {}
_shared_lock = threading.Lock()


def _round_part(round_id: int, *, public: bool | None, masked: bool) -> RoundPart:
    live_round = LiveRound.objects.select_related("contest", "current__question").get(pk=round_id)
    current = live_round.current
    seq = live_round.seq
    return RoundPart(
        live_round=live_round,
        question=question_view(current) if current is not None and live_round.state != RoundState.LOBBY else None,
        reveal=reveal_message(current, seq=seq) if current is not None and current.revealed_at is not None else None,
        leaderboard=leaderboard(
            live_round, public=live_round.frozen if public is None else public, seq=seq, masked=masked
        ),
    )


def _shared_contestant_part(round_id: int) -> RoundPart:
    now = time.monotonic()
    with _shared_lock:
        cached = _shared_parts.get(round_id)
    if cached is not None and now - cached[0] < SHARED_PART_SECONDS:
        return cached[1]
    part = _round_part(round_id, public=None, masked=True)
    with _shared_lock:
        if len(_shared_parts) > 100:
            _shared_parts.clear()
        _shared_parts[round_id] = (now, part)
    return part


def snapshot(
    live_round: LiveRound,
    *,
    role: events.Role,
    participant: Participant | None = None,
    seq: int | None = None,
    joining: bool = False,
) -> events.Snapshot:
    """The state a client needs after (re)connecting or a gap. Answer keys only after reveal.

    `joining`: a contestant's seat was just written; the round's shared part may come from the
    process's copy of the last SHARED_PART_SECONDS (the caller checks it against the frames it
    has seen since)."""
    if joining and role == "contestant":
        part = _shared_contestant_part(live_round.pk)
    else:
        frozen_public = None if role != "host" else False
        part = _round_part(live_round.pk, public=frozen_public, masked=role != "host")
    live_round = part.live_round
    seq = live_round.seq if seq is None else seq
    current = live_round.current
    state = events.round_state(live_round.state)
    my_answer = None
    if participant is not None and current is not None:
        answer = LiveAnswer.objects.filter(live_question=current, participant=participant).first()
        if answer is not None:
            my_answer = events.MyAnswer(
                answer_id=answer.client_id,
                question_id=current.pk,
                response=answer.response,
                received_at=answer.received_at.timestamp(),
            )
    return events.Snapshot(
        seq=seq,
        server_time=timezone.now().timestamp(),
        state=state,
        paused=live_round.paused_at is not None,
        frozen=live_round.frozen,
        question=part.question,
        opens_at=ts(current.opens_at) if current else None,
        closes_at=ts(current.closes_at) if current else None,
        remaining=remaining(live_round),
        reveal=part.reveal,
        my_answer=my_answer,
        # Before the first question everyone is level: no standing (it would cost a count per
        # phone when a hall joins at once, and 第 N 名 in a lobby means nothing).
        standing=standing_for(live_round, participant, seq=seq, fresh=joining, total=part.leaderboard.total)
        if participant is not None and not (live_round.state == RoundState.LOBBY and current is None)
        else None,
        leaderboard=part.leaderboard,
        progress=progress(live_round, seq=seq) if role == "host" else None,
    )


@dataclass(frozen=True)
class FinalResult:
    """A contestant's own result of an ended round (the true standings: the end unfreezes)."""

    rank: int
    score: float
    correct: int
    total: int
    questions: int


def final_result(live_round: LiveRound, user: User) -> FinalResult | None:
    """`user`'s final rank and score in an ended round; None if the round has not ended or they
    took no seat in it."""
    if live_round.state != RoundState.ENDED or not user.is_authenticated:
        return None
    seat = Participant.objects.filter(round=live_round, registration__person=user).first()
    if seat is None:
        return None
    return FinalResult(
        rank=rank_of(live_round, seat, public=True),
        score=float(seat.public_score),
        correct=seat.public_correct,
        total=Participant.objects.filter(round=live_round).count(),
        questions=LiveQuestion.objects.filter(round=live_round).count(),
    )


def podium(live_round: LiveRound) -> list[events.BoardRow]:
    """The top three of an ended round as the hall sees them (masked without consent); empty
    before the end."""
    if live_round.state != RoundState.ENDED:
        return []
    return leaderboard(live_round, public=True, size=PODIUM_SIZE).top


def score_history(live_round: LiveRound, *, size: int = HISTORY_SIZE) -> dict[str, Any] | None:
    """For the public board's chart after the end: the final top `size` (masked as on every
    public board) and each one's cumulative score after each tallied question, in question
    order. None before the end (the chart would give away a frozen board)."""
    if live_round.state != RoundState.ENDED:
        return None
    top = leaderboard(live_round, public=True, size=size).top
    questions = list(
        LiveQuestion.objects.filter(round=live_round, tallied=True).order_by("position").values_list("id", "position")
    )
    earned: dict[tuple[int, int], Decimal] = {
        (pid, qid): points
        for pid, qid, points in LiveAnswer.objects.filter(
            participant_id__in=[row.participant_id for row in top], live_question__round=live_round, is_correct=True
        ).values_list("participant_id", "live_question_id", "points")
    }
    series = []
    for row in top:
        running, points = Decimal(0), []
        for qid, _position in questions:
            running += earned.get((row.participant_id, qid), Decimal(0))
            points.append(float(running))
        series.append({"rank": row.rank, "name": row.name, "organization": row.organization, "points": points})
    return {"questions": [position for _qid, position in questions], "series": series}


def max_points(live_round: LiveRound) -> Decimal:
    """The most a seat can score: every question right (streak bonus aside)."""
    return LiveRound.objects.filter(pk=live_round.pk).aggregate(total=Sum("questions__points"))["total"] or Decimal(0)


def counting_rounds(contest: Contest) -> QuerySet[LiveRound]:
    """The rounds of a contest whose answers count: every round but rehearsals (彩排)."""
    return LiveRound.objects.filter(contest=contest, rehearsal=False)


def theory_scores(contest: Contest) -> dict[int, Decimal]:
    """Registration id → true final theory score on a 0–100 scale, over the live rounds of the
    contest that count (rehearsals never do): the points earned divided by the points available
    to the registration's event group (rounds for that group and rounds for every group), times
    100, to two decimals.

    Uses the true scores (never the frozen public board). Registrations with a seat but no
    points score 0; capped at 100 (a streak bonus cannot lift anyone past full marks).
    """
    rounds = counting_rounds(contest)
    by_group: dict[int | None, Decimal] = {}
    for group_id, points in LiveQuestion.objects.filter(round__in=rounds).values_list(
        "round__event_group_id", "points"
    ):
        by_group[group_id] = by_group.get(group_id, Decimal(0)) + points
    if not by_group:
        return {}
    earned: dict[int, Decimal] = {}
    group_of: dict[int, int] = {}
    for reg_id, group_id, score in Participant.objects.filter(round__in=rounds).values_list(
        "registration_id", "registration__event_group_id", "score"
    ):
        earned[reg_id] = earned.get(reg_id, Decimal(0)) + score
        group_of[reg_id] = group_id
    scores: dict[int, Decimal] = {}
    for reg_id, score in earned.items():
        available = by_group.get(None, Decimal(0)) + by_group.get(group_of[reg_id], Decimal(0))
        if available:
            scores[reg_id] = min(Decimal(100), (score * 100 / available).quantize(Decimal("0.01")))
    return scores


def theory_takers(contest: Contest) -> tuple[bool, set[int]]:
    """(whether the contest has a counting live round with at least one question, the
    registration ids that committed at least one answer in one of its counting rounds). Results
    use it to tell a theory part and who sat it (`competitions.scoring.took_part`): a seat with
    no answer is not taking part, and neither is one who only answered in a rehearsal."""
    rounds = counting_rounds(contest)
    has_round = LiveQuestion.objects.filter(round__in=rounds).exists()
    if not has_round:
        return False, set()
    answered = set(
        LiveAnswer.objects.filter(participant__round__in=rounds)
        .values_list("participant__registration_id", flat=True)
        .distinct()
    )
    return True, answered


# --- authoring (organizers build rounds from the contest console) ---------------------------

# The question types a live round can ask (events.response_fits): the objective ones.
LIVE_QTYPES = ("single", "multiple", "truefalse", "fill")


def can_author(user: User, contest: Contest) -> bool:
    """Who builds a contest's live rounds: its managers (competitions.selectors.can_manage)."""
    return can_manage(user, contest)


def access_round_for_author(user: User, round_id: int) -> LiveRound:
    """The round if `user` may author it; Http404 otherwise (its existence is not revealed)."""
    live_round = access_round(round_id)
    if not can_author(user, live_round.contest):
        raise Http404
    return live_round


def is_editable(live_round: LiveRound) -> bool:
    """Settings and questions change only before the round starts (in the lobby)."""
    return live_round.state == RoundState.LOBBY


@dataclass(frozen=True)
class RoundRow:
    """One round on the organizer's list, with what the page may offer for it."""

    round: LiveRound
    questions: int
    seats: int
    answers: int
    editable: bool
    deletable: bool
    resettable: bool


def round_rows(contest: Contest) -> list[RoundRow]:
    """The contest's rounds (oldest first) with their counts and the buttons each allows."""
    published = rules_for(contest).results_published_at is not None
    qs = (
        LiveRound.objects.filter(contest=contest)
        .select_related("event_group")
        .annotate(
            n_questions=Count("questions", distinct=True),
            n_seats=Count("participants", distinct=True),
            n_answers=Count("participants__answers", distinct=True),
        )
        .order_by("id")
    )
    rows = []
    for r in qs:
        n_answers = int(r.n_answers)
        rows.append(
            RoundRow(
                round=r,
                questions=int(r.n_questions),
                seats=int(r.n_seats),
                answers=n_answers,
                editable=is_editable(r),
                deletable=r.rehearsal or n_answers == 0,
                resettable=reset_problem(r, published=published) is None and _has_run(r, int(r.n_seats)),
            )
        )
    return rows


def _has_run(live_round: LiveRound, seats: int) -> bool:
    """Something a reset would undo: the round left the lobby, or contestants took seats."""
    return live_round.state != RoundState.LOBBY or seats > 0


def can_reset(live_round: LiveRound) -> bool:
    """Whether the editor offers 重置: allowed (`reset_problem`) and there is something to undo."""
    return reset_problem(live_round) is None and _has_run(live_round, live_round.participants.count())


def reset_problem(live_round: LiveRound, *, published: bool | None = None) -> str | None:
    """Why the round may not be reset, or None: a rehearsal any time; a real round only while
    the contest's results are unpublished (published results were computed from its answers)."""
    if live_round.rehearsal:
        return None
    if published is None:
        published = rules_for(live_round.contest).results_published_at is not None
    if published:
        return _("本竞赛成绩已公布，正式场次不能重置；如需演练请新建彩排场次。")
    return None


def delete_problem(live_round: LiveRound) -> str | None:
    """Why the round may not be deleted, or None: a real round with answers keeps them."""
    if live_round.rehearsal:
        return None
    if LiveAnswer.objects.filter(live_question__round=live_round).exists():
        return _("本场次已有选手作答，不能删除；如需重新比赛，请在成绩公布前重置本场次。")
    return None


def placed_questions(live_round: LiveRound) -> list[LiveQuestion]:
    return list(live_round.questions.select_related("question").order_by("position"))


def bank_questions(
    *,
    domain: str = "",
    qtype: str = "",
    difficulty_min: int | None = None,
    difficulty_max: int | None = None,
    knowledge_point: str = "",
    q: str = "",
) -> QuerySet[Question]:
    """Active bank questions a live round can ask, narrowed by the picker's filters; `q` matches
    the stem or the knowledge point."""
    qs = Question.objects.filter(is_active=True, qtype__in=LIVE_QTYPES)
    if domain:
        qs = qs.filter(domain=domain)
    if qtype:
        qs = qs.filter(qtype=qtype)
    if difficulty_min is not None:
        qs = qs.filter(difficulty__gte=difficulty_min)
    if difficulty_max is not None:
        qs = qs.filter(difficulty__lte=difficulty_max)
    if knowledge_point:
        qs = qs.filter(knowledge_point=knowledge_point)
    if q:
        qs = qs.filter(Q(stem__icontains=q) | Q(knowledge_point__icontains=q))
    return qs.order_by("id")


def knowledge_points() -> list[str]:
    """The knowledge points of the active live-type bank questions, for the picker's filter."""
    return list(
        Question.objects.filter(is_active=True, qtype__in=LIVE_QTYPES)
        .exclude(knowledge_point="")
        .values_list("knowledge_point", flat=True)
        .distinct()
        .order_by("knowledge_point")[:500]
    )


def reset_counts(live_round: LiveRound) -> dict[str, int]:
    """What a reset would erase: answers, seats whose scores go back to zero, signals, and the
    questions already opened."""
    return {
        "answers": LiveAnswer.objects.filter(live_question__round=live_round).count(),
        "seats": Participant.objects.filter(round=live_round).count(),
        "signals": live_round.signals.count(),
        "questions_opened": live_round.questions.filter(opens_at__isnull=False).count(),
    }


# Host actions each round state allows (the same rules `actions` enforces), for the host console's
# buttons; the console also knows paused/frozen and whether a next question is left.
HOST_ACTIONS: dict[str, list[str]] = {
    RoundState.LOBBY: ["open_next", "leaderboard", "freeze", "unfreeze", "end"],
    RoundState.QUESTION: ["close", "pause", "resume", "freeze", "unfreeze"],
    RoundState.CLOSED: ["open_next", "reveal", "leaderboard", "freeze", "unfreeze", "end"],
    RoundState.REVEALED: ["open_next", "leaderboard", "freeze", "unfreeze", "end"],
    RoundState.LEADERBOARD: ["open_next", "leaderboard", "freeze", "unfreeze", "end"],
    RoundState.ENDED: [],
}

# The step a host usually takes next in each state ("end" after the last question's board).
NEXT_STEP: dict[str, str] = {
    RoundState.LOBBY: "open_next",
    RoundState.QUESTION: "close",
    RoundState.CLOSED: "reveal",
    RoundState.REVEALED: "leaderboard",
    RoundState.LEADERBOARD: "open_next",
}
