"""Every change of state of a live round: host actions, joining, the answer group commit, scoring.

Host actions lock the round row (`select_for_update`), check the state machine, write an audit
record, bump `LiveRound.seq` once per broadcast, and return an `Outcome` whose frames the hub
publishes after the transaction committed. Nothing here talks to sockets.

Scoring (per round, `LiveRound.scoring_mode`):
- accuracy: a correct answer earns the question's points;
- speed: a correct answer earns between 50 % and 100 % of the points, linearly by the time
  taken (`points × (1 − 0.5 × elapsed / limit)`), as popular quiz products do;
- streak bonus (off by default): +10 % of the points per earlier consecutive correct answer,
  at most +50 %.
Tie-break (rank order): higher score; then less total time of correct answers; then the earlier
last correct answer; then the earlier seat.

Scoring is incremental: an answer's points are computed when it is committed (from the seat's
streak, which the previous tallies left on the seat), and the close's tally adds the closed
question's points to the seats in one set-based UPDATE (no replay, no per-seat writes).
`rebuild_scores` replays the same rules from the stored answers and must agree exactly.
"""

from __future__ import annotations

import hmac
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import audit
from accounts.models import AuditEvent, User
from competitions.live import events, selectors
from competitions.live.models import (
    LiveAnswer,
    LiveQuestion,
    LiveRound,
    Participant,
    RoundState,
    ScoringMode,
    SignalKind,
    SuspiciousSignal,
)
from competitions.models import RegistrationStatus, Ticket
from config.statements import Statements
from lms.grading import grade

log = logging.getLogger(__name__)

# Faster than anyone can read a question and tap an option: recorded for organizers, still scored.
TOO_FAST_MS = 800
CENT = Decimal("0.01")
MILLISECOND = timedelta(milliseconds=1)


class LiveError(Exception):
    """A refused request; `code` is one of events.ErrorCode and `message` is for people."""

    def __init__(self, code: events.ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Broadcast:
    """One frame for every connection of a round (encoded once), and what goes with it."""

    frame: str
    seq: int
    host_frame: str | None = None
    hosts_only: bool = False
    standings: dict[str, list[Any]] | None = None
    closes_at: float | None = None
    question_id: int | None = None


@dataclass
class Outcome:
    broadcasts: list[Broadcast] = field(default_factory=list)
    close_channels: list[tuple[str, str]] = field(default_factory=list)


def _now_ts() -> float:
    return timezone.now().timestamp()


def _locked(round_id: int) -> LiveRound:
    """The round row, locked, with its contest and open question (read in the same statement:
    every host action looks at both)."""
    return LiveRound.objects.select_for_update(of=("self",)).select_related("contest", "current").get(pk=round_id)


def _next_seq(live_round: LiveRound) -> int:
    live_round.seq += 1
    return live_round.seq


def _require_host(actor: User, live_round: LiveRound) -> None:
    if not selectors.can_host(actor, live_round.contest):
        raise LiveError("forbidden", _("只有本竞赛的组织者可以操作主持台。"))


def _state_msg(live_round: LiveRound, seq: int) -> events.RoundStateMsg:
    current = live_round.current
    return events.RoundStateMsg(
        seq=seq,
        server_time=_now_ts(),
        state=events.round_state(live_round.state),
        paused=live_round.paused_at is not None,
        frozen=live_round.frozen,
        question_id=current.pk if current else None,
        closes_at=selectors.ts(current.closes_at) if current else None,
        remaining=selectors.remaining(live_round),
    )


def state_broadcast(live_round: LiveRound) -> Broadcast:
    """The round's state at its current seq, as every socket gets it (after a reset)."""
    return Broadcast(_state_msg(live_round, live_round.seq).model_dump_json(), live_round.seq)


def _board_broadcast(live_round: LiveRound, last: LiveQuestion | None = None) -> Broadcast:
    """Everyone gets the public board (frozen scores while frozen; names masked for people who
    did not agree to appear on public lists); hosts get the true board with every name."""
    seq = _next_seq(live_round)
    public = selectors.leaderboard(live_round, public=live_round.frozen, seq=seq, masked=True)
    host = selectors.leaderboard(live_round, public=False, seq=seq, masked=False)
    return Broadcast(
        frame=public.model_dump_json(),
        seq=seq,
        host_frame=host.model_dump_json(),
        standings=selectors.standings(live_round, public=live_round.frozen, last=last),
    )


# --- scoring ------------------------------------------------------------------------------


def answer_points(
    live_round: LiveRound, live_question: LiveQuestion, answer: LiveAnswer, streak_before: int
) -> Decimal:
    """Points for one answer under the round's scoring mode (see the module docstring)."""
    if not answer.is_correct:
        return Decimal(0)
    base = live_question.points
    points = base
    if live_round.scoring_mode == ScoringMode.SPEED:
        limit = max(1, live_question.seconds * 1000)
        fraction = Decimal(min(answer.elapsed_ms, limit)) / Decimal(limit)
        points = base * (1 - Decimal("0.5") * fraction)
    if live_round.streak_bonus and streak_before:
        points += base * Decimal("0.1") * min(streak_before, 5)
    return points.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class SeatScore:
    score: Decimal = Decimal(0)
    correct: int = 0
    correct_ms: int = 0
    last_correct_at: datetime | None = None
    streak: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": str(Decimal(self.score).quantize(CENT)),
            "correct": self.correct,
            "correct_ms": self.correct_ms,
            "last_correct_at": self.last_correct_at.isoformat() if self.last_correct_at else None,
        }


