"""Organizers build live rounds from the contest console: settings, questions from the shared
bank (picked, drawn at random or written on the spot), order, timing; copies, deletion, reset.

Rules:
- only the contest's managers author (`competitions.selectors.require_manager`);
- settings and questions change only while the round is in the lobby (not yet started);
- a round is deleted only while none of its answers exists, unless it is a rehearsal (彩排);
- a reset brings a round back to the lobby and erases its answers, its seats' scores, its
  signals and its questions' open/close times: a rehearsal any time, a real round only while the
  contest's results are unpublished;
- positions stay 1..n with no gap; reordering renumbers in one transaction without ever breaking
  the unique (round, position) constraint.

Every action locks the round row (the host console locks it too), checks, writes, and audits.
Refusals are `ValidationError` with a message for people; a stranger gets `PermissionDenied`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.actions import audit
from accounts.models import User
from competitions.live import selectors
from competitions.live.models import LiveAnswer, LiveQuestion, LiveRound, Participant, RoundState, SuspiciousSignal
from competitions.models import Contest, EventGroup
from competitions.selectors import require_manager
from lms.grading import OPTION_LETTERS, question_fingerprint
from lms.models import Question, QuestionType

MAX_QUESTIONS = 200
MIN_SECONDS, MAX_SECONDS = 5, 300
MIN_POINTS, MAX_POINTS = Decimal("0.5"), Decimal(100)
MAX_STEM = 2000
MAX_OPTION = 200
# Far above any position a round can hold (MAX_QUESTIONS): renumbering parks rows up here first.
PARK = 10_000
WRITABLE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE)
SETTINGS = ("title", "event_group", "scoring_mode", "streak_bonus", "rehearsal", "freeze_at")
DEFAULTS = ("default_seconds", "default_points")


def _locked(live_round: LiveRound) -> LiveRound:
    # Only the round row is locked (the contest's rules come through an outer join that cannot be).
    return LiveRound.objects.select_for_update(of=("self",)).select_related("contest__lifecycle").get(pk=live_round.pk)


def _editable(actor: User, live_round: LiveRound) -> LiveRound:
    """The round, locked, if `actor` manages its contest and it has not started."""
    require_manager(actor, live_round.contest)
    locked = _locked(live_round)
    if not selectors.is_editable(locked):
        raise ValidationError(_("本场次已开始，不能再修改设置和题目；彩排场次可先重置。"))
    return locked


def _check_timing(seconds: int, points: Decimal) -> None:
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise ValidationError(_("作答时间应在 %(a)d 到 %(b)d 秒之间。") % {"a": MIN_SECONDS, "b": MAX_SECONDS})
    if not MIN_POINTS <= points <= MAX_POINTS:
        raise ValidationError(_("分值应在 %(a)s 到 %(b)s 之间。") % {"a": MIN_POINTS, "b": MAX_POINTS})


def _check_settings(contest: Contest, data: dict[str, Any], count: int) -> None:
    title = str(data.get("title") or "").strip()
    if not title:
        raise ValidationError(_("请填写场次名称。"))
    group: EventGroup | None = data.get("event_group")
    if group is not None and group.contest_id != contest.pk:
        raise ValidationError(_("所选赛项不属于本竞赛。"))
    freeze_at = data.get("freeze_at")
    if freeze_at is not None and not 1 <= freeze_at <= count:
        raise ValidationError(
            _("自动封榜题序应在 1 到题目数（现有 %(n)d 题）之间；先添加题目再设置封榜。") % {"n": count}
        )
    _check_timing(int(data["default_seconds"]), Decimal(data["default_points"]))


def round_settings(live_round: LiveRound) -> dict[str, Any]:
    """A round's settings as the settings form names them (its initial values)."""
    return {
        "title": live_round.title,
        "event_group": live_round.event_group_id,
        "scoring_mode": live_round.scoring_mode,
        "streak_bonus": live_round.streak_bonus,
        "rehearsal": live_round.rehearsal,
        "freeze_at": live_round.freeze_at,
        "default_seconds": live_round.default_seconds,
        "default_points": live_round.default_points,
    }


def _snapshot(live_round: LiveRound) -> dict[str, Any]:
    """The settings for an audit record (JSON: the points as text)."""
    settings = round_settings(live_round)
    return {**settings, "default_points": str(settings["default_points"])}


# --- rounds -------------------------------------------------------------------------------


