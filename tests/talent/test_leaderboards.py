from __future__ import annotations

import pytest

from accounts.choices import Role
from talent.actions import record_achievement, revoke_achievement, set_consent
from talent.boards import TOP_K
from talent.models import AchievementKind, ConsentKind, TalentProfile
from talent.selectors import leaderboard, my_rank

pytestmark = pytest.mark.django_db


def _people(make_person, acme, rival, n):
    people = []
    for i in range(n):
        people.append(make_person(Role.LEARNER, org=acme if i % 2 else rival, name=f"选手{i:02d}"))
    return people


def _score(person, points_tenths, source_id):
    # Work-study hours give exact, tunable scores (0.2 points per hour).
    record_achievement(
        person=person,
        kind=AchievementKind.WORKSTUDY_HOURS,
        source="lms.workstudy",
        source_id=source_id,
        title="学时",
        data={"hours": points_tenths / 2},
    )


def _snapshot(backend, boards_list, people):
    tops = {b: [(e.person_id, e.index, e.rank) for e in backend.top(b, 10)] for b in boards_list}
    ranks = {
        (b, p.pk): backend.rank_of(b, TalentProfile.objects.get(person=p).index) for b in boards_list for p in people
    }
    return tops, ranks


# Redis boards move when the ledger transaction commits, so these tests commit (transaction=True).
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fixture", ["db_boards", "redis_boards"])
def test_ties_share_a_rank_and_ties_list_by_person_id(request, fixture, make_person, acme, rival) -> None:
    backend = request.getfixturevalue(fixture)
    a, b, c, d = _people(make_person, acme, rival, 4)
    for n, (person, score) in enumerate([(a, 100), (b, 300), (c, 300), (d, 50)]):
        _score(person, score, n)
    top = backend.top("province", 10)
    assert [(e.person_id, e.rank) for e in top] == [(b.pk, 1), (c.pk, 1), (a.pk, 3), (d.pk, 4)]
    assert (
        backend.rank_of("province", 10.0) == 3
        and backend.rank_of("province", 5.0) == 4
        and backend.size("province") == 4
    )


@pytest.mark.django_db(transaction=True)
def test_both_backends_agree_after_changes_and_revocations(make_person, acme, rival, monkeypatch, redis_boards) -> None:
    from talent import boards

    people = _people(make_person, acme, rival, 12)
    for n, person in enumerate(people):
        _score(person, (n * 37) % 11 * 10, n)
    _score(people[3], 500, 100)
    revoke_achievement(
        person=people[5], kind=AchievementKind.WORKSTUDY_HOURS, source="lms.workstudy", source_id=5, reason="x"
    )
    board_ids = ["province", f"city:{acme.region_id}", f"city:{rival.region_id}", "industry:equipment", "job:operator"]
    redis_view = _snapshot(redis_boards, board_ids, people)
    db_view = _snapshot(boards.DbBoards(), board_ids, people)
    assert redis_view == db_view
    redis_boards.rebuild()
    assert _snapshot(redis_boards, board_ids, people) == db_view


@pytest.mark.django_db(transaction=True)
def test_the_capped_redis_set_refills_when_scores_drop(make_person, acme, rival, redis_boards, monkeypatch) -> None:
    from talent import boards

    monkeypatch.setattr(boards, "TOP_K", 3)
    people = _people(make_person, acme, rival, 5)
    for n, person in enumerate(people):
        _score(person, 100 + n * 10, n)
    for n in (3, 4):
        revoke_achievement(
            person=people[n], kind=AchievementKind.WORKSTUDY_HOURS, source="lms.workstudy", source_id=n, reason="x"
        )
    assert [e.person_id for e in redis_boards.top("province", 3)] == [people[2].pk, people[1].pk, people[0].pk]
    assert TOP_K == 1000


def test_people_without_consent_are_ranked_but_anonymized(make_person, acme, rival, db_boards, outsider) -> None:
    a, b = _people(make_person, acme, rival, 2)
    _score(a, 200, 1)
    _score(b, 100, 2)
    set_consent(b, ConsentKind.LEADERBOARD, True)
    rows = leaderboard("province", 10, outsider)
    assert [r.name for r in rows] == ["选**", b.real_name] and rows[0].person_id is None
    assert leaderboard("province", 10, a)[0].name == a.real_name  # people see their own name
    assert my_rank(b, "province") == (2, 2, 10.0)
    set_consent(b, ConsentKind.LEADERBOARD, False)
    assert leaderboard("province", 10, outsider)[1].name == "选**"


def test_consent_is_recorded_as_history(learner) -> None:
    set_consent(learner, ConsentKind.LEADERBOARD, True)
    set_consent(learner, ConsentKind.LEADERBOARD, False)
    assert list(learner.talent_consents.values_list("granted", flat=True)) == [False, True]