def replay(live_round: LiveRound) -> tuple[dict[int, SeatScore], dict[int, Decimal]]:
    """Recompute every seat's score and every answer's points from the stored answers, replaying
    the tallied questions in order. Returns (seat id → SeatScore, answer id → points)."""
    questions = list(live_round.questions.filter(tallied=True).order_by("position"))
    answers: dict[int, dict[int, LiveAnswer]] = {}
    for stored in LiveAnswer.objects.filter(live_question__in=questions).order_by("id"):
        answers.setdefault(stored.live_question_id, {})[stored.participant_id] = stored
    seats = {pid: SeatScore() for pid in Participant.objects.filter(round=live_round).values_list("id", flat=True)}
    points: dict[int, Decimal] = {}
    for lq in questions:
        by_seat = answers.get(lq.pk, {})
        for pid, seat in seats.items():
            answer = by_seat.get(pid)
            if answer is None:
                seat.streak = 0
                continue
            earned = answer_points(live_round, lq, answer, seat.streak)
            points[answer.pk] = earned
            if answer.is_correct:
                seat.score += earned
                seat.correct += 1
                seat.correct_ms += answer.elapsed_ms
                seat.last_correct_at = answer.received_at
                seat.streak += 1
            else:
                seat.streak = 0
    return seats, points


def _apply_scores(live_round: LiveRound, actor: User | None, reason: str, only: set[int] | None = None) -> int:
    """Bring stored scores in line with `replay`, auditing each seat whose score changed."""
    seats, points = replay(live_round)
    changed_answers = [
        a for a in LiveAnswer.objects.filter(pk__in=list(points)).only("id", "points") if a.points != points[a.pk]
    ]
    for a in changed_answers:
        a.points = points[a.pk]
    LiveAnswer.objects.bulk_update(changed_answers, ["points"], batch_size=500)
    qs = Participant.objects.filter(round=live_round)
    if only is not None:
        qs = qs.filter(pk__in=only)
    changed: list[Participant] = []
    audits: list[AuditEvent] = []
    for p in qs:
        new = seats.get(p.pk, SeatScore())
        before = SeatScore(p.score, p.correct, p.correct_ms, p.last_correct_at)
        if (p.score, p.correct, p.correct_ms, p.last_correct_at, p.streak) == (
            new.score,
            new.correct,
            new.correct_ms,
            new.last_correct_at,
            new.streak,
        ):
            continue
        p.score, p.correct, p.correct_ms, p.last_correct_at, p.streak = (
            new.score,
            new.correct,
            new.correct_ms,
            new.last_correct_at,
            new.streak,
        )
        if not live_round.frozen:
            p.public_score, p.public_correct, p.public_correct_ms, p.public_last_correct_at = (
                p.score,
                p.correct,
                p.correct_ms,
                p.last_correct_at,
            )
        changed.append(p)
        if before.as_dict() != new.as_dict():
            audits.append(
                AuditEvent(
                    actor=actor,
                    action="live.score",
                    target_type="live.participant",
                    target_id=str(p.pk),
                    before=before.as_dict(),
                    after=new.as_dict(),
                    reason=reason,
                )
            )
    fields = ["score", "correct", "correct_ms", "last_correct_at", "streak"]
    if not live_round.frozen:
        fields += ["public_score", "public_correct", "public_correct_ms", "public_last_correct_at"]
    Participant.objects.bulk_update(changed, fields, batch_size=500)
    AuditEvent.objects.bulk_create(audits, batch_size=500)
    return len(changed)


def _tally(live_round: LiveRound, lq: LiveQuestion, actor: User | None, reason: str) -> int:
    """Add the closed question's points to every seat, set-based: one UPDATE for the seats that
    answered it correctly (score, count, time, last correct, streak + 1, and the public copies
    unless frozen) and one that resets the other seats' streaks. The answers' points were set
    at commit. One `live.score` audit record on the question holds every changed seat's before
    and after (keyed by seat id). Returns the number of such seats."""
    right = LiveAnswer.objects.filter(live_question=lq, is_correct=True)
    before = list(
        right.values_list(
            "participant_id",
            "points",
            "elapsed_ms",
            "received_at",
            "participant__score",
            "participant__correct",
            "participant__correct_ms",
            "participant__last_correct_at",
        )
    )
    mine = right.filter(participant=OuterRef("pk"))
    earned = Subquery(mine.values("points")[:1])
    spent = Subquery(mine.values("elapsed_ms")[:1])
    at = Subquery(mine.values("received_at")[:1])
    updates: dict[str, Any] = {
        "score": F("score") + earned,
        "correct": F("correct") + 1,
        "correct_ms": F("correct_ms") + spent,
        "last_correct_at": at,
        "streak": F("streak") + 1,
    }
    if not live_round.frozen:
        updates.update(
            public_score=F("score") + earned,
            public_correct=F("correct") + 1,
            public_correct_ms=F("correct_ms") + spent,
            public_last_correct_at=at,
        )
    seats = Participant.objects.filter(round=live_round)
    seats.filter(Exists(mine)).update(**updates)
    seats.filter(streak__gt=0).exclude(Exists(mine)).update(streak=0)
    olds: dict[str, Any] = {}
    news: dict[str, Any] = {}
    for pid, points, elapsed, received, score, correct, correct_ms, last_at in before:
        olds[str(pid)] = SeatScore(score, correct, correct_ms, last_at).as_dict()
        news[str(pid)] = SeatScore(score + points, correct + 1, correct_ms + elapsed, received).as_dict()
    if news:
        # One record for the tally, seat by seat (a thousand audit rows per question cost more
        # than the tally itself); rebuild_scores and late commits audit each seat they change.
        audit(actor, "live.score", lq, before={"seats": olds}, after={"seats": news}, reason=reason)
    return len(news)