@transaction.atomic
def create_round(
    actor: User,
    contest: Contest,
    *,
    title: str,
    event_group: EventGroup | None = None,
    scoring_mode: str = "accuracy",
    streak_bonus: bool = False,
    rehearsal: bool = False,
    freeze_at: int | None = None,
    default_seconds: int = 20,
    default_points: Decimal = Decimal(10),
) -> LiveRound:
    """A new round in the lobby, with no questions yet (so no freeze point yet either)."""
    require_manager(actor, contest)
    data = {
        "title": title,
        "event_group": event_group,
        "freeze_at": freeze_at,
        "default_seconds": default_seconds,
        "default_points": default_points,
    }
    _check_settings(contest, data, 0)
    live_round = LiveRound.objects.create(
        contest=contest,
        title=title.strip(),
        event_group=event_group,
        scoring_mode=scoring_mode,
        streak_bonus=streak_bonus,
        rehearsal=rehearsal,
        freeze_at=freeze_at,
        default_seconds=default_seconds,
        default_points=default_points,
    )
    audit(actor, "live.round.create", live_round, after=_snapshot(live_round))
    return live_round


@transaction.atomic
def update_round(actor: User, live_round: LiveRound, **changes: Any) -> LiveRound:
    """Change the round's settings (any of title, event_group, scoring_mode, streak_bonus,
    rehearsal, freeze_at, default_seconds, default_points) before it starts."""
    unknown = set(changes) - set(SETTINGS) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown round settings: {sorted(unknown)}")
    locked = _editable(actor, live_round)
    before = _snapshot(locked)
    data = {**before, "event_group": locked.event_group, **changes}
    _check_settings(locked.contest, data, locked.questions.count())
    for name, value in changes.items():
        setattr(locked, name, value.strip() if name == "title" else value)
    locked.save(update_fields=list(changes))
    audit(actor, "live.round.update", locked, before=before, after=_snapshot(locked))
    return locked


@transaction.atomic
def duplicate_round(actor: User, live_round: LiveRound) -> LiveRound:
    """A copy in the lobby with the same settings and questions, titled "…（副本）"; no seats,
    answers or times are copied."""
    require_manager(actor, live_round.contest)
    source = _locked(live_round)
    suffix = _("（副本）")
    copy = LiveRound.objects.create(
        contest=source.contest,
        title=source.title[: 120 - len(suffix)] + suffix,
        event_group=source.event_group,
        scoring_mode=source.scoring_mode,
        streak_bonus=source.streak_bonus,
        rehearsal=source.rehearsal,
        freeze_at=source.freeze_at,
        default_seconds=source.default_seconds,
        default_points=source.default_points,
    )
    LiveQuestion.objects.bulk_create(
        LiveQuestion(round=copy, question_id=lq.question_id, position=lq.position, seconds=lq.seconds, points=lq.points)
        for lq in source.questions.order_by("position")
    )
    audit(actor, "live.round.duplicate", copy, before={"source": source.pk}, after=_snapshot(copy))
    return copy


@transaction.atomic
def delete_round(actor: User, live_round: LiveRound) -> None:
    """Delete a round with no answers, or a rehearsal (its seats and answers go with it)."""
    require_manager(actor, live_round.contest)
    locked = _locked(live_round)
    problem = selectors.delete_problem(locked)
    if problem:
        raise ValidationError(problem)
    counts = {
        "questions": locked.questions.count(),
        "seats": locked.participants.count(),
        "answers": LiveAnswer.objects.filter(live_question__round=locked).count(),
    }
    audit(actor, "live.round.delete", locked, before={**_snapshot(locked), **counts})
    locked.delete()


