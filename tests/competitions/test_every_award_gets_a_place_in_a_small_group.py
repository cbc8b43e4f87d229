"""Award places by share: every award with a share gets at least one place while entrants are
left, in award order, never more places than entrants (competitions/scoring.py, award quotas)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competitions import scoring
from competitions.models import Award, AwardMode, ContestRules


def _rules(first: str = "0.1", second: str = "0.2", third: str = "0.3", merit: str = "0") -> ContestRules:
    return ContestRules(
        award_mode=AwardMode.SHARE,
        award_first=Decimal(first),
        award_second=Decimal(second),
        award_third=Decimal(third),
        award_merit=Decimal(merit),
    )


def _places(counts: dict[str, int]) -> tuple[int, int, int, int]:
    return (counts[Award.FIRST], counts[Award.SECOND], counts[Award.THIRD], counts[Award.MERIT])


def test_three_people_at_ten_twenty_thirty_percent_get_one_of_each_award() -> None:
    assert _places(scoring.award_counts(_rules(), 3)) == (1, 1, 1, 0)


def test_a_hundred_people_get_exactly_their_shares() -> None:
    assert _places(scoring.award_counts(_rules(), 100)) == (10, 20, 30, 0)


def test_one_person_gets_only_the_first_award() -> None:
    assert _places(scoring.award_counts(_rules(), 1)) == (1, 0, 0, 0)
    assert scoring.allocate_awards({"alone": 1}, _rules()) == {"alone": Award.FIRST}


def test_two_people_take_the_first_two_awards_and_the_third_finds_nobody_left() -> None:
    assert _places(scoring.award_counts(_rules(), 2)) == (1, 1, 0, 0)


def test_nobody_who_took_part_means_no_places() -> None:
    assert _places(scoring.award_counts(_rules(), 0)) == (0, 0, 0, 0)


def test_an_award_with_no_share_gets_no_minimum_place() -> None:
    assert _places(scoring.award_counts(_rules(second="0"), 3)) == (1, 0, 1, 0)


def test_a_merit_share_gets_its_minimum_place_after_the_three_awards() -> None:
    assert _places(scoring.award_counts(_rules(merit="0.1"), 5)) == (1, 1, 2, 1)
    assert _places(scoring.award_counts(_rules(merit="0.1"), 3)) == (1, 1, 1, 0)


@pytest.mark.parametrize("entrants", range(0, 61))
def test_places_never_outnumber_entrants_nor_exceed_a_share_by_more_than_one(entrants: int) -> None:
    rules = _rules(first="0.15", second="0.25", third="0.4", merit="0.3")
    counts = scoring.award_counts(rules, entrants)
    assert sum(counts.values()) <= entrants
    for award, places in counts.items():
        rounded = int((rules.award_quota(award) * entrants).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
        assert places <= max(rounded, 1)


def test_three_people_at_ten_twenty_thirty_percent_are_awarded_in_rank_order() -> None:
    awards = scoring.allocate_awards({"a": 1, "b": 2, "c": 3}, _rules())
    assert awards == {"a": Award.FIRST, "b": Award.SECOND, "c": Award.THIRD}


def test_count_mode_is_unchanged_by_the_minimum_place() -> None:
    rules = ContestRules(
        award_mode=AwardMode.COUNT,
        award_first=Decimal(0),
        award_second=Decimal(2),
        award_third=Decimal(0),
        award_merit=Decimal(0),
    )
    assert _places(scoring.award_counts(rules, 3)) == (0, 2, 0, 0)