def _publish_public(live_round: LiveRound) -> None:
    Participant.objects.filter(round=live_round).update(
        public_score=F("score"),
        public_correct=F("correct"),
        public_correct_ms=F("correct_ms"),
        public_last_correct_at=F("last_correct_at"),
    )


# --- joining ------------------------------------------------------------------------------


@dataclass
class JoinResult:
    participant: Participant
    ticket: Ticket
    replaced_channel: str = ""


def join(live_round: LiveRound, user: User, ticket_number: str, access_code: str, channel_name: str) -> JoinResult:
    """Seat the signed-in person holding this ticket. The ticket must belong to the round's contest,
    its access code must match, the registration must be approved (and of the round's event group,
    when the round names one) and the ticket's person must be `user` (nobody can play for
    someone else). An earlier live connection of the same ticket is
    replaced (and recorded as two devices)."""
    ticket = (
        Ticket.objects.select_related("registration")
        .filter(number=ticket_number.strip(), registration__contest_id=live_round.contest_id)
        .order_by()
        .first()
    )
    _seat_check(live_round, user, ticket, access_code)
    assert ticket is not None
    registration = ticket.registration
    # The first join of a seat is one insert (a hall joining at once is mostly first joins);
    # a seat that exists is locked, checked and updated.
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                round=live_round, registration=registration, channel_name=channel_name, connected=True
            )
        return JoinResult(participant=participant, ticket=ticket)
    except IntegrityError:
        pass  # the seat exists (live_seat_once): a rejoin
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(round=live_round, registration=registration)
        if participant.kicked:
            raise LiveError("kicked", _("您已被组织者移出本场比赛，如有疑问请联系现场工作人员。"))
        replaced = (
            participant.channel_name if participant.connected and participant.channel_name != channel_name else ""
        )
        if replaced:
            SuspiciousSignal.objects.create(
                round=live_round, participant=participant, kind=SignalKind.TWO_DEVICES, detail={"replaced": True}
            )
        participant.channel_name = channel_name
        participant.connected = True
        participant.save(update_fields=["channel_name", "connected"])
    return JoinResult(participant=participant, ticket=ticket, replaced_channel=replaced)


@dataclass(frozen=True)
class JoinRequest:
    live_round: LiveRound
    user: User
    ticket: str
    access_code: str
    channel_name: str


def _seat_check(live_round: LiveRound, user: User, ticket: Ticket | None, access_code: str) -> None:
    """`join`'s rules for the ticket (raises LiveError)."""
    if ticket is None or not hmac.compare_digest(ticket.access_code, access_code.strip()):
        raise LiveError("bad_ticket", _("准考证号或访问码不正确，请核对准考证。"))
    registration = ticket.registration
    if registration.status != RegistrationStatus.APPROVED:
        raise LiveError("bad_ticket", _("该报名尚未通过审核，不能进入赛场。"))
    if live_round.event_group_id is not None and registration.event_group_id != live_round.event_group_id:
        raise LiveError("bad_ticket", _("这张准考证所属赛项不在本场次，请进入本赛项的场次。"))
    if registration.person_id != user.pk:
        raise LiveError("wrong_person", _("这张准考证不属于当前登录的账号，请用本人账号登录。"))


def join_many(requests: list[JoinRequest]) -> list[JoinResult | LiveError]:
    """`join` for a batch of sockets (a hall joining at once), by the same rules and with the
    same outcome as joining one after another: the tickets read in one query, the new seats
    written in one INSERT and the seats that exist (rejoins) locked and updated together, all in
    one transaction. A seat asked for twice in one batch, or taken meanwhile by another process,
    is then joined on its own (`join`), as is every request if the batch fails."""
    results: list[JoinResult | LiveError | None] = [None] * len(requests)
    try:
        later = _join_batch(requests, results)
    except Exception:
        log.exception("live joins: a batch of %d failed, joining one by one", len(requests))
        later = list(range(len(requests)))
    for i in later:
        request = requests[i]
        try:
            results[i] = join(
                request.live_round, request.user, request.ticket, request.access_code, request.channel_name
            )
        except LiveError as exc:
            results[i] = exc
    return cast(list[JoinResult | LiveError], results)


def _seats(keys: Iterable[tuple[int, int]]) -> Q:
    """The seats of these (round, registration) pairs, one IN list per round."""
    by_round: dict[int, list[int]] = {}
    for round_id, registration_id in keys:
        by_round.setdefault(round_id, []).append(registration_id)
    condition = Q(pk__in=[])
    for round_id, registration_ids in by_round.items():
        condition |= Q(round_id=round_id, registration_id__in=registration_ids)
    return condition