@transaction.atomic
def reset_round(actor: User, live_round: LiveRound) -> dict[str, int]:
    """Back to the lobby: delete the answers and signals, zero the seats' scores (seats stay, so
    a connected contestant keeps their place), clear the questions' open/close times and the
    round's current question, pause, freeze and start/end times. `seq` keeps counting (clients
    treat a lower number as old) and skips one, so that clients resync from a snapshot when the
    caller broadcasts the new state. Returns the counts erased (also in the audit record)."""
    require_manager(actor, live_round.contest)
    locked = _locked(live_round)
    problem = selectors.reset_problem(locked)
    if problem:
        raise ValidationError(problem)
    answers = LiveAnswer.objects.filter(live_question__round=locked)
    signals = SuspiciousSignal.objects.filter(round=locked)
    seats = Participant.objects.filter(round=locked)
    counts = selectors.reset_counts(locked)
    before = {"state": locked.state, "frozen": locked.frozen, **counts}
    answers.delete()
    signals.delete()
    seats.update(
        score=0,
        correct=0,
        correct_ms=0,
        last_correct_at=None,
        streak=0,
        public_score=0,
        public_correct=0,
        public_correct_ms=0,
        public_last_correct_at=None,
    )
    locked.questions.update(opens_at=None, closes_at=None, paused_ms=0, tallied=False, revealed_at=None)
    locked.state, locked.current, locked.paused_at, locked.frozen = RoundState.LOBBY, None, None, False
    locked.started_at = locked.ended_at = None
    # Two numbers on: the round_state the page then broadcasts (hub.broadcast_from_request) leaves
    # a gap, so every open phone, host console and big screen asks for a snapshot and drops what
    # it showed of the old run (its answers, scores, question).
    locked.seq += 2
    locked.save(update_fields=["state", "current", "paused_at", "frozen", "started_at", "ended_at", "seq"])
    audit(
        actor,
        "live.round.reset",
        locked,
        before=before,
        after={"state": RoundState.LOBBY},
        reason="rehearsal" if locked.rehearsal else "results unpublished",
    )
    return counts


# --- questions ----------------------------------------------------------------------------


def _renumber(live_round: LiveRound, ordered_ids: Sequence[int]) -> None:
    """Positions 1..n in this order (every row of the round). Each row is parked above any real
    position first, so no UPDATE meets another row's position (the unique constraint is checked
    row by row)."""
    for i, pk in enumerate(ordered_ids, start=1):
        LiveQuestion.objects.filter(pk=pk).update(position=PARK + i)
    for i, pk in enumerate(ordered_ids, start=1):
        LiveQuestion.objects.filter(pk=pk).update(position=i)


def _order(live_round: LiveRound) -> list[int]:
    return list(live_round.questions.order_by("position").values_list("pk", flat=True))


def _place(
    live_round: LiveRound, questions: Sequence[Question], seconds: int | None, points: Decimal | None
) -> list[LiveQuestion]:
    """Append bank questions at the end (the round is locked and editable)."""
    seconds = live_round.default_seconds if seconds is None else seconds
    points = live_round.default_points if points is None else points
    _check_timing(seconds, points)
    placed = set(live_round.questions.values_list("question_id", flat=True))
    fresh = [q for q in dict.fromkeys(questions) if q.pk not in placed]
    for q in fresh:
        if q.qtype not in selectors.LIVE_QTYPES or not q.is_active:
            raise ValidationError(
                _("试题“%(s)s”不能用于现场赛（只支持启用的单选、多选、判断、填空题）。") % {"s": str(q)}
            )
    if len(placed) + len(fresh) > MAX_QUESTIONS:
        raise ValidationError(_("每个场次最多 %(n)d 道题。") % {"n": MAX_QUESTIONS})
    last = live_round.questions.aggregate(m=Max("position"))["m"] or 0
    return LiveQuestion.objects.bulk_create(
        LiveQuestion(round=live_round, question=q, position=last + i, seconds=seconds, points=points)
        for i, q in enumerate(fresh, start=1)
    )


@transaction.atomic
def set_questions(actor: User, live_round: LiveRound, items: Sequence[tuple[Question, int, Decimal]]) -> None:
    """Replace the round's questions with `items` (question, seconds, points), in this order."""
    locked = _editable(actor, live_round)
    if len(items) > MAX_QUESTIONS:
        raise ValidationError(_("每个场次最多 %(n)d 道题。") % {"n": MAX_QUESTIONS})
    if len({q.pk for q, _s, _p in items}) != len(items):
        raise ValidationError(_("同一道题不能在一个场次中出现两次。"))
    for q, seconds, points in items:
        _check_timing(seconds, points)
        if q.qtype not in selectors.LIVE_QTYPES or not q.is_active:
            raise ValidationError(
                _("试题“%(s)s”不能用于现场赛（只支持启用的单选、多选、判断、填空题）。") % {"s": str(q)}
            )
    if locked.freeze_at is not None and locked.freeze_at > len(items):
        raise ValidationError(
            _("自动封榜题序（第 %(n)d 题）超过了题目数，请先修改封榜设置。") % {"n": locked.freeze_at}
        )
    before = [(lq.question_id, lq.seconds, str(lq.points)) for lq in locked.questions.order_by("position")]
    locked.questions.all().delete()
    LiveQuestion.objects.bulk_create(
        LiveQuestion(round=locked, question=q, position=i, seconds=seconds, points=points)
        for i, (q, seconds, points) in enumerate(items, start=1)
    )
    after = [(q.pk, seconds, str(points)) for q, seconds, points in items]
    audit(actor, "live.round.questions", locked, before={"questions": before}, after={"questions": after})


