"""A sitting at scale: papers opened, answers stored and papers submitted many at a time.

The exam socket (lms/consumers.py) gathers what its examinees send within a few milliseconds and
hands it here as one batch (a group commit, as the live contests do); the HTTP endpoints hand one
item. The rules are those of lms.quizzes, once per batch instead of once per person:

- Opening: the quiz's window and attempt limit are checked against the quiz row read for the
  batch; an open attempt in time is resumed; a new one gets its own draw and order from the
  prepared pool (lms.papers) and a deadline from the server clock. All new attempts of a batch
  are one INSERT, their audit records another. If the batch fails (two tabs of one person racing
  on two processes), each request is tried again on its own.
- Answers: one statement for the batch stores every answer whose attempt is the sender's own,
  still open and in time (+ grace), read under a share lock so a submission cannot slip between
  the check and the write. An answer carries the page's sequence number: a resent or late older
  answer never replaces a newer one, and the same one twice is stored once. An answer is
  acknowledged only after that statement has committed.
- Submitting: the batch's attempts are locked, graded together (`quizzes._finalize_many`) and
  audited; a paper already submitted answers "submitted" again (a resend is harmless), one past
  its time is graded from what was saved in time and told it was late.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.actions import audit_many
from accounts.models import User
from lms import papers, selectors
from lms.models import Attempt, AttemptAnswer, AttemptStatus, Quiz
from lms.quizzes import GRACE, _deadline, _finalize_many, new_rng, start_attempt, window_error

log = logging.getLogger(__name__)


# --- Opening papers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenRequest:
    quiz_id: int
    learner_id: int
    lang: str = ""  # the language the learner reads (for the reasons a paper is refused)


@dataclass
class Opened:
    attempt_id: int | None = None
    paper: list[dict[str, Any]] = field(default_factory=list)
    deadline: dt.datetime | None = None
    resumed: bool = False
    last_seq: int = 0
    error: str = ""
    pool: papers.Pool | None = None


def open_papers(requests: list[OpenRequest]) -> list[Opened]:
    """Start (or resume) each learner's attempt; one result per request, in order."""
    try:
        with transaction.atomic():
            done = _open_batch(requests)
    except DatabaseError:
        log.warning("exam: a batch of %d openings failed; opening one by one", len(requests), exc_info=True)
        done = {}
    return [done[r] if r in done else _open_one(r) for r in requests]


def _open_one(request: OpenRequest) -> Opened:
    with translation.override(request.lang or None):
        return _open_alone(request)


def _open_alone(request: OpenRequest) -> Opened:
    try:
        with transaction.atomic():
            quiz = Quiz.objects.get(pk=request.quiz_id)
            attempt = start_attempt(quiz, User.objects.get(pk=request.learner_id))
            pool = papers.pool_for(quiz)
    except ValidationError as exc:
        return Opened(error="；".join(exc.messages))
    except (Quiz.DoesNotExist, User.DoesNotExist):
        return Opened(error=_("未找到该测验。"))
    except DatabaseError:
        log.warning("exam: opening a paper failed", exc_info=True)
        return Opened(error=_("暂时无法打开试卷，请稍后重试。"))
    return Opened(
        attempt_id=attempt.pk,
        paper=attempt.paper,
        deadline=attempt.deadline,
        resumed=attempt.answers.exists(),
        last_seq=selectors.last_answer_seq(attempt),
        pool=pool,
    )


def _last_seqs(attempt_ids: list[int]) -> dict[int, int]:
    rows = AttemptAnswer.objects.filter(attempt_id__in=attempt_ids).values("attempt_id").annotate(last=Max("seq"))
    return {row["attempt_id"]: row["last"] or 0 for row in rows}


