"""Organizers author live rounds: settings, questions from the bank, draw, write, copy, delete,
reset; rehearsals never count; the freeze point freezes the board; a round's event group gates
who joins."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.choices import Role
from accounts.models import AuditEvent
from competitions import actions as contest_actions
from competitions.live import actions, authoring, selectors, setup
from competitions.live.models import LiveAnswer, LiveQuestion, LiveRound, Participant, RoundState, SuspiciousSignal
from competitions.models import ContestRules
from competitions.selectors import theory_takers as contest_theory_takers
from lms.models import Question

pytestmark = pytest.mark.django_db


def bank(n: int, **fields) -> list[Question]:
    """`n` single-choice bank questions (stems unique per call)."""
    tag = uuid.uuid4().hex[:6]
    return [
        Question.objects.create(
            qtype=fields.get("qtype", "single"),
            stem=f"{fields.get('stem', '题')}{tag}-{i}",
            options=["甲", "乙", "丙"] if fields.get("qtype", "single") != "truefalse" else [],
            answer="A" if fields.get("qtype", "single") != "truefalse" else True,
            domain=fields.get("domain", ""),
            difficulty=fields.get("difficulty", 3),
            knowledge_point=fields.get("knowledge_point", ""),
            is_active=fields.get("is_active", True),
        )
        for i in range(n)
    ]


@pytest.fixture
def contest_group(organizer):
    return setup.create_contest(organizer)


@pytest.fixture
def new_round(organizer, contest_group):
    contest, _group = contest_group
    live_round = authoring.create_round(organizer, contest, title="理论赛", default_seconds=30)
    authoring.add_questions(organizer, live_round, bank(3))
    return live_round


def play_one_question(organizer, live_round: LiveRound, seats, *, right: bool = True) -> None:
    """Open the next question, every seat answers (all right or all wrong), close it."""
    actions.open_next(organizer, live_round.pk)
    live_round.refresh_from_db()
    lq = live_round.current
    assert lq is not None
    batch = [
        actions.PendingAnswer(
            participant_id=p.pk,
            round_id=live_round.pk,
            answer_id=uuid.uuid4(),
            question_id=lq.pk,
            response=lq.question.answer if right else "C",
            received_at=timezone.now(),
        )
        for p in seats
    ]
    results = actions.submit_answers(batch)
    assert all(r.ack for r in results)
    actions.close_question(organizer, live_round.pk)


def seated(organizer, contest, group, live_round, people):
    seats = []
    for person in people:
        ticket = setup.seat(organizer, contest, group, person)
        seats.append(
            actions.join(live_round, person, ticket.number, ticket.access_code, f"chan-{person.pk}").participant
        )
    return seats


# --- create and edit --------------------------------------------------------------------------


def test_only_the_contests_organizers_create_and_edit_rounds(organizer, contest_group, make_person, new_round) -> None:
    contest, _group = contest_group
    other_organizer = make_person(Role.ORGANIZER, name="别家组委")
    learner = make_person(Role.LEARNER)
    for stranger in (other_organizer, learner):
        with pytest.raises(PermissionDenied):
            authoring.create_round(stranger, contest, title="偷建")
        with pytest.raises(PermissionDenied):
            authoring.update_round(stranger, new_round, title="改名")
        with pytest.raises(PermissionDenied):
            authoring.add_questions(stranger, new_round, bank(1))
    assert LiveRound.objects.filter(contest=contest).count() == 1
    assert AuditEvent.objects.filter(action="live.round.create", target_id=str(new_round.pk)).exists()


def test_a_round_names_an_event_group_of_its_own_contest_only(organizer, contest_group) -> None:
    contest, group = contest_group
    _other_contest, other_group = setup.create_contest(organizer)
    with pytest.raises(ValidationError, match="不属于本竞赛"):
        authoring.create_round(organizer, contest, title="错组", event_group=other_group)
    live_round = authoring.create_round(organizer, contest, title="本组", event_group=group)
    assert live_round.event_group == group


def test_the_freeze_point_cannot_pass_the_number_of_questions(organizer, new_round) -> None:
    with pytest.raises(ValidationError, match="现有 3 题"):
        authoring.update_round(organizer, new_round, freeze_at=4)
    authoring.update_round(organizer, new_round, freeze_at=3)
    new_round.refresh_from_db()
    assert new_round.freeze_at == 3
    # Removing a question past the freeze point clears it (it could never be reached).
    authoring.remove_question(organizer, new_round.questions.get(position=3))
    new_round.refresh_from_db()
    assert new_round.freeze_at is None


def test_timing_bounds_are_enforced(organizer, new_round) -> None:
    lq = new_round.questions.first()
    with pytest.raises(ValidationError, match="5 到 300"):
        authoring.set_question_timing(organizer, lq, seconds=4, points=Decimal(10))
    with pytest.raises(ValidationError, match="分值"):
        authoring.set_question_timing(organizer, lq, seconds=20, points=Decimal("0.4"))
    authoring.set_question_timing(organizer, lq, seconds=45, points=Decimal("7.5"))
    lq.refresh_from_db()
    assert (lq.seconds, lq.points) == (45, Decimal("7.5"))


def test_settings_and_questions_are_locked_once_the_round_has_started(organizer, new_round) -> None:
    actions.open_next(organizer, new_round.pk)
    with pytest.raises(ValidationError, match="已开始"):
        authoring.update_round(organizer, new_round, title="改名")
    with pytest.raises(ValidationError, match="已开始"):
        authoring.add_questions(organizer, new_round, bank(1))
    with pytest.raises(ValidationError, match="已开始"):
        authoring.remove_question(organizer, new_round.questions.get(position=2))
    assert new_round.questions.count() == 3


def test_new_questions_take_the_rounds_defaults_and_duplicates_are_skipped(organizer, new_round) -> None:
    assert set(new_round.questions.values_list("seconds", flat=True)) == {30}
    again = list(Question.objects.filter(pk__in=new_round.questions.values("question_id")))
    assert authoring.add_questions(organizer, new_round, again) == []
    subjective = Question.objects.create(qtype="short", stem="简述数字孪生。", options=[], answer=None)
    with pytest.raises(ValidationError, match="不能用于现场赛"):
        authoring.add_questions(organizer, new_round, [subjective])


# --- order ------------------------------------------------------------------------------------


def positions(live_round: LiveRound) -> list[tuple[int, int]]:
    return list(live_round.questions.order_by("position").values_list("position", "question_id"))


def test_moving_and_removing_keep_positions_one_to_n(organizer, new_round) -> None:
    first, second, third = (lq.question_id for lq in new_round.questions.order_by("position"))
    authoring.move_question(organizer, new_round.questions.get(question_id=third), 1)
    assert positions(new_round) == [(1, third), (2, first), (3, second)]
    authoring.move_question(organizer, new_round.questions.get(question_id=third), 99)
    assert positions(new_round) == [(1, first), (2, second), (3, third)]
    authoring.remove_question(organizer, new_round.questions.get(question_id=first))
    assert positions(new_round) == [(1, second), (2, third)]


def test_set_questions_replaces_the_list_in_order(organizer, new_round) -> None:
    a, b = bank(2)
    authoring.set_questions(organizer, new_round, [(b, 15, Decimal(5)), (a, 60, Decimal(20))])
    rows = list(new_round.questions.order_by("position").values_list("position", "question_id", "seconds", "points"))
    assert rows == [(1, b.pk, 15, Decimal(5)), (2, a.pk, 60, Decimal(20))]
    with pytest.raises(ValidationError, match="两次"):
        authoring.set_questions(organizer, new_round, [(a, 15, Decimal(5)), (a, 15, Decimal(5))])


# --- draw and write ---------------------------------------------------------------------------


def test_a_draw_takes_only_matching_questions_not_yet_placed(organizer, new_round) -> None:
    wanted = bank(4, domain="data_analysis", difficulty=4, knowledge_point="数据清洗")
    bank(3, domain="data_analysis", difficulty=1, knowledge_point="数据清洗")  # too easy
    bank(3, domain="cybersecurity", difficulty=4, knowledge_point="数据清洗")  # other domain
    bank(2, domain="data_analysis", difficulty=4, knowledge_point="数据清洗", is_active=False)
    authoring.add_questions(organizer, new_round, wanted[:1])
    placed = authoring.draw_questions(
        organizer,
        new_round,
        count=3,
        domain="data_analysis",
        difficulty_min=3,
        difficulty_max=5,
        knowledge_point="数据清洗",
    )
    assert {lq.question_id for lq in placed} == {q.pk for q in wanted[1:]}
    assert [lq.position for lq in placed] == [5, 6, 7]
    event = AuditEvent.objects.filter(action="live.round.draw").get()
    assert event.after["matched"] == 3


def test_a_draw_larger_than_the_matching_bank_is_refused_saying_how_many_match(organizer, new_round) -> None:
    bank(2, qtype="truefalse", knowledge_point="标识解析")
    with pytest.raises(ValidationError) as refused:
        authoring.draw_questions(organizer, new_round, count=5, qtype="truefalse", knowledge_point="标识解析")
    assert "只有 2 道" in refused.value.messages[0]
    assert new_round.questions.count() == 3


def test_a_question_written_on_the_spot_lands_in_the_bank_and_the_round(organizer, new_round) -> None:
    lq = authoring.write_question(
        organizer,
        new_round,
        qtype="multiple",
        stem="以下哪些是工业通信协议？",
        options=["OPC UA", "Modbus", "HTTP 404"],
        answer=["B", "A"],
        explanation="404 是状态码。",
        seconds=25,
        points=Decimal(8),
        domain="industrial_internet",
    )
    question = lq.question
    assert question.is_active and question.created_by == organizer
    assert question.answer == ["A", "B"] and question.domain == "industrial_internet"
    assert (lq.position, lq.seconds, lq.points) == (4, 25, Decimal(8))
    assert selectors.bank_questions(q="工业通信协议").get() == question
    with pytest.raises(ValidationError, match="已有一道相同"):
        authoring.write_question(
            organizer, new_round, qtype="multiple", stem="以下哪些是工业通信协议？",
            options=["OPC UA", "Modbus", "HTTP 404"], answer=["A", "B"],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="A–B"):
        authoring.write_question(organizer, new_round, qtype="single", stem="新题", options=["是", "否"], answer="C")
    assert Question.objects.filter(stem="新题").count() == 0


# --- copy, delete, reset ----------------------------------------------------------------------


def test_a_copy_has_the_settings_and_questions_and_starts_in_the_lobby(organizer, contest_group, new_round) -> None:
    _contest, group = contest_group
    authoring.update_round(organizer, new_round, event_group=group, streak_bonus=True, freeze_at=2, rehearsal=True)
    actions.open_next(organizer, new_round.pk)
    copy = authoring.duplicate_round(organizer, new_round)
    assert copy.title == "理论赛（副本）" and copy.state == RoundState.LOBBY and copy.seq == 0
    assert (copy.event_group, copy.streak_bonus, copy.freeze_at, copy.rehearsal) == (group, True, 2, True)
    src = list(new_round.questions.order_by("position").values_list("question_id", "position", "seconds", "points"))
    dst = list(copy.questions.order_by("position").values_list("question_id", "position", "seconds", "points"))
    assert src == dst and not copy.questions.filter(opens_at__isnull=False).exists()


def test_a_round_with_answers_is_deleted_only_if_it_is_a_rehearsal(
    organizer, contest_group, new_round, make_person, acme
) -> None:
    contest, group = contest_group
    seats = seated(organizer, contest, group, new_round, [make_person(Role.LEARNER, org=acme)])
    play_one_question(organizer, new_round, seats)
    with pytest.raises(ValidationError, match="已有选手作答"):
        authoring.delete_round(organizer, new_round)
    rehearsal = authoring.duplicate_round(organizer, new_round)
    authoring.update_round(organizer, rehearsal, rehearsal=True)
    seats = seated(organizer, contest, group, rehearsal, [seats[0].registration.person])
    play_one_question(organizer, rehearsal, seats)
    authoring.delete_round(organizer, rehearsal)
    assert not LiveRound.objects.filter(pk=rehearsal.pk).exists()
    empty = authoring.create_round(organizer, contest, title="空场")
    authoring.delete_round(organizer, empty)
    assert AuditEvent.objects.filter(action="live.round.delete").count() == 2


def test_a_reset_erases_answers_scores_signals_and_times(
    organizer, contest_group, new_round, make_person, acme
) -> None:
    contest, group = contest_group
    authoring.update_round(organizer, new_round, freeze_at=2)
    seats = seated(organizer, contest, group, new_round, [make_person(Role.LEARNER, org=acme) for _ in range(2)])
    play_one_question(organizer, new_round, seats)
    play_one_question(organizer, new_round, seats)
    assert LiveAnswer.objects.filter(participant__round=new_round).count() == 4
    assert SuspiciousSignal.objects.filter(round=new_round).exists()  # answers faster than reading
    seq_before = LiveRound.objects.get(pk=new_round.pk).seq
    counts = authoring.reset_round(organizer, new_round)
    assert counts["answers"] == 4 and counts["seats"] == 2 and counts["questions_opened"] == 2
    fresh = LiveRound.objects.get(pk=new_round.pk)
    assert (fresh.state, fresh.current, fresh.frozen, fresh.started_at) == (RoundState.LOBBY, None, False, None)
    assert fresh.seq > seq_before
    assert not LiveAnswer.objects.filter(participant__round=new_round).exists()
    assert not SuspiciousSignal.objects.filter(round=new_round).exists()
    assert set(Participant.objects.filter(round=new_round).values_list("score", "public_score", "correct")) == {
        (Decimal(0), Decimal(0), 0)
    }
    assert not LiveQuestion.objects.filter(round=new_round, opens_at__isnull=False).exists()
    assert not LiveQuestion.objects.filter(round=new_round, tallied=True).exists()
    event = AuditEvent.objects.get(action="live.round.reset")
    assert event.before["answers"] == 4 and event.before["signals"] == counts["signals"]
    # It can run again from the top.
    play_one_question(organizer, new_round, seats)
    assert LiveRound.objects.get(pk=new_round.pk).current.position == 1


def test_a_real_round_is_not_reset_once_results_are_published_but_a_rehearsal_is(
    organizer, contest_group, new_round
) -> None:
    contest, _group = contest_group
    rehearsal = authoring.create_round(organizer, contest, title="彩排", rehearsal=True)
    authoring.add_questions(organizer, rehearsal, bank(1))
    actions.open_next(organizer, new_round.pk)
    actions.open_next(organizer, rehearsal.pk)
    # Results published (the publication itself is covered by the results tests).
    ContestRules.objects.filter(contest=contest).update(results_published_at=timezone.now())
    with pytest.raises(ValidationError, match="成绩已公布"):
        authoring.reset_round(organizer, LiveRound.objects.get(pk=new_round.pk))
    assert LiveRound.objects.get(pk=new_round.pk).state == RoundState.QUESTION
    authoring.reset_round(organizer, LiveRound.objects.get(pk=rehearsal.pk))
    assert LiveRound.objects.get(pk=rehearsal.pk).state == RoundState.LOBBY


# --- rehearsals, freeze point, event group ----------------------------------------------------


def test_rehearsal_answers_count_neither_for_theory_scores_nor_takers(
    organizer, contest_group, new_round, make_person, acme
) -> None:
    contest, group = contest_group
    rehearsal = authoring.duplicate_round(organizer, new_round)
    authoring.update_round(organizer, rehearsal, rehearsal=True)
    amy, bob = make_person(Role.LEARNER, org=acme), make_person(Role.LEARNER, org=acme)
    seats = seated(organizer, contest, group, rehearsal, [amy, bob])
    for _ in range(3):
        play_one_question(organizer, rehearsal, seats)
    # Only amy sits the real round, answering one question of three right.
    real = seated(organizer, contest, group, new_round, [amy])
    play_one_question(organizer, new_round, real)
    play_one_question(organizer, new_round, real, right=False)
    scores = selectors.theory_scores(contest)
    assert scores == {real[0].registration_id: Decimal("33.33")}
    has_round, takers = selectors.theory_takers(contest)
    assert has_round and takers == {real[0].registration_id}
    assert contest_theory_takers(contest)[1] == {real[0].registration_id}


def test_a_contest_with_only_rehearsals_has_no_theory_part(organizer, contest_group) -> None:
    contest, _group = contest_group
    rehearsal = authoring.create_round(organizer, contest, title="彩排", rehearsal=True)
    authoring.add_questions(organizer, rehearsal, bank(2))
    assert selectors.theory_takers(contest) == (False, set())
    assert selectors.theory_scores(contest) == {}


def test_theory_scores_count_only_the_points_of_rounds_open_to_the_contestants_group(
    organizer, contest_group, make_person, acme
) -> None:
    contest, group_a = contest_group
    group_b = contest_actions.add_event_group(contest, actor=organizer, name="数据分析")
    round_a = authoring.create_round(organizer, contest, title="A 组", event_group=group_a)
    authoring.add_questions(organizer, round_a, bank(2))
    round_b = authoring.create_round(organizer, contest, title="B 组", event_group=group_b)
    authoring.add_questions(organizer, round_b, bank(3))
    amy = seated(organizer, contest, group_a, round_a, [make_person(Role.LEARNER, org=acme)])
    play_one_question(organizer, round_a, amy)
    play_one_question(organizer, round_a, amy)
    assert selectors.theory_scores(contest) == {amy[0].registration_id: Decimal("100.00")}


def test_the_board_freezes_by_itself_when_the_freeze_question_opens(organizer, new_round) -> None:
    authoring.update_round(organizer, new_round, freeze_at=2)
    first = actions.open_next(organizer, new_round.pk)
    assert len(first.broadcasts) == 1 and not LiveRound.objects.get(pk=new_round.pk).frozen
    actions.close_question(organizer, new_round.pk)
    second = actions.open_next(organizer, new_round.pk)
    frames = [json.loads(b.frame) for b in second.broadcasts]
    assert [f["type"] for f in frames] == ["question_open", "round_state"]
    assert frames[1]["frozen"] is True and frames[1]["seq"] == frames[0]["seq"] + 1
    assert LiveRound.objects.get(pk=new_round.pk).frozen
    assert AuditEvent.objects.filter(action="live.freeze", reason="freeze_at").count() == 1
    # The host unfreezes by hand; the next question does not freeze it again.
    actions.close_question(organizer, new_round.pk)
    actions.set_frozen(organizer, new_round.pk, False)
    third = actions.open_next(organizer, new_round.pk)
    assert len(third.broadcasts) == 1 and not LiveRound.objects.get(pk=new_round.pk).frozen


def test_a_contestant_of_another_event_group_cannot_join_the_round(organizer, contest_group, make_person, acme) -> None:
    contest, group_a = contest_group
    group_b = contest_actions.add_event_group(contest, actor=organizer, name="数据分析")
    live_round = authoring.create_round(organizer, contest, title="A 组专场", event_group=group_a)
    outsider = make_person(Role.LEARNER, org=acme)
    ticket = setup.seat(organizer, contest, group_b, outsider)
    with pytest.raises(actions.LiveError) as refused:
        actions.join(live_round, outsider, ticket.number, ticket.access_code, "chan-x")
    assert refused.value.code == "bad_ticket" and "赛项" in refused.value.message
    assert not Participant.objects.filter(round=live_round).exists()
    insider = make_person(Role.LEARNER, org=acme)
    mine = setup.seat(organizer, contest, group_a, insider)
    assert actions.join(live_round, insider, mine.number, mine.access_code, "chan-y").participant.pk
    assert selectors.eligible_registrations(live_round).count() == 1


def test_the_live_page_lists_only_rounds_open_to_the_persons_event_group(arena, organizer) -> None:
    from competitions import actions as contest_actions
    from competitions.live import selectors as live_selectors

    other = contest_actions.add_event_group(arena.round.contest, actor=organizer, name="数据分析")
    person = arena.people[0]
    open_to_all = arena.round
    for_other = authoring.create_round(organizer, arena.round.contest, title="数据分析专场", event_group=other)
    mine = live_selectors.rounds_for_player(person)
    assert open_to_all in mine and for_other not in mine
