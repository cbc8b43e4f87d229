"""Weighting, tie-breaks, awards, publication to the ledger and recomputation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from competitions import actions, scoring, selectors
from competitions.models import Award, AwardMode, ContestRules, ContestStatus, Result
from tests.competitions.conftest import score_all


def test_the_final_score_weights_theory_and_practical() -> None:
    assert scoring.final_score(Decimal(90), Decimal(70), Decimal("0.3")) == Decimal("76.00")
    assert scoring.final_score(Decimal("88.5"), Decimal("77.25"), Decimal("0.25")) == Decimal("80.06")


def test_ties_break_on_practical_then_theory_then_share_the_rank() -> None:
    rows = [
        (1, Decimal(80), Decimal(70), Decimal(90)),
        (2, Decimal(80), Decimal(75), Decimal(70)),
        (3, Decimal(80), Decimal(70), Decimal(95)),
        (4, Decimal(80), Decimal(70), Decimal(95)),
        (5, Decimal(60), Decimal(60), Decimal(60)),
    ]
    assert scoring.rank_rows(rows) == {2: 1, 3: 2, 4: 2, 1: 4, 5: 5}


def test_awards_by_share_round_half_up_and_ties_take_the_higher_award() -> None:
    rules = ContestRules(award_first=Decimal("0.1"), award_second=Decimal("0.2"), award_third=Decimal("0.3"))
    ranks = {i: i for i in range(1, 11)}
    awards = scoring.allocate_awards(ranks, rules)
    assert [awards[i] for i in range(1, 11)] == ["first", "second", "second", "third", "third", "third", "", "", "", ""]
    ranks[2] = 1  # a tie with the winner
    assert scoring.allocate_awards(ranks, rules)[2] == Award.FIRST


def test_awards_by_count() -> None:
    rules = ContestRules(
        award_mode=AwardMode.COUNT,
        award_first=Decimal(1),
        award_second=Decimal(1),
        award_third=Decimal(0),
        award_merit=Decimal(2),
    )
    awards = scoring.allocate_awards({i: i for i in range(1, 6)}, rules)
    assert [awards[i] for i in range(1, 6)] == ["first", "second", "merit", "merit", ""]


@pytest.fixture
def signed(contestants, judges, scheme, group, organizer):
    score_all(contestants, judges, scheme, [("40", "3"), ("30", "2"), ("20", "1"), ("10", "0")])
    for registration, theory in zip(contestants, ["90", "80", "70", "60"], strict=True):
        actions.set_theory_mark(registration, actor=organizer, score=theory)
    actions.sign_off(group, actor=judges[0])
    return contestants


def test_results_wait_for_the_chief_judges_sign_off(contestants, judges, scheme, contest, organizer) -> None:
    with pytest.raises(ValidationError, match="尚未经裁判长签字"):
        actions.publish_results(contest, actor=organizer)


def test_only_organizers_publish(signed, contest, judges) -> None:
    with pytest.raises(PermissionDenied):
        actions.publish_results(contest, actor=judges[0])


def test_publishing_ranks_awards_and_feeds_the_ledger(signed, contest, organizer) -> None:
    from talent.models import Achievement, AchievementKind

    results = actions.publish_results(contest, actor=organizer)
    contest.refresh_from_db()
    assert contest.status == ContestStatus.PUBLISHED
    by_reg = {r.registration_id: r for r in results}
    first = by_reg[signed[0].pk]
    assert (first.theory, first.practical, first.final, first.rank) == (
        Decimal("90.00"),
        Decimal("100.00"),
        Decimal("97.00"),
        1,
    )
    # 4 contestants at 10/20/30 %: 0.4 → 0 first prizes, but an award with a share gets at least
    # one place while entrants are left → 1 first, 1 second (0.8 → 1), 1 third (1.2 → 1)
    assert [by_reg[r.pk].award for r in signed] == ["first", "second", "third", ""]
    # one ledger row per contestant: the award for awardees, the result (placement) for the others
    results_rows = Achievement.objects.filter(kind=AchievementKind.CONTEST_RESULT)
    assert sorted(results_rows.values_list("data__placement", flat=True)) == [4]
    award = Achievement.objects.get(kind=AchievementKind.CONTEST_AWARD, person=signed[0].person)
    assert award.data["award"] == "first" and award.data["contest_level"] == "province"
    assert award.data["placement"] == 1
    assert not results_rows.filter(person=signed[0].person).exists()
    assert AuditEvent.objects.filter(action="contest.results.publish").count() == 1


def test_awardees_get_an_lms_certificate(signed, contest, organizer) -> None:
    actions.publish_results(contest, actor=organizer)
    certificate = selectors.award_certificate(signed[0])
    assert certificate is not None and "一等奖" in certificate.title
    assert selectors.award_certificate(signed[3]) is None


def test_results_recompute_from_stored_marks_with_no_difference(signed, contest, organizer) -> None:
    actions.publish_results(contest, actor=organizer)
    assert actions.recompute_results(contest, actor=organizer) == []
    Result.objects.filter(registration=signed[1]).update(final=Decimal("1.00"))
    assert actions.recompute_results(contest) == [f"registration {signed[1].pk} final: stored 1.00 != 73.00"]


def test_publishing_twice_changes_nothing(signed, contest, organizer) -> None:
    from talent.models import Achievement

    actions.publish_results(contest, actor=organizer)
    count = Achievement.objects.count()
    actions.publish_results(contest, actor=organizer)
    assert Achievement.objects.count() == count
    assert actions.recompute_results(contest) == []


def test_manual_theory_marks_are_range_checked(contestants, organizer) -> None:
    with pytest.raises(ValidationError, match="0 到 100"):
        actions.set_theory_mark(contestants[0], actor=organizer, score="101")


def test_online_theory_scores_win_and_block_manual_entry(contestants, organizer, monkeypatch) -> None:
    """A registered source of online theory scores (as the live rounds register theirs) wins over
    a manual score and blocks manual entry for those it scores."""
    online = selectors.TheorySource(
        scores=lambda contest: {contestants[0].pk: Decimal("91.50")}, takers=lambda contest: (True, set())
    )
    monkeypatch.setitem(selectors.THEORY_SOURCES, "live", online)
    with pytest.raises(ValidationError, match="线上理论考试成绩"):
        actions.set_theory_mark(contestants[0], actor=organizer, score="60")
    actions.set_theory_mark(contestants[1], actor=organizer, score="60")
    scores = selectors.theory_scores(contestants[0].contest)
    assert scores == {contestants[0].pk: Decimal("91.50"), contestants[1].pk: Decimal("60.00")}


def test_one_award_raises_the_talent_index_by_exactly_the_configured_award_weight(signed, contest, organizer) -> None:
    """The award counts once: not again as a certificate (the LMS award certificate) nor as a
    contest result beside the award."""
    from talent.formula import compute, formula
    from talent.index import refresh_person
    from talent.models import Achievement, AchievementKind

    awardee, other = signed[0].person, signed[3].person
    before = {p.pk: refresh_person(p.pk).index for p in (awardee, other)}
    actions.publish_results(contest, actor=organizer)
    assert Achievement.objects.filter(person=awardee, kind=AchievementKind.CERTIFICATE).count() == 1
    rules = formula()
    award_weight = rules["contest_level"]["province"] * rules["award"]["first"]
    result_weight = rules["contest_level"]["province"] * rules["contest_result_share"]
    after = {p.pk: refresh_person(p.pk).index for p in (awardee, other)}
    assert after[awardee.pk] - before[awardee.pk] == pytest.approx(award_weight)
    assert after[other.pk] - before[other.pk] == pytest.approx(result_weight)
    breakdown = compute(Achievement.objects.filter(person=awardee))
    assert breakdown.components["certificate"] == 0
    assert breakdown.components["contest"] == pytest.approx(award_weight)