@transaction.atomic
def add_questions(
    actor: User,
    live_round: LiveRound,
    questions: Sequence[Question],
    *,
    seconds: int | None = None,
    points: Decimal | None = None,
) -> list[LiveQuestion]:
    """Append bank questions (those already in the round are skipped) with the given or the
    round's default time and points. Returns the placed rows."""
    locked = _editable(actor, live_round)
    placed = _place(locked, questions, seconds, points)
    audit(actor, "live.round.add_questions", locked, after={"questions": [lq.question_id for lq in placed]})
    return placed


def add_question(
    actor: User, live_round: LiveRound, question: Question, *, seconds: int | None = None, points: Decimal | None = None
) -> LiveQuestion | None:
    """One bank question appended (None if it was already in the round)."""
    placed = add_questions(actor, live_round, [question], seconds=seconds, points=points)
    return placed[0] if placed else None


@transaction.atomic
def remove_question(actor: User, live_question: LiveQuestion) -> None:
    """Take a question out; the ones after it move up. A freeze point past the new end is
    cleared (it could never be reached)."""
    locked = _editable(actor, live_question.round)
    lq = LiveQuestion.objects.get(pk=live_question.pk, round=locked)
    lq.delete()
    order = _order(locked)
    _renumber(locked, order)
    if locked.freeze_at is not None and locked.freeze_at > len(order):
        locked.freeze_at = None
        locked.save(update_fields=["freeze_at"])
    audit(actor, "live.round.remove_question", locked, before={"question": lq.question_id, "position": lq.position})


@transaction.atomic
def move_question(actor: User, live_question: LiveQuestion, position: int) -> None:
    """Move a question to `position` (clamped to 1..n); the others keep their relative order."""
    locked = _editable(actor, live_question.round)
    order = _order(locked)
    if live_question.pk not in order:
        raise ValidationError(_("这道题不在本场次中。"))
    old = order.index(live_question.pk) + 1
    order.remove(live_question.pk)
    new = max(1, min(position, len(order) + 1))
    order.insert(new - 1, live_question.pk)
    if new != old:
        _renumber(locked, order)
        audit(actor, "live.round.move_question", locked, before={"position": old}, after={"position": new})


@transaction.atomic
def set_question_timing(actor: User, live_question: LiveQuestion, *, seconds: int, points: Decimal) -> None:
    """Per-question time limit and points."""
    locked = _editable(actor, live_question.round)
    _check_timing(seconds, points)
    lq = LiveQuestion.objects.select_for_update().get(pk=live_question.pk, round=locked)
    before = {"seconds": lq.seconds, "points": str(lq.points)}
    lq.seconds, lq.points = seconds, points
    lq.save(update_fields=["seconds", "points"])
    audit(actor, "live.question.timing", lq, before=before, after={"seconds": seconds, "points": str(points)})