def _join_batch(requests: list[JoinRequest], results: list[JoinResult | LiveError | None]) -> list[int]:
    """Fill `results` for what the batch settles; return the indexes left to `join`."""
    numbers = {request.ticket.strip() for request in requests}
    tickets = {
        ticket.number: ticket
        for ticket in Ticket.objects.select_related("registration").filter(number__in=numbers).order_by()
    }
    later: list[int] = []
    seating: dict[tuple[int, int], int] = {}  # (round, registration) -> index of its request
    for i, request in enumerate(requests):
        ticket = tickets.get(request.ticket.strip())
        if ticket is not None and ticket.registration.contest_id != request.live_round.contest_id:
            ticket = None
        try:
            _seat_check(request.live_round, request.user, ticket, request.access_code)
        except LiveError as exc:
            results[i] = exc
            continue
        assert ticket is not None
        key = (request.live_round.pk, ticket.registration_id)
        if key in seating:
            later.append(i)  # the same seat twice in a batch: the later replaces the earlier, in order
        else:
            seating[key] = i
    if not seating:
        return later
    with transaction.atomic():
        existing = {
            (seat.round_id, seat.registration_id): seat
            for seat in Participant.objects.select_for_update().filter(_seats(seating)).order_by("pk")
        }
        new = [key for key in seating if key not in existing]
        if new:
            Participant.objects.bulk_create(
                [
                    Participant(
                        round_id=round_id,
                        registration_id=registration_id,
                        channel_name=requests[seating[(round_id, registration_id)]].channel_name,
                        connected=True,
                    )
                    for round_id, registration_id in new
                ],
                ignore_conflicts=True,  # a seat taken meanwhile by another process: joined on its own below
            )
            for seat in Participant.objects.filter(_seats(new)):
                key = (seat.round_id, seat.registration_id)
                request = requests[seating[key]]
                if seat.channel_name == request.channel_name and seat.connected:
                    seat.round = request.live_round
                    results[seating[key]] = JoinResult(participant=seat, ticket=tickets[request.ticket.strip()])
                else:
                    later.append(seating[key])
        changed, signals = [], []
        for key, seat in existing.items():
            i = seating[key]
            request = requests[i]
            if seat.kicked:
                results[i] = LiveError("kicked", _("您已被组织者移出本场比赛，如有疑问请联系现场工作人员。"))
                continue
            replaced = seat.channel_name if seat.connected and seat.channel_name != request.channel_name else ""
            if replaced:
                signals.append(
                    SuspiciousSignal(
                        round_id=seat.round_id,
                        participant=seat,
                        kind=SignalKind.TWO_DEVICES,
                        detail={"replaced": True},
                    )
                )
            seat.channel_name = request.channel_name
            seat.connected = True
            seat.round = request.live_round
            changed.append(seat)
            results[i] = JoinResult(participant=seat, ticket=tickets[request.ticket.strip()], replaced_channel=replaced)
        if signals:
            SuspiciousSignal.objects.bulk_create(signals)
        if changed:
            Participant.objects.bulk_update(changed, ["channel_name", "connected"])
    later.sort()
    return later


def leave(participant_id: int, channel_name: str) -> bool:
    """Mark the seat offline if this connection is still its live one."""
    return bool(
        Participant.objects.filter(pk=participant_id, channel_name=channel_name).update(
            connected=False, channel_name=""
        )
    )


def record_page_hidden(participant: Participant, question_id: int | None) -> bool:
    """Recorded only while a question is open: looking away between questions is fine."""
    live_round = participant.round
    live_round.refresh_from_db(fields=["state", "current"])
    if live_round.state != RoundState.QUESTION or live_round.current_id is None:
        return False
    SuspiciousSignal.objects.create(
        round_id=participant.round_id,
        participant=participant,
        kind=SignalKind.PAGE_HIDDEN,
        detail={"question_id": live_round.current_id},
    )
    return True


# --- host actions -------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedQuestion:
    pk: int
    position: int
    seconds: int
    view: events.QuestionView


# A started round's questions, per process: they cannot change until a reset brings the round
# back to the lobby (authoring.is_editable), and a reset clears `started_at`, so a run is known
# by (round, started_at). Opening a question then reads only the locked round row.
_plans: OrderedDict[tuple[int, datetime], list[PlannedQuestion]] = OrderedDict()
_plans_lock = threading.Lock()
PLANS_KEPT = 64


def _plan(live_round: LiveRound) -> list[PlannedQuestion]:
    """The round's questions in order with what contestants see of each (read once per run and
    process; the question's text is the one shown when the run started)."""
    key = (live_round.pk, live_round.started_at) if live_round.started_at else None
    with _plans_lock:
        plan = _plans.get(key) if key else None
    if plan is not None:
        return plan
    rows = list(live_round.questions.select_related("question").order_by("position"))
    plan = [
        PlannedQuestion(lq.pk, lq.position, lq.seconds, selectors.question_view(lq, total=len(rows))) for lq in rows
    ]
    if key is not None:  # in the lobby the run starts with the caller's transaction: it keeps it
        _keep_plan(key, plan)
    return plan


def _keep_plan(key: tuple[int, datetime], plan: list[PlannedQuestion]) -> None:
    with _plans_lock:
        _plans[key] = plan
        _plans.move_to_end(key)
        while len(_plans) > PLANS_KEPT:
            _plans.popitem(last=False)