def _open_batch(requests: list[OpenRequest]) -> dict[OpenRequest, Opened]:
    now = timezone.now()
    results: dict[OpenRequest, Opened] = {}
    by_quiz: dict[int, list[OpenRequest]] = defaultdict(list)
    for request in requests:
        by_quiz[request.quiz_id].append(request)
    for quiz_id, group in by_quiz.items():
        quiz = Quiz.objects.filter(pk=quiz_id).first()
        if quiz is None:
            for request in group:
                with translation.override(request.lang or None):
                    results[request] = Opened(error=_("未找到该测验。"))
            continue
        if window_error(quiz, now):
            for request in group:
                with translation.override(request.lang or None):
                    results[request] = Opened(error=window_error(quiz, now))
            continue
        pool = papers.pool_for(quiz)
        learners = {r.learner_id for r in group}
        counts = dict(
            Attempt.objects.filter(quiz=quiz, learner_id__in=learners)
            .values_list("learner_id")
            .annotate(n=Count("pk"))
            .values_list("learner_id", "n")
        )
        current = {
            a.learner_id: a
            for a in Attempt.objects.filter(quiz=quiz, learner_id__in=learners, status=AttemptStatus.IN_PROGRESS)
        }
        resumed: dict[int, Attempt] = {}
        created: list[Attempt] = []
        for learner_id in learners:
            attempt = current.get(learner_id)
            if attempt is not None:
                if attempt.deadline is None or now <= attempt.deadline:
                    resumed[learner_id] = attempt
                # else: past its time, it is graded by start_attempt on its own (after the batch)
                continue
            done = counts.get(learner_id, 0)
            if quiz.max_attempts and done >= quiz.max_attempts:
                for request in group:
                    if request.learner_id == learner_id:
                        with translation.override(request.lang or None):
                            message = _("您已作答 %(n)d 次，达到该测验的次数上限。") % {"n": done}
                        results[request] = Opened(error=message)
                continue
            try:
                paper = papers.draw(pool, new_rng())
            except ValidationError:
                for request in group:
                    with translation.override(request.lang or None):
                        try:
                            papers.draw(pool, new_rng())
                        except ValidationError as exc:
                            results[request] = Opened(error="；".join(exc.messages))
                break
            created.append(
                Attempt(quiz=quiz, learner_id=learner_id, number=done + 1, paper=paper, deadline=_deadline(quiz, now))
            )
        _insert_attempts(created, now)
        audit_many("quiz.start", [(a.learner_id, a, {"quiz": quiz.pk, "number": a.number}) for a in created])
        seqs = _last_seqs([a.pk for a in resumed.values()])
        mine = {a.learner_id: a for a in created} | resumed
        for request in group:
            if request in results:
                continue
            attempt = mine.get(request.learner_id)
            if attempt is None:
                continue  # an expired open attempt: opened on its own
            results[request] = Opened(
                attempt_id=attempt.pk,
                paper=attempt.paper,
                deadline=attempt.deadline,
                resumed=request.learner_id in resumed,
                last_seq=seqs.get(attempt.pk, 0),
                pool=pool,
            )
    return results


def _insert_attempts(attempts: list[Attempt], now: dt.datetime) -> None:
    """INSERT the new attempts and set their ids: on PostgreSQL one statement over arrays with
    bound values (a batch of 500 papers is 1.5 MB of JSON that Django's bulk_create would quote
    into the SQL text in Python), elsewhere bulk_create."""
    if not attempts:
        return
    conn = connections[router.db_for_write(Attempt)]
    if conn.vendor != "postgresql":
        Attempt.objects.bulk_create(attempts, batch_size=500)
        return
    table = conn.ops.quote_name(Attempt._meta.db_table)
    sql = (
        f"INSERT INTO {table} (quiz_id, learner_id, number, paper, status, started_at, deadline, "  # noqa: S608
        "score, max_score, flagged) "
        "SELECT v.quiz, v.learner, v.number, v.paper::jsonb, %s, %s, v.deadline, 0, 0, '[]'::jsonb "
        "FROM unnest(%b::bigint[], %b::bigint[], %b::int[], %b::text[], %b::timestamptz[]) "
        "WITH ORDINALITY AS v (quiz, learner, number, paper, deadline, i) ORDER BY v.i RETURNING id"
    )
    params = [
        AttemptStatus.IN_PROGRESS,
        now,
        [a.quiz_id for a in attempts],
        [a.learner_id for a in attempts],
        [a.number for a in attempts],
        [json.dumps(a.paper) for a in attempts],
        [a.deadline for a in attempts],
    ]
    with bound_cursor(conn) as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    for attempt, pk in zip(attempts, ids, strict=True):
        attempt.pk = attempt.id = pk
        attempt.started_at = now
        attempt._state.adding = False
        attempt._state.db = conn.alias


# --- Storing answers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingAnswer:
    """One answer as sent: `response` already in the question's own letters (quizzes.to_stored)."""

    attempt_id: int
    learner_id: int
    question_id: int
    response: Any
    seq: int | None = None


@dataclass
class AnswerResult:
    stored: bool
    deadline: dt.datetime | None = None
    # "closed": submitted, or not the sender's; "late": past its time (resending will not help
    # either); "not_stored": the database could not take it now (resend it).
    code: str = ""
    error: str = ""


def not_stored(_pending: PendingAnswer) -> AnswerResult:
    return AnswerResult(stored=False, code="not_stored", error=_("答案暂未保存，正在重试…"))


