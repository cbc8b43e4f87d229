"""Results weigh the parts a contest has, and absent contestants are 缺考: never ranked, never
awarded, never fed to talent; award quotas count only those who took part (issue #14 item 3)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.choices import Role
from accounts.models import Organization, User
from competitions import actions, scoring, selectors
from competitions.live import actions as live_actions
from competitions.live import setup
from competitions.live.models import LiveRound, Participant
from competitions.models import Award, Contest, EventGroup, Registration, Result
from tests.competitions.conftest import score_all

# The sample round's answers (competitions.live.setup.SAMPLE_QUESTIONS) and a wrong one for each.
RIGHT: list[object] = ["A", True, ["A", "B", "D"], "B", False]
WRONG: list[object] = ["B", False, ["A"], "A", True]


def contest_ledger(person: User) -> list[str]:
    """The person's contest rows in the talent ledger that still count."""
    from talent.models import Achievement

    return list(
        Achievement.objects.filter(
            person=person, source__startswith="competitions.", revoked_at__isnull=True
        ).values_list("kind", flat=True)
    )


def talent_index(person: User) -> float:
    from talent.models import TalentProfile

    profile = TalentProfile.objects.filter(person=person).first()
    return profile.index if profile is not None else 0.0


def play_round(organizer: User, live_round: LiveRound, seats: list[Participant], correct: list[int]) -> None:
    """Drive the round through the live actions: seat i answers its first correct[i] questions
    right and the rest wrong; a seat with correct[i] < 0 joined but never answered."""
    for qi in range(len(RIGHT)):
        live_actions.open_next(organizer, live_round.pk)
        lq = LiveRound.objects.get(pk=live_round.pk).current
        batch = [
            live_actions.PendingAnswer(
                participant_id=seat.pk,
                round_id=live_round.pk,
                answer_id=uuid.uuid4(),
                question_id=lq.pk,
                response=RIGHT[qi] if qi < n else WRONG[qi],
                received_at=lq.opens_at + timedelta(milliseconds=1000 + si),
            )
            for si, (seat, n) in enumerate(zip(seats, correct, strict=True))
            if n >= 0
        ]
        assert all(r.ack for r in live_actions.submit_answers(batch))
        live_actions.close_question(organizer, live_round.pk)
    live_actions.end_round(organizer, live_round.pk)


@pytest.fixture
def people(make_person: Callable[..., User], make_org: Callable[..., Organization]) -> list[User]:
    return [make_person(Role.LEARNER, org=make_org(f"企业{i}", "济南"), name=f"选手{i}") for i in range(8)]


def test_a_theory_only_live_contest_ranks_by_theory_at_one_hundred_percent(organizer, people) -> None:
    """The reported bug: a theory-only contest was weighted 30/70 (80 theory points → 24.00) and
    people who never joined were ranked with 0.00 and fed to talent."""
    contest, group = setup.create_contest(organizer, title="理论赛")
    live_round = setup.create_round(contest)
    tickets = [setup.seat(organizer, contest, group, person) for person in people[:7]]
    # Six join the round; the seventh never does. Seat 5 joins and answers nothing.
    seats = [Participant.objects.create(round=live_round, registration=t.registration) for t in tickets[:6]]
    play_round(organizer, live_round, seats, [4, 3, 2, 1, 0, -1])
    index_before = [talent_index(p) for p in people[5:7]]

    results = {r.registration.person_id: r for r in actions.publish_results(contest, actor=organizer)}

    top = results[people[0].pk]
    assert (top.theory, top.practical, top.final, top.rank, top.award) == (
        Decimal("80.00"),
        Decimal("0.00"),
        Decimal("80.00"),
        1,
        Award.FIRST,
    )
    assert [results[p.pk].final for p in people[:5]] == [Decimal(v) for v in ("80", "60", "40", "20", "0")]
    assert [results[p.pk].rank for p in people[:5]] == [1, 2, 3, 4, 5]
    # Quotas of the five who took part: 一等奖 0.5→1, 二等奖 1.0→1, 三等奖 1.5→2.
    assert [results[p.pk].award for p in people[:5]] == ["first", "second", "third", "third", ""]
    for absent in people[5:7]:
        row = results[absent.pk]
        assert (row.absent, row.rank, row.award, row.standing) == (True, None, "", "缺考")
        assert contest_ledger(absent) == []
    assert [talent_index(p) for p in people[5:7]] == index_before
    assert contest_ledger(people[4]) == ["contest_result"]  # took part with 0 points: a result