@transaction.atomic
def open_next(actor: User, round_id: int) -> Outcome:
    """Open the next question: server-set opens_at = now, closes_at = now + its seconds.
    Allowed from the lobby or after the previous question closed. Opening the round's
    `freeze_at` position (or the first past it) also freezes the board, as `set_frozen` does;
    its state frame follows the question's.

    Every phone waits for this commit: the round's questions come from its plan (`_plan`, no
    query per question) and the writes go in one round trip (config.statements)."""
    live_round = _locked(round_id)
    _require_host(actor, live_round)
    if live_round.state in (RoundState.QUESTION, RoundState.ENDED) or live_round.paused_at:
        raise LiveError("bad_state", _("当前题目尚未截止或比赛已结束，不能开启下一题。"))
    position = live_round.current.position if live_round.current else 0
    starts = live_round.started_at is None
    plan = _plan(live_round)
    item = next((i for i in plan if i.position > position), None)
    if item is None:
        raise LiveError("bad_state", _("题目已全部出完，请展示排行榜或结束本场。"))
    now = timezone.now()
    nxt = LiveQuestion(pk=item.pk, round_id=live_round.pk, position=item.position, seconds=item.seconds)
    nxt.opens_at, nxt.closes_at = now, now + timedelta(seconds=nxt.seconds)
    before = live_round.state
    live_round.state, live_round.current = RoundState.QUESTION, nxt
    live_round.started_at = live_round.started_at or now
    seq = _next_seq(live_round)
    writes = Statements()  # sent together below
    writes.update(LiveQuestion, nxt.pk, opens_at=nxt.opens_at, closes_at=nxt.closes_at)
    writes.update(
        LiveRound, live_round.pk, state=live_round.state, current=nxt, started_at=live_round.started_at, seq=seq
    )
    after = {"question": nxt.pk}
    audit(actor, "live.open_question", live_round, before={"state": before}, after=after, statements=writes)
    if starts:
        key = (live_round.pk, now)
        transaction.on_commit(lambda: _keep_plan(key, plan))
    msg = events.QuestionOpen(
        seq=seq,
        server_time=now.timestamp(),
        question=item.view,
        opens_at=now.timestamp(),
        closes_at=nxt.closes_at.timestamp(),
    )
    out = Outcome([Broadcast(msg.model_dump_json(), seq, closes_at=msg.closes_at, question_id=nxt.pk)])
    freeze_at = live_round.freeze_at
    if freeze_at is not None and not live_round.frozen and position < freeze_at <= nxt.position:
        # The freeze point is crossed once: a host who unfreezes afterwards stays unfrozen.
        live_round.frozen = True
        freeze_seq = _next_seq(live_round)
        writes.update(LiveRound, live_round.pk, frozen=True, seq=freeze_seq)
        after = {"frozen": True, "at": nxt.position}
        audit(actor, "live.freeze", live_round, after=after, reason="freeze_at", statements=writes)
        out.broadcasts.append(Broadcast(_state_msg(live_round, freeze_seq).model_dump_json(), freeze_seq))
    writes.execute()
    return out


@transaction.atomic
def close_question(
    actor: User | None, round_id: int, *, question_id: int | None = None, if_due: bool = False
) -> Outcome:
    """Close the open question (early by the host, or by the timer with `if_due`) and tally it.

    Idempotent for the timer: every process schedules one, the first to lock the round wins.
    Answers that arrived before the close but commit after the tally are scored on commit.
    """
    live_round = _locked(round_id)
    if actor is not None:
        _require_host(actor, live_round)
    current = live_round.current
    if live_round.state != RoundState.QUESTION or current is None or (question_id and current.pk != question_id):
        if if_due:
            return Outcome()
        raise LiveError("bad_state", _("当前没有正在作答的题目。"))
    now = timezone.now()
    if if_due and (live_round.paused_at is not None or current.deadline > now):
        return Outcome()
    if current.deadline > now:
        current.closes_at = now
    current.tallied = True
    current.save(update_fields=["closes_at", "tallied"])
    live_round.state = RoundState.CLOSED
    seq = _next_seq(live_round)
    live_round.save(update_fields=["state", "seq"])
    _tally(live_round, current, actor, reason=f"question {current.position} tallied")
    audit(actor, "live.close_question", live_round, after={"question": current.pk, "early": not if_due})
    msg = events.QuestionClosed(
        seq=seq,
        server_time=now.timestamp(),
        question_id=current.pk,
        closes_at=current.deadline.timestamp(),
        answered=current.answers.count(),
    )
    return Outcome([Broadcast(msg.model_dump_json(), seq, question_id=current.pk)])


@transaction.atomic
def reveal(actor: User, round_id: int) -> Outcome:
    """Show the answer key, the explanation and the distribution; each contestant gets their
    result, score and rank with it."""
    live_round = _locked(round_id)
    _require_host(actor, live_round)
    current = live_round.current
    if live_round.state != RoundState.CLOSED or current is None:
        raise LiveError("bad_state", _("请先截止当前题目，再揭晓答案。"))
    current.revealed_at = timezone.now()
    current.save(update_fields=["revealed_at"])
    live_round.state = RoundState.REVEALED
    seq = _next_seq(live_round)
    live_round.save(update_fields=["state", "seq"])
    audit(actor, "live.reveal", live_round, after={"question": current.pk})
    msg = selectors.reveal_message(current, seq=seq)
    return Outcome(
        [
            Broadcast(
                msg.model_dump_json(),
                seq,
                standings=selectors.standings(live_round, public=live_round.frozen, last=current),
                question_id=current.pk,
            )
        ]
    )


