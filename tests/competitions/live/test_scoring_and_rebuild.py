"""Scoring modes, the tie-break, rebuild_scores agreeing, and theory scores for the lifecycle."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditEvent
from competitions.live import actions, selectors
from competitions.live.models import LiveAnswer, LiveRound, Participant, ScoringMode

pytestmark = pytest.mark.django_db(transaction=True)


def play(arena, responses_by_question: list[list[object]], delays_ms: list[list[int]] | None = None) -> LiveRound:
    """Drive the round through actions: open, answer (server-stamped), close, for each question."""
    host = arena.organizer
    seats = [
        Participant.objects.get_or_create(round=arena.round, registration=t.registration)[0] for t in arena.tickets
    ]
    for qi, responses in enumerate(responses_by_question):
        actions.open_next(host, arena.round.pk)
        live_round = LiveRound.objects.get(pk=arena.round.pk)
        lq = live_round.current
        batch = []
        for si, response in enumerate(responses):
            if response is None:
                continue
            delay = delays_ms[qi][si] if delays_ms else 1000 + si
            batch.append(
                actions.PendingAnswer(
                    participant_id=seats[si].pk,
                    round_id=live_round.pk,
                    answer_id=uuid.uuid4(),
                    question_id=lq.pk,
                    response=response,
                    received_at=lq.opens_at + timedelta(milliseconds=delay),
                )
            )
        results = actions.submit_answers(batch)
        assert all(r.ack for r in results)
        actions.close_question(host, live_round.pk)
    return LiveRound.objects.get(pk=arena.round.pk)


def test_accuracy_mode_gives_full_points_for_a_correct_answer(arena) -> None:
    live_round = play(arena, [["A", "B", None]])
    scores = dict(Participant.objects.values_list("registration__person__real_name", "score"))
    assert scores == {"甲选手": Decimal(10), "乙选手": Decimal(0), "丙选手": Decimal(0)}
    assert live_round.state == "closed"


def test_speed_mode_gives_between_half_and_full_points_by_time(arena) -> None:
    LiveRound.objects.filter(pk=arena.round.pk).update(scoring_mode=ScoringMode.SPEED)
    play(arena, [["A", "A", "A"]], delays_ms=[[0, 10_000, 19_999]])
    points = list(
        LiveAnswer.objects.order_by("participant__registration__person__real_name").values_list("points", flat=True)
    )
    # 丙 (19.999 s), 乙 (10 s), 甲 (0 s) in pinyin-free code point order: 丙 < 乙 < 甲
    assert sorted(points) == [Decimal("5.00"), Decimal("7.50"), Decimal("10.00")]


def test_streak_bonus_is_off_by_default_and_adds_ten_percent_per_streak_when_on(arena) -> None:
    assert not arena.round.streak_bonus
    LiveRound.objects.filter(pk=arena.round.pk).update(streak_bonus=True)
    play(arena, [["A", "A", None], [True, False, None], [["A", "B", "D"], ["A"], None]])
    scores = dict(Participant.objects.values_list("registration__person__real_name", "score"))
    assert scores["甲选手"] == Decimal("33.00")  # 10, then 10 + 1, then 10 + 2
    assert scores["乙选手"] == Decimal("10.00")


def test_ties_break_on_time_of_correct_answers_then_the_earlier_last_correct_answer(arena) -> None:
    live_round = play(arena, [["A", "A", "B"]], delays_ms=[[3000, 2000, 1000]])
    board = selectors.leaderboard(live_round, public=False, masked=False)
    assert [row.name for row in board.top] == ["乙选手", "甲选手", "丙选手"]
    assert "total time of correct answers" in actions.__doc__


def test_rebuild_scores_finds_no_difference_and_reports_a_tampered_score(arena) -> None:
    play(arena, [["A", "B", "A"], [True, True, False]])
    out = StringIO()
    call_command("rebuild_scores", stdout=out)
    assert "rebuild_scores: 0 difference(s)" in out.getvalue()
    Participant.objects.filter(registration=arena.tickets[0].registration).update(score=Decimal(99))
    with pytest.raises(Exception, match="1 difference"):
        call_command("rebuild_scores", stdout=StringIO())
    call_command("rebuild_scores", "--fix", stdout=StringIO())
    call_command("rebuild_scores", stdout=(out := StringIO()))
    assert "0 difference(s)" in out.getvalue()


def test_an_answer_that_arrived_in_time_but_commits_after_the_close_is_still_scored(arena) -> None:
    seat = Participant.objects.create(round=arena.round, registration=arena.tickets[0].registration)
    actions.open_next(arena.organizer, arena.round.pk)
    lq = LiveRound.objects.get(pk=arena.round.pk).current
    arrived = timezone.now()
    actions.close_question(arena.organizer, arena.round.pk)
    [result] = actions.submit_answers(
        [actions.PendingAnswer(seat.pk, arena.round.pk, uuid.uuid4(), lq.pk, "A", arrived)]
    )
    assert result.ack is not None
    seat.refresh_from_db()
    assert seat.score == Decimal(10)
    assert actions.rebuild_scores(LiveRound.objects.get(pk=arena.round.pk)) == []


def test_theory_scores_are_true_scores_on_a_hundred_point_scale(arena) -> None:
    play(arena, [["A", "B", None]])
    LiveRound.objects.filter(pk=arena.round.pk).update(frozen=True)
    scores = selectors.theory_scores(arena.round.contest)
    by_reg = {t.registration_id: scores.get(t.registration_id) for t in arena.tickets}
    # 5 questions × 10 points available; 甲 earned 10.
    assert by_reg[arena.tickets[0].registration_id] == Decimal("20.00")
    assert by_reg[arena.tickets[1].registration_id] == Decimal("0.00")


def test_the_one_answer_per_question_rule_is_a_database_constraint(arena) -> None:
    from django.db import IntegrityError, transaction

    seat = Participant.objects.create(round=arena.round, registration=arena.tickets[0].registration)
    actions.open_next(arena.organizer, arena.round.pk)
    lq = LiveRound.objects.get(pk=arena.round.pk).current
    LiveAnswer.objects.create(
        live_question=lq,
        participant=seat,
        client_id=uuid.uuid4(),
        response="A",
        received_at=timezone.now(),
        elapsed_ms=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        LiveAnswer.objects.create(
            live_question=lq,
            participant=seat,
            client_id=uuid.uuid4(),
            response="B",
            received_at=timezone.now(),
            elapsed_ms=2,
        )


def test_incremental_tallies_agree_with_the_replay_in_speed_mode_with_streaks_and_a_freeze(arena) -> None:
    LiveRound.objects.filter(pk=arena.round.pk).update(scoring_mode=ScoringMode.SPEED, streak_bonus=True)
    # Five questions: 甲 right every time (a growing streak), 乙 right, wrong, right, missing, right,
    # 丙 never answers the first two; odd delays make the speed points uneven decimals.
    responses = [
        ["A", "A", None],
        [True, False, None],
        [["A", "B", "D"], ["A", "B", "D"], ["A", "B", "D"]],
        ["B", None, "B"],
        [False, False, True],
    ]
    delays = [[1234, 5678, 0], [333, 19_999, 0], [7, 12_345, 6_789], [2_468, 0, 13_579], [1_111, 2_222, 3_333]]
    host = arena.organizer
    seats = [Participant.objects.create(round=arena.round, registration=t.registration) for t in arena.tickets]
    for qi, row in enumerate(responses):
        if qi == 3:
            actions.set_frozen(host, arena.round.pk, True)
        actions.open_next(host, arena.round.pk)
        lq = LiveRound.objects.get(pk=arena.round.pk).current
        batch = [
            actions.PendingAnswer(
                seats[si].pk,
                arena.round.pk,
                uuid.uuid4(),
                lq.pk,
                response,
                lq.opens_at + timedelta(milliseconds=delays[qi][si]),
            )
            for si, response in enumerate(row)
            if response is not None
        ]
        assert all(r.ack for r in actions.submit_answers(batch))
        actions.close_question(host, arena.round.pk)
    live_round = LiveRound.objects.get(pk=arena.round.pk)
    assert actions.rebuild_scores(live_round) == []
    first = Participant.objects.get(pk=seats[0].pk)
    # 甲: 10 × (1 − 0.5 × t/20 s) each, plus 10 % of 10 points per earlier consecutive right answer.
    expected = sum(
        (Decimal(10) * (1 - Decimal("0.5") * Decimal(ms) / Decimal(20_000))).quantize(Decimal("0.01"))
        + Decimal(i) * Decimal(1)
        for i, ms in enumerate([1234, 333, 7, 2_468, 1_111])
    )
    assert first.score == expected and first.correct == 5 and first.streak == 5
    # The public copy stopped at the freeze (after three questions); the true score moved on.
    assert first.public_correct == 3 and first.public_score < first.score
    actions.set_frozen(host, arena.round.pk, False)
    first.refresh_from_db()
    assert first.public_score == first.score
    # One score audit per tally, holding each changed seat's before and after.
    tallies = list(AuditEvent.objects.filter(action="live.score").order_by("id"))
    assert len(tallies) == 5 and all(str(seats[0].pk) in a.after["seats"] for a in tallies)
    last = tallies[-1]
    assert last.before["seats"][str(seats[0].pk)]["correct"] == 4
    assert last.after["seats"][str(seats[0].pk)] == {
        "score": str(first.score),
        "correct": 5,
        "correct_ms": first.correct_ms,
        "last_correct_at": first.last_correct_at.isoformat(),
    }


def test_a_seat_without_points_is_not_reported_as_a_difference(arena) -> None:
    live_round = play(arena, [["B", None, "A"]])
    assert actions.rebuild_scores(live_round) == []


def test_a_contestants_rank_counted_in_the_database_matches_the_board_order_including_ties(arena) -> None:
    LiveRound.objects.filter(pk=arena.round.pk).update(scoring_mode=ScoringMode.SPEED)
    # 甲 and 乙 tie on score (19.38) and time (2.5 s); 乙's last correct answer came earlier; 丙 has nothing.
    live_round = play(arena, [["A", "A", "B"], [True, True, None]], delays_ms=[[1000, 1500, 10], [1500, 1000, 0]])
    for public in (False, True):
        table = selectors.standings(live_round, public=public)
        for seat in Participant.objects.filter(round=live_round):
            assert selectors.rank_of(live_round, seat, public=public) == table[str(seat.pk)][0]
    ranks = {
        p.registration.person.real_name: selectors.rank_of(live_round, p, public=False)
        for p in Participant.objects.select_related("registration__person")
    }
    assert ranks == {"乙选手": 1, "甲选手": 2, "丙选手": 3}