def test_a_practical_only_contest_ranks_by_practical_at_one_hundred_percent(
    approved, people, judges, scheme, group, contest, organizer
) -> None:
    registrations = [approved(p) for p in people[:5]]
    score_all(registrations, judges, scheme, [("40", "3"), ("30", "2"), ("20", "1"), ("10", "1"), ("0", "0")])
    actions.sign_off(group, actor=judges[0])

    results = {r.registration_id: r for r in actions.publish_results(contest, actor=organizer)}

    finals = [results[r.pk].final for r in registrations]
    assert finals == [Decimal(v) for v in ("100.00", "70.00", "40.00", "30.00", "0.00")]
    assert results[registrations[0].pk].award == Award.FIRST
    assert all(results[r.pk].theory == 0 and not results[r.pk].absent for r in registrations)


def test_a_contest_with_both_parts_uses_the_configured_weight_and_a_missed_part_counts_zero(
    approved, people, judges, scheme, group, contest, organizer
) -> None:
    registrations = [approved(p) for p in people[:3]]
    score_all(registrations, judges, scheme, [("40", "3"), ("30", "2"), ("20", "1")])
    actions.set_theory_mark(registrations[0], actor=organizer, score="90")
    actions.set_theory_mark(registrations[1], actor=organizer, score="50")
    # registrations[2] sat the practical only: present, theory 0.
    actions.sign_off(group, actor=judges[0])

    results = {r.registration_id: r for r in actions.publish_results(contest, actor=organizer)}

    assert results[registrations[0].pk].final == Decimal("97.00")  # 90 × 0.3 + 100 × 0.7
    assert results[registrations[1].pk].final == Decimal("64.00")  # 50 × 0.3 + 70 × 0.7
    third = results[registrations[2].pk]
    assert (third.theory, third.final, third.absent, third.rank) == (Decimal("0.00"), Decimal("28.00"), False, 3)


def test_part_weights_follow_the_parts() -> None:
    w = Decimal("0.3")
    assert scoring.part_weights(scoring.Parts(theory=True, practical=False), w) == (1, 0)
    assert scoring.part_weights(scoring.Parts(theory=False, practical=True), w) == (0, 1)
    assert scoring.part_weights(scoring.Parts(theory=True, practical=True), w) == (w, Decimal("0.7"))


def theory_only(
    contest: Contest, approved: Callable[..., Registration], people: list[User], organizer: User, marks: list[str]
) -> list[Registration]:
    """Approved registrations of `people`; the first len(marks) sat a theory exam held off the
    platform (manual theory scores), the others never came."""
    registrations = [approved(p) for p in people]
    for registration, mark in zip(registrations, marks, strict=False):
        actions.set_theory_mark(registration, actor=organizer, score=mark)
    return registrations


def test_award_quotas_count_only_those_who_took_part(approved, people, contest, organizer) -> None:
    registrations = theory_only(contest, approved, people, organizer, ["95", "85", "75", "65", "55"])

    results = {r.registration_id: r for r in actions.publish_results(contest, actor=organizer)}

    # Five took part (three absent): 一等奖 0.5→1, 二等奖 1.0→1, 三等奖 1.5→2. Counting all eight
    # would give 二等奖 1.6→2 and 三等奖 2.4→2.
    assert [results[r.pk].award for r in registrations[:5]] == ["first", "second", "third", "third", ""]
    assert all(results[r.pk].absent and not results[r.pk].award for r in registrations[5:])