@transaction.atomic
def show_leaderboard(actor: User, round_id: int) -> Outcome:
    live_round = _locked(round_id)
    _require_host(actor, live_round)
    if live_round.state not in (RoundState.REVEALED, RoundState.CLOSED, RoundState.LOBBY, RoundState.LEADERBOARD):
        raise LiveError("bad_state", _("答题进行中，截止后才能展示排行榜。"))
    live_round.state = RoundState.LEADERBOARD
    out = Outcome([_board_broadcast(live_round, last=live_round.current)])
    live_round.save(update_fields=["state", "seq"])
    audit(actor, "live.show_leaderboard", live_round)
    return out


@transaction.atomic
def set_frozen(actor: User, round_id: int, frozen: bool) -> Outcome:
    """Freeze: the public and contestant boards stop moving (organizers still see the true
    board). Unfreeze publishes the true standings."""
    live_round = _locked(round_id)
    _require_host(actor, live_round)
    if live_round.frozen == frozen:
        raise LiveError("bad_state", _("排行榜已经是这个状态。"))
    live_round.frozen = frozen
    if not frozen:
        _publish_public(live_round)
    seq = _next_seq(live_round)
    state = _state_msg(live_round, seq)
    out = Outcome([Broadcast(state.model_dump_json(), seq)])
    if not frozen:
        out.broadcasts.append(_board_broadcast(live_round, last=live_round.current))
    live_round.save(update_fields=["frozen", "seq"])
    audit(actor, "live.unfreeze" if not frozen else "live.freeze", live_round, after={"frozen": frozen})
    return out


@transaction.atomic
def set_paused(actor: User, round_id: int, paused: bool) -> Outcome:
    """Pause stops the clock of the open question (answers are refused while paused); resume
    moves its close time on by the paused duration."""
    live_round = _locked(round_id)
    _require_host(actor, live_round)
    if live_round.state != RoundState.QUESTION or live_round.current is None:
        raise LiveError("bad_state", _("只有答题进行中才能暂停或继续。"))
    paused_at = live_round.paused_at
    if (paused_at is not None) == paused:
        raise LiveError("bad_state", _("比赛已经是这个状态。"))
    now = timezone.now()
    current = live_round.current
    if paused_at is None:  # pausing (the check above)
        live_round.paused_at = now
    else:
        gap = now - paused_at
        current.closes_at = current.deadline + gap
        current.paused_ms += gap // MILLISECOND
        current.save(update_fields=["closes_at", "paused_ms"])
        live_round.paused_at = None
    seq = _next_seq(live_round)
    live_round.save(update_fields=["paused_at", "seq"])
    audit(actor, "live.pause" if paused else "live.resume", live_round)
    msg = _state_msg(live_round, seq)
    return Outcome(
        [Broadcast(msg.model_dump_json(), seq, closes_at=None if paused else msg.closes_at, question_id=current.pk)]
    )


@transaction.atomic
def end_round(actor: User, round_id: int) -> Outcome:
    """End the round. A frozen board is unfrozen: the published final results are the true ones."""
    live_round = _locked(round_id)
    _require_host(actor, live_round)
    if live_round.state == RoundState.QUESTION:
        raise LiveError("bad_state", _("请先截止当前题目，再结束本场。"))
    if live_round.state == RoundState.ENDED:
        raise LiveError("bad_state", _("本场已经结束。"))
    live_round.state, live_round.frozen, live_round.ended_at = RoundState.ENDED, False, timezone.now()
    _publish_public(live_round)
    seq = _next_seq(live_round)
    state = _state_msg(live_round, seq)
    out = Outcome([Broadcast(state.model_dump_json(), seq), _board_broadcast(live_round, last=live_round.current)])
    live_round.save(update_fields=["state", "frozen", "ended_at", "seq"])
    audit(actor, "live.end", live_round)
    return out


@transaction.atomic
def kick(actor: User, round_id: int, ticket_number: str) -> Outcome:
    """Remove a contestant's connection and keep them out of this round."""
    live_round = _locked(round_id)
    _require_host(actor, live_round)
    participant = (
        Participant.objects.select_for_update()
        .filter(round=live_round, registration__ticket__number=ticket_number.strip())
        .first()
    )
    if participant is None:
        raise LiveError("bad_ticket", _("本场没有这个准考证号的选手。"))
    channel = participant.channel_name
    participant.kicked, participant.connected, participant.channel_name = True, False, ""
    participant.save(update_fields=["kicked", "connected", "channel_name"])
    audit(actor, "live.kick", participant, after={"ticket": ticket_number})
    return Outcome(close_channels=[(channel, "kicked")] if channel else [])