def store_answers(batch: list[PendingAnswer]) -> list[AnswerResult]:
    """Store a batch of answers in one statement; one result per answer, in order. Each answer is
    stored only into the sender's own attempt while it is open and in time; of several answers to
    one question the highest sequence number wins, whatever order they arrive in."""
    if not batch:
        return []
    now = timezone.now()
    # Of several answers to one question of one paper, the newest is written. A batch never holds
    # answers of two senders for one paper, unless someone sends to a paper that is not theirs:
    # each sender's newest goes in and the join to the attempt keeps only its owner's.
    newest: dict[tuple[int, int, int], PendingAnswer] = {}
    senders: dict[tuple[int, int], set[int]] = defaultdict(set)
    for pending in batch:
        mine = (pending.attempt_id, pending.question_id, pending.learner_id)
        senders[mine[:2]].add(pending.learner_id)
        held = newest.get(mine)
        if held is None or _newer(pending, held):
            newest[mine] = pending
    written = _upsert(list(newest.values()), now)

    def plainly_written(pending: PendingAnswer) -> bool:
        key = (pending.attempt_id, pending.question_id)
        return key in written and len(senders[key]) == 1

    states: dict[int, tuple[str, dt.datetime | None, int | None]] = {}
    if not all(plainly_written(p) for p in batch):
        # Some were not written: superseded by a newer answer, or refused (closed, late, not theirs).
        states = {
            pk: (status, deadline, learner_id)
            for pk, status, deadline, learner_id in Attempt.objects.filter(
                pk__in={p.attempt_id for p in batch}
            ).values_list("pk", "status", "deadline", "learner_id")
        }
    results = []
    for pending in batch:
        if plainly_written(pending):
            results.append(AnswerResult(stored=True, deadline=written[(pending.attempt_id, pending.question_id)]))
            continue
        status, deadline, learner_id = states.get(pending.attempt_id, ("", None, None))
        if (
            learner_id == pending.learner_id
            and status == AttemptStatus.IN_PROGRESS
            and (deadline is None or now <= deadline + GRACE)
        ):
            # Stored, or a newer answer to the same question is (this one is superseded).
            results.append(AnswerResult(stored=True, deadline=deadline))
        elif learner_id != pending.learner_id:
            results.append(AnswerResult(stored=False, code="closed", error=_("这不是您的试卷。")))
        elif status != AttemptStatus.IN_PROGRESS:
            results.append(
                AnswerResult(stored=False, deadline=deadline, code="closed", error=_("试卷已提交，不能再修改答案。"))
            )
        else:
            results.append(
                AnswerResult(
                    stored=False,
                    deadline=deadline,
                    code="late",
                    error=_("作答时间已于 %(t)s 结束，本次操作未被接受；时限内保存的答案已计入成绩。")
                    % {"t": timezone.localtime(deadline).strftime("%H:%M:%S") if deadline else ""},
                )
            )
    return results


def _newer(a: PendingAnswer, b: PendingAnswer) -> bool:
    if a.seq is None or b.seq is None:
        return True  # unnumbered answers replace in arrival order
    return a.seq > b.seq


def _upsert(rows: list[PendingAnswer], now: dt.datetime) -> dict[tuple[int, int], dt.datetime | None]:
    """INSERT … SELECT … ON CONFLICT DO UPDATE for every row, joined to its attempt (the sender's,
    open, in time). Returns the (attempt, question) pairs written, each with its attempt's deadline
    as it stands (a proctor's extension reaches the page with the acknowledgement). One statement
    in autocommit: atomic without a BEGIN/COMMIT round trip."""
    conn = connections[router.db_for_write(AttemptAnswer)]
    qn = conn.ops.quote_name
    answers = qn(AttemptAnswer._meta.db_table)
    attempts = qn(Attempt._meta.db_table)
    response_field = AttemptAnswer._meta.get_field("response")
    saved_field = AttemptAnswer._meta.get_field("saved_at")
    deadline_field = Attempt._meta.get_field("deadline")
    # Table names come from the models; every value is a parameter.
    tail = (
        f"JOIN {attempts} ON {attempts}.id = {{a}} AND {attempts}.learner_id = {{learner}} "  # noqa: S608
        f"WHERE {attempts}.status = %s AND ({attempts}.deadline IS NULL OR {attempts}.deadline >= %s) {{lock}} "
        "ON CONFLICT (attempt_id, question_id) DO UPDATE SET "
        "response = excluded.response, saved_at = excluded.saved_at, seq = excluded.seq "
        f"WHERE {answers}.seq IS NULL OR excluded.seq IS NULL OR {answers}.seq < excluded.seq "
        f"RETURNING attempt_id, question_id, (SELECT deadline FROM {attempts} WHERE {attempts}.id = attempt_id)"
    )
    head = f"INSERT INTO {answers} (attempt_id, question_id, response, upload, needs_grading, comment, saved_at, seq) "
    guard = [AttemptStatus.IN_PROGRESS, now - GRACE]
    if conn.vendor == "postgresql":
        # Five arrays, not five values per answer: the statement and its parameters stay the same
        # size however large the batch, and the values travel bound, never quoted into the text;
        # %b sends each array in binary (psycopg's text form escapes every element in Python).
        sql = (
            head + "SELECT v.a, v.q, v.r::jsonb, '', FALSE, '', %s, v.s "
            "FROM unnest(%b::bigint[], %b::bigint[], %b::bigint[], %b::text[], %b::bigint[]) AS v (a, learner, q, r, s) "
            + tail.format(a="v.a", learner="v.learner", lock=f"FOR SHARE OF {attempts}")
        )
        params: list[Any] = [
            now,
            [p.attempt_id for p in rows],
            [p.learner_id for p in rows],
            [p.question_id for p in rows],
            [None if p.response is None else json.dumps(p.response, ensure_ascii=False) for p in rows],
            [p.seq for p in rows],
            *guard,
        ]
        with bound_cursor(conn) as cursor:
            cursor.execute(sql, params)
            return {(row[0], row[1]): row[2] for row in cursor.fetchall()}
    # SQLite writes one transaction at a time: nothing can slip in between, no lock to take.
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    sql = (
        head  # noqa: S608
        + f"SELECT v.column1, v.column3, v.column4, '', FALSE, '', %s, v.column5 FROM (VALUES {values}) AS v "  # noqa: S608
        + tail.format(a="v.column1", learner="v.column2", lock="")
    )
    params = [saved_field.get_db_prep_save(now, conn)]
    for pending in rows:
        response = response_field.get_db_prep_save(pending.response, conn)
        params += [pending.attempt_id, pending.learner_id, pending.question_id, response, pending.seq]
    params += [guard[0], deadline_field.get_db_prep_value(guard[1], conn)]
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        return {(row[0], row[1]): _as_datetime(row[2]) for row in cursor.fetchall()}