def test_absent_contestants_are_shown_as_absent_on_the_results_page_and_the_export(
    client, approved, people, contest, organizer
) -> None:
    from tests.exchange.conftest import export_rows

    theory_only(contest, approved, people[:3], organizer, ["80", "70"])
    actions.publish_results(contest, actor=organizer)

    page = client.get(f"/contests/{contest.slug}/results/").content.decode()
    assert "缺考" in page
    rows = export_rows("results", organizer, context=contest)  # the console's 导出成绩
    assert rows[0][2] == "名次" and rows[-1][2] == "缺考"  # absent people come last, with no rank
    assert [row[2] for row in rows[1:3]] == ["1", "2"]


def test_recompute_results_corrects_a_wrongly_published_contest_and_audits_it(
    approved, people, contest, organizer, monkeypatch
) -> None:
    """A contest published by the old rules (30/70 for a theory-only contest, absent people
    ranked and, with enough places, awarded) is corrected by `manage.py recompute_results`."""
    from django.core.management import call_command

    from accounts.models import AuditEvent
    from lms.models import Certificate
    from talent.index import rebuild
    from talent.models import Evaluation, EvaluationStatus

    actions.update_contest(
        contest,
        actor=organizer,
        award_mode="count",
        award_first=Decimal(1),
        award_second=Decimal(1),
        award_third=Decimal(1),
        award_merit=Decimal(2),
    )
    actions.set_promotion_rule(contest, actor=organizer, award="merit", target_level="l5")
    registrations = theory_only(contest, approved, people[:6], organizer, ["80", "60", "40", "20"])
    absent = registrations[4:]
    with monkeypatch.context() as old_rules:  # what the code did before the fix
        old_rules.setattr(scoring, "part_weights", lambda parts, w: (w, 1 - w))
        old_rules.setattr(scoring, "took_part", lambda **facts: True)
        wrong = {r.registration_id: r for r in actions.publish_results(contest, actor=organizer)}
    assert wrong[registrations[0].pk].final == Decimal("24.00")
    assert [wrong[r.pk].award for r in absent] == ["merit", "merit"]
    assert all(contest_ledger(r.person) == ["contest_award"] for r in absent)
    assert Certificate.objects.filter(holder__in=[r.person for r in absent], revoked_at__isnull=True).count() == 2
    assert Evaluation.objects.filter(person__in=[r.person for r in absent], status="pending").count() == 2

    assert len(actions.recompute_results(contest)) > 0
    call_command("recompute_results", "--all")

    fixed = {r.registration_id: r for r in Result.objects.filter(registration__contest=contest)}
    assert [fixed[r.pk].final for r in registrations[:4]] == [Decimal(v) for v in ("80", "60", "40", "20")]
    assert [fixed[r.pk].award for r in registrations[:4]] == ["first", "second", "third", "merit"]
    assert all(fixed[r.pk].absent and fixed[r.pk].rank is None and not fixed[r.pk].award for r in absent)
    corrections = AuditEvent.objects.filter(action="contest.result.correct")
    assert corrections.count() == 6  # four finals changed, two became absent
    absent_audit = corrections.get(target_id=str(fixed[absent[0].pk].pk))
    assert absent_audit.before["award"] == "merit" and absent_audit.after["absent"] is True
    for registration in absent:
        assert contest_ledger(registration.person) == []
        assert Certificate.objects.get(holder=registration.person).revoked_at is not None
        evaluation = Evaluation.objects.get(person=registration.person)
        assert evaluation.status == EvaluationStatus.WITHDRAWN
    assert not actions.recompute_results(contest)
    report = rebuild()
    assert (report.profile_differences, report.kpi_differences) == (0, 0)
    # A second run changes nothing.
    call_command("recompute_results", "--all")
    assert AuditEvent.objects.filter(action="contest.result.correct").count() == 6


def test_group_parts_read_from_the_data_model(contest: Contest, group: EventGroup, organizer, scheme) -> None:
    assert selectors.group_parts(group, has_live_round=False, has_theory_marks=False) == scoring.Parts(False, True)
    other = contest.event_groups.exclude(pk=group.pk).get()
    assert selectors.group_parts(other, has_live_round=True, has_theory_marks=False) == scoring.Parts(True, False)