COMMANDS = {
    "open_next": lambda actor, rid, cmd: open_next(actor, rid),
    "close": lambda actor, rid, cmd: close_question(actor, rid),
    "reveal": lambda actor, rid, cmd: reveal(actor, rid),
    "leaderboard": lambda actor, rid, cmd: show_leaderboard(actor, rid),
    "freeze": lambda actor, rid, cmd: set_frozen(actor, rid, True),
    "unfreeze": lambda actor, rid, cmd: set_frozen(actor, rid, False),
    "pause": lambda actor, rid, cmd: set_paused(actor, rid, True),
    "resume": lambda actor, rid, cmd: set_paused(actor, rid, False),
    "end": lambda actor, rid, cmd: end_round(actor, rid),
    "kick": lambda actor, rid, cmd: kick(actor, rid, cmd.ticket),
}


def run_command(actor: User, round_id: int, command: events.Command) -> Outcome:
    return COMMANDS[command.action](actor, round_id, command)


# --- answers: the group commit ------------------------------------------------------------


@dataclass
class PendingAnswer:
    participant_id: int
    round_id: int
    answer_id: uuid.UUID
    question_id: int
    response: Any
    received_at: datetime


@dataclass
class AnswerResult:
    ack: events.Ack | None = None
    error: events.Error | None = None


def _err(code: events.ErrorCode, message: str, answer_id: uuid.UUID) -> AnswerResult:
    return AnswerResult(error=events.Error(code=code, message=message, answer_id=answer_id))


def _reused(answer_id: uuid.UUID) -> AnswerResult:
    """An answer id this seat already used for another question: refused, never acknowledged
    with the other question's ack (the new answer would be silently lost)."""
    return _err(
        "answer_id_reused", _("这个答案编号已用于另一道题：每道题的答案须使用新的编号（answer_id）。"), answer_id
    )


@transaction.atomic
def submit_answers(batch: list[PendingAnswer]) -> list[AnswerResult]:
    """Commit a batch of answers in one transaction; the caller acknowledges after it returns.

    Rules: only the round's current question, between its opens_at and closes_at by the server's
    receipt time, not while paused; one answer per seat per question (a second id is refused);
    a retried id for the same question gets the same acknowledgement (`duplicate`), also when
    the retry is in the same batch; an id the seat already used for another question is refused
    (`answer_id_reused`). Elapsed time: whole milliseconds from `opens_at`, rounded down, less
    the paused time. The question rows are locked so that a close's
    tally and a batch never interleave; an answer that arrived in time but commits after the
    tally is scored at once.
    """
    question_ids = sorted({p.question_id for p in batch})
    questions = {
        q.pk: q
        for q in LiveQuestion.objects.select_for_update()
        .filter(pk__in=question_ids)
        .select_related("question", "round")
    }
    seat_ids = {p.participant_id for p in batch}
    # Only the columns the checks read (no model, no response decoded): a thousand answers a
    # second pass through here.
    existing = list(
        LiveAnswer.objects.filter(participant_id__in=seat_ids)
        .filter(Q(client_id__in=[p.answer_id for p in batch]) | Q(live_question_id__in=question_ids))
        .values_list("participant_id", "client_id", "live_question_id", "received_at")
    )
    streaks = dict(Participant.objects.filter(pk__in=seat_ids).values_list("id", "streak"))
    by_id = {(seat, client): (question, received) for seat, client, question, received in existing}
    by_seat = {(seat, question) for seat, _client, question, _received in existing}
    results: list[AnswerResult | None] = [None] * len(batch)
    to_insert: dict[tuple[int, int], tuple[int, LiveAnswer]] = {}
    # (seat, answer id) → question of an answer queued in this batch, and the batch's resends of
    # it (acknowledged as duplicates once it is stored).
    queued: dict[tuple[int, uuid.UUID], int] = {}
    resent: list[tuple[int, tuple[int, int]]] = []
    for i, p in enumerate(batch):
        prior = by_id.get((p.participant_id, p.answer_id))
        if prior is not None and prior[0] != p.question_id:
            results[i] = _reused(p.answer_id)
            continue
        if prior is not None:
            results[i] = AnswerResult(
                ack=events.Ack(
                    answer_id=p.answer_id, question_id=prior[0], received_at=prior[1].timestamp(), duplicate=True
                )
            )
            continue
        first = queued.get((p.participant_id, p.answer_id))
        if first is not None:
            if first != p.question_id:
                results[i] = _reused(p.answer_id)
            else:
                resent.append((i, (p.participant_id, first)))
            continue
        lq = questions.get(p.question_id)
        if lq is None or lq.round_id != p.round_id:
            results[i] = _err("not_open", _("这道题不在本场比赛中。"), p.answer_id)
            continue
        live_round = lq.round
        if live_round.current_id != lq.pk or lq.opens_at is None or lq.closes_at is None or p.received_at < lq.opens_at:
            results[i] = _err("not_open", _("这道题尚未开放或已经结束。"), p.answer_id)
            continue
        if p.received_at > lq.closes_at:
            results[i] = _err("closed", _("作答时间已到，本题答案未被接收。"), p.answer_id)
            continue
        if live_round.paused_at is not None and p.received_at >= live_round.paused_at:
            results[i] = _err("paused", _("比赛已暂停，请等待继续后再作答。"), p.answer_id)
            continue
        if (p.participant_id, lq.pk) in by_seat or (p.participant_id, lq.pk) in to_insert:
            results[i] = _err("already_answered", _("本题您已作答，每题只能提交一次。"), p.answer_id)
            continue
        q = lq.question
        if not events.response_fits(q.qtype, q.options, q.answer, p.response):
            results[i] = _err("bad_message", _("答案格式与题型不符，请刷新页面后重新作答。"), p.answer_id)
            continue
        # Whole milliseconds since opening, rounded down (integer arithmetic: no float error),
        # less the time the question spent paused.
        elapsed = (p.received_at - lq.opens_at) // MILLISECOND - lq.paused_ms
        answer = LiveAnswer(
            live_question=lq,
            participant_id=p.participant_id,
            client_id=p.answer_id,
            response=p.response,
            received_at=p.received_at,
            elapsed_ms=max(0, elapsed),
            is_correct=grade(lq.question.qtype, lq.question.answer, p.response) is True,
        )
        # Scored now from the streak the earlier tallies left on the seat; added to the seat's
        # score by this question's tally (or at once below if the tally already ran).
        answer.points = answer_points(live_round, lq, answer, streaks.get(p.participant_id, 0))
        to_insert[(p.participant_id, lq.pk)] = (i, answer)
        queued[(p.participant_id, p.answer_id)] = lq.pk
    rows = [answer for _i, answer in to_insert.values()]
    LiveAnswer.objects.bulk_create(rows, ignore_conflicts=True)
    # Read back what is stored: with ignore_conflicts a row that lost a race was not inserted.
    stored = {
        (seat, question): (client, received)
        for seat, question, client, received in LiveAnswer.objects.filter(
            participant_id__in={k[0] for k in to_insert}, live_question_id__in={k[1] for k in to_insert}
        ).values_list("participant_id", "live_question_id", "client_id", "received_at")
    }
    late_rounds: dict[int, set[int]] = {}
    signals = []
    for key, (i, answer) in to_insert.items():
        row = stored.get(key)
        p = batch[i]
        if row is None or row[0] != answer.client_id:
            results[i] = _err("already_answered", _("本题您已作答，每题只能提交一次。"), p.answer_id)
            continue
        results[i] = AnswerResult(
            ack=events.Ack(answer_id=p.answer_id, question_id=key[1], received_at=row[1].timestamp())
        )
        lq = questions[key[1]]
        if lq.tallied:
            late_rounds.setdefault(lq.round_id, set()).add(key[0])
        if answer.elapsed_ms < TOO_FAST_MS:
            signals.append(
                SuspiciousSignal(
                    round_id=lq.round_id,
                    participant_id=key[0],
                    kind=SignalKind.TOO_FAST,
                    detail={"question_id": lq.pk, "elapsed_ms": answer.elapsed_ms},
                )
            )
    for i, key in resent:
        stored_ack = results[to_insert[key][0]]
        if stored_ack is not None and stored_ack.ack is not None:
            results[i] = AnswerResult(ack=stored_ack.ack.model_copy(update={"duplicate": True}))
        else:
            results[i] = stored_ack
    SuspiciousSignal.objects.bulk_create(signals)
    for round_id, seat_set in late_rounds.items():
        _apply_scores(LiveRound.objects.get(pk=round_id), None, reason="late commit", only=seat_set)
    return [r if r is not None else _err("bad_message", "?", batch[i].answer_id) for i, r in enumerate(results)]