@contextlib.contextmanager
def bound_cursor(conn: Any) -> Iterator[Any]:
    """A PostgreSQL cursor that sends its values apart from the statement (server-side binding),
    wrapped as Django wraps its own (query logging, execute wrappers). Django's default cursor
    binds on the client, quoting every value into the SQL text in Python: for a batch of
    thousands of values that quoting cost more than the database's work."""
    from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]

    conn.ensure_connection()
    with conn._prepare_cursor(ServerBindingCursor(conn.connection)) as cursor:
        yield cursor


def _as_datetime(value: Any) -> dt.datetime | None:
    """A deadline as the cursor gives it: a datetime (PostgreSQL) or Django's text form (SQLite)."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


# --- Submitting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitRequest:
    attempt_id: int
    learner_id: int
    # When the server received it: a submission that arrived in time is in time, however long it
    # then waited for its batch (five thousand papers submitted in the last seconds).
    received_at: dt.datetime | None = None


@dataclass
class Submitted:
    ok: bool
    late: bool = False
    status: str = ""
    error: str = ""


def submit_papers(requests: list[SubmitRequest]) -> list[Submitted]:
    """Submit and grade a batch of papers in one transaction; one result per request, in order."""
    now = timezone.now()
    with transaction.atomic():
        locked = {
            a.pk: a
            for a in Attempt.objects.select_for_update()
            .select_related("quiz")
            .filter(pk__in={r.attempt_id for r in requests})
            .order_by("pk")
        }
        closing: dict[int, tuple[Attempt, dt.datetime]] = {}
        late: set[int] = set()
        for request in requests:
            attempt = locked.get(request.attempt_id)
            if attempt is None or attempt.learner_id != request.learner_id or attempt.pk in closing:
                continue
            if attempt.status != AttemptStatus.IN_PROGRESS:
                continue
            at = min(request.received_at or now, now)
            if attempt.deadline is not None and at > attempt.deadline + GRACE:
                closing[attempt.pk] = (attempt, attempt.deadline)
                late.add(attempt.pk)
            else:
                closing[attempt.pk] = (attempt, at)
        _finalize_many(list(closing.values()))
        audit_many(
            "quiz.submit",
            [
                (a.learner_id, a, {"score": str(a.score), "status": a.status})
                for a, _at in closing.values()
                if a.pk not in late
            ],
        )
        audit_many(
            "quiz.late_submit",
            [(a.learner_id, a, None) for a, _at in closing.values() if a.pk in late],
            reason="deadline passed",
        )
    results = []
    for request in requests:
        attempt = locked.get(request.attempt_id)
        if attempt is None or attempt.learner_id != request.learner_id:
            results.append(Submitted(ok=False, error=_("这不是您的试卷。")))
        elif attempt.pk in late:
            results.append(
                Submitted(
                    ok=True,
                    late=True,
                    status=attempt.status,
                    error=_("作答时间已于 %(t)s 结束，提交被拒绝；时限内自动保存的答案已计入成绩。")
                    % {"t": timezone.localtime(attempt.deadline).strftime("%H:%M:%S") if attempt.deadline else ""},
                )
            )
        else:
            results.append(Submitted(ok=True, status=attempt.status))
    return results