@transaction.atomic
def draw_questions(
    actor: User,
    live_round: LiveRound,
    *,
    count: int,
    domain: str = "",
    qtype: str = "",
    difficulty_min: int | None = None,
    difficulty_max: int | None = None,
    knowledge_point: str = "",
    seconds: int | None = None,
    points: Decimal | None = None,
) -> list[LiveQuestion]:
    """Append `count` bank questions drawn at random (secrets.SystemRandom) among those that
    match the filters and are not in the round yet; refused, saying how many match, when fewer
    than `count` do."""
    locked = _editable(actor, live_round)
    if not 1 <= count <= MAX_QUESTIONS:
        raise ValidationError(_("抽题数量应在 1 到 %(n)d 之间。") % {"n": MAX_QUESTIONS})
    pool = list(
        selectors.bank_questions(
            domain=domain,
            qtype=qtype,
            difficulty_min=difficulty_min,
            difficulty_max=difficulty_max,
            knowledge_point=knowledge_point,
        )
        .exclude(pk__in=locked.questions.values("question_id"))
        .values_list("pk", flat=True)
    )
    if len(pool) < count:
        raise ValidationError(
            _("题库中符合条件且尚未加入本场次的试题只有 %(m)d 道，不够抽取 %(n)d 道。请减少数量或放宽条件。")
            % {"m": len(pool), "n": count}
        )
    chosen = secrets.SystemRandom().sample(pool, count)
    by_id = Question.objects.in_bulk(chosen)
    placed = _place(locked, [by_id[pk] for pk in chosen], seconds, points)
    audit(
        actor,
        "live.round.draw",
        locked,
        after={
            "questions": [lq.question_id for lq in placed],
            "rule": {
                "count": count,
                "domain": domain,
                "qtype": qtype,
                "difficulty": [difficulty_min, difficulty_max],
                "knowledge_point": knowledge_point,
            },
            "matched": len(pool),
        },
    )
    return placed


def _check_written(qtype: str, stem: str, options: list[str], answer: Any) -> None:
    if qtype not in WRITABLE_TYPES:
        raise ValidationError(_("现场出题只支持单选、多选和判断题。"))
    if not stem.strip() or len(stem) > MAX_STEM:
        raise ValidationError(_("题干不能为空，最多 %(n)d 字。") % {"n": MAX_STEM})
    if qtype == QuestionType.TRUE_FALSE:
        if options or not isinstance(answer, bool):
            raise ValidationError(_("判断题没有选项，答案为“对”或“错”。"))
        return
    if not 2 <= len(options) <= len(OPTION_LETTERS):
        raise ValidationError(_("选择题需要 2 到 %(n)d 个选项，每行一个。") % {"n": len(OPTION_LETTERS)})
    if any(not o.strip() or len(o) > MAX_OPTION for o in options):
        raise ValidationError(_("选项不能为空，每个最多 %(n)d 字。") % {"n": MAX_OPTION})
    letters = OPTION_LETTERS[: len(options)]
    keys = [answer] if qtype == QuestionType.SINGLE else answer
    if (
        not isinstance(keys, list)
        or not keys
        or any(not isinstance(k, str) or k not in letters for k in keys)
        or len(set(keys)) != len(keys)
    ):
        raise ValidationError(_("答案应为选项字母 A–%(z)s。") % {"z": letters[-1]})
    if qtype == QuestionType.MULTIPLE and len(keys) < 2:
        raise ValidationError(_("多选题至少要有两个正确选项；只有一个正确选项请选单选题。"))


@transaction.atomic
def write_question(
    actor: User,
    live_round: LiveRound,
    *,
    qtype: str,
    stem: str,
    options: list[str],
    answer: Any,
    explanation: str = "",
    seconds: int | None = None,
    points: Decimal | None = None,
    domain: str = "",
    difficulty: int = 3,
    knowledge_point: str = "",
) -> LiveQuestion:
    """Save a new question to the shared bank (active, attributed to `actor`) and append it to
    the round. `answer`: single "B"; multiple ["A", "C"] (sorted on save); true/false a bool.
    A question identical to one in the bank (same type, stem and options) is refused: add that
    one from the bank instead."""
    locked = _editable(actor, live_round)
    stem = stem.strip()
    options = [o.strip() for o in options]
    _check_written(qtype, stem, options, answer)
    if not 1 <= difficulty <= 5:
        raise ValidationError(_("难度应为 1 到 5。"))
    if Question.objects.filter(fingerprint=question_fingerprint(qtype, stem, options)).exists():
        raise ValidationError(_("题库中已有一道相同的试题，请在题库中搜索后直接加入。"))
    question = Question.objects.create(
        qtype=qtype,
        stem=stem,
        options=options,
        answer=sorted(answer) if qtype == QuestionType.MULTIPLE else answer,
        explanation=explanation.strip(),
        domain=domain,
        difficulty=difficulty,
        knowledge_point=knowledge_point.strip()[:100],
        points=points if points is not None else locked.default_points,
        is_active=True,
        created_by=actor,
    )
    audit(actor, "lms.question.create", question, after={"qtype": qtype, "stem": stem[:200], "source": "live"})
    placed = _place(locked, [question], seconds, points)
    audit(actor, "live.round.add_questions", locked, after={"questions": [question.pk], "written": True})
    return placed[0]