def not_stored(pending: PendingAnswer) -> AnswerResult:
    return _err("not_stored", _("这条答案未能保存，请重新提交。"), pending.answer_id)


def submit_answers_isolated(batch: list[PendingAnswer]) -> list[AnswerResult]:
    """`submit_answers` for the hub's group commit: one answer that fails to commit (a database
    error the message checks did not foresee) fails only itself, never its neighbours.

    The whole batch is tried in one transaction first (the usual, fast case). If it raises, it
    is split in halves and each half tried on its own, down to single answers; an answer that
    still fails gets a `not_stored` error (nothing of it was stored, so resending it is safe).
    A bad answer among n costs about 2·log2(n) extra transactions, only when it happens."""
    try:
        return submit_answers(batch)
    except Exception:
        if len(batch) == 1:
            log.exception("live: an answer could not be stored (participant %s)", batch[0].participant_id)
            return [not_stored(batch[0])]
        log.warning("live: answer batch of %d failed, retrying it in halves", len(batch), exc_info=True)
    mid = len(batch) // 2
    return submit_answers_isolated(batch[:mid]) + submit_answers_isolated(batch[mid:])


# --- audit and rebuild --------------------------------------------------------------------


def rebuild_scores(live_round: LiveRound, *, apply: bool = False) -> list[dict[str, Any]]:
    """Recompute every seat from the stored answers and list differences from the stored scores.
    With `apply`, fix them (each fix audited). There should never be any."""
    seats, points = replay(live_round)
    diffs: list[dict[str, Any]] = []
    for p in Participant.objects.filter(round=live_round):
        new = seats[p.pk]
        old = SeatScore(p.score, p.correct, p.correct_ms, p.last_correct_at)
        if old.as_dict() != new.as_dict():
            diffs.append({"participant": p.pk, "stored": old.as_dict(), "rebuilt": new.as_dict()})
    for a in LiveAnswer.objects.filter(pk__in=list(points)).only("id", "points", "participant_id"):
        if a.points != points[a.pk]:
            diffs.append({"answer": a.pk, "stored": str(a.points), "rebuilt": str(points[a.pk])})
    if apply and diffs:
        with transaction.atomic():
            _apply_scores(LiveRound.objects.select_for_update().get(pk=live_round.pk), None, reason="rebuild_scores")
    return diffs
