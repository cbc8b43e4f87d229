"""Redis boards move on commit; the API's cached top lists follow every change that shows."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from accounts.choices import Role
from talent import api
from talent.actions import record_achievement, set_consent
from talent.models import AchievementKind, ConsentKind


def _hours(person, hours, source_id):
    return record_achievement(
        person=person,
        kind=AchievementKind.WORKSTUDY_HOURS,
        source="lms.workstudy",
        source_id=source_id,
        title="学时",
        data={"hours": hours},
    )


class Boom(Exception):
    pass


@pytest.fixture(autouse=True)
def _empty_top_cache():
    api._TOP_CACHE.clear()
    yield
    api._TOP_CACHE.clear()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_achievement_never_reaches_redis(make_person, acme, redis_boards) -> None:
    kept = make_person(Role.LEARNER, org=acme, name="留下")
    _hours(kept, 50, 1)  # 10 points, committed
    assert redis_boards.size("province") == 1
    version = redis_boards.version("province")

    lost = make_person(Role.LEARNER, org=acme, name="回滚")

    def failing_source_action() -> None:
        with transaction.atomic():
            _hours(lost, 500, 2)  # 100 points, then the source app's transaction fails
            _hours(kept, 1000, 3)
            raise Boom

    with pytest.raises(Boom):
        failing_source_action()

    assert redis_boards.size("province") == 1
    assert redis_boards.rank_of("province", 10.0) == 1  # nobody above the committed score
    assert [e.person_id for e in redis_boards.top("province", 10)] == [kept.pk]
    assert redis_boards.version("province") == version
    assert redis_boards.size(f"city:{acme.region_id}") == 1


@pytest.mark.django_db(transaction=True)
def test_cached_top_lists_follow_scores_and_consents(make_person, acme, redis_boards) -> None:
    a = make_person(Role.LEARNER, org=acme, name="甲选手")
    b = make_person(Role.LEARNER, org=acme, name="乙选手")
    _hours(a, 100, 1)
    _hours(b, 50, 2)
    anonymous = Client()

    def names() -> list[tuple[int, str]]:
        body = anonymous.get("/api/talent/leaderboard", {"board": "province", "n": 10}).json()
        return [(e["rank"], e["name"]) for e in body["entries"]]

    assert names() == [(1, "甲**"), (2, "乙**")]
    assert names() == [(1, "甲**"), (2, "乙**")]  # served from the cache
    _hours(b, 500, 3)
    assert names() == [(1, "乙**"), (2, "甲**")]
    set_consent(a, ConsentKind.LEADERBOARD, True)
    assert names() == [(1, "乙**"), (2, "甲选手")]

    # b has not agreed to appear: everyone sees them masked, b sees their own name.
    own = Client()
    own.force_login(b)
    mine = own.get("/api/talent/leaderboard", {"board": "province", "n": 10}).json()["entries"]
    assert [e["name"] for e in mine] == ["乙选手", "甲选手"] and mine[0]["person_id"] is None
    assert names() == [(1, "乙**"), (2, "甲选手")]


@pytest.mark.django_db(transaction=True)
def test_the_api_reads_lean(make_person, acme, redis_boards, django_assert_max_num_queries) -> None:
    people = [make_person(Role.LEARNER, org=acme, name=f"选手{i}") for i in range(5)]
    for n, person in enumerate(people):
        _hours(person, 10 * (n + 1), n)
    anonymous = Client()
    assert len(anonymous.get("/api/talent/leaderboard", {"n": 100}).json()["entries"]) == 5
    with django_assert_max_num_queries(0):  # cached: no database at all
        assert anonymous.get("/api/talent/leaderboard", {"n": 100}).status_code == 200

    signed_in = Client()
    signed_in.force_login(people[1])
    with django_assert_max_num_queries(2):  # session and user; the rank is one Redis script call
        body = signed_in.get("/api/talent/leaderboard/me", {"board": f"city:{acme.region_id}"}).json()
    assert body == {"board": f"city:{acme.region_id}", "rank": 4, "size": 5, "index": 4.0}
    assert "Set-Cookie" not in signed_in.get("/api/talent/leaderboard/me").headers  # no session writes


@pytest.mark.django_db
def test_without_redis_top_lists_are_read_fresh(make_person, acme, db_boards) -> None:
    a = make_person(Role.LEARNER, org=acme, name="甲选手")
    b = make_person(Role.LEARNER, org=acme, name="乙选手")
    _hours(a, 100, 1)
    _hours(b, 50, 2)
    client = Client()
    first = client.get("/api/talent/leaderboard", {"n": 10}).json()["entries"]
    _hours(b, 500, 3)
    second = client.get("/api/talent/leaderboard", {"n": 10}).json()["entries"]
    assert [e["index"] for e in first] == [20.0, 10.0] and [e["index"] for e in second] == [100.0, 20.0]
    assert not api._TOP_CACHE


@pytest.mark.django_db(transaction=True)
def test_my_rank_from_redis_entries_agrees_with_the_database(make_person, acme, rival, redis_boards) -> None:
    from talent import boards

    people = [make_person(Role.LEARNER, org=acme if i % 2 else rival, name=f"选手{i}") for i in range(6)]
    for n, person in enumerate(people):
        _hours(person, (n % 3) * 40 + 10, n)
    _hours(people[0], 300, 99)
    nobody = make_person(Role.LEARNER, org=acme, name="无成果")
    board_ids = ["province", f"city:{acme.region_id}", f"city:{rival.region_id}", "industry:equipment", "job:operator"]

    def ranks(backend):
        return {(b, p.pk): backend.person_rank(p.pk, b) for b in board_ids for p in [*people, nobody]}

    expected = ranks(boards.DbBoards())
    assert expected[("province", people[0].pk)] == (1, 6, 62.0)
    assert expected[(f"city:{acme.region_id}", people[0].pk)] is None  # not on that city's board
    assert ranks(redis_boards) == expected
    for key in redis_boards.client.scan_iter(f"{redis_boards.prefix}:p:*"):
        redis_boards.client.delete(key)  # entries missing: answered from the database
    assert ranks(redis_boards) == expected
    redis_boards.rebuild()
    assert redis_boards.client.hlen(redis_boards._person(people[0].pk)) > 0
    assert ranks(redis_boards) == expected


@pytest.mark.django_db(transaction=True)
def test_a_flushed_version_never_comes_back(make_person, acme, redis_boards) -> None:
    """A process may hold a top list cached under a version; after Redis loses the key (a flush)
    the next version must differ from it, or the stale list would be served again."""
    _hours(make_person(Role.LEARNER, org=acme, name="甲选手"), 100, 1)
    seen = redis_boards.version("province")
    assert seen is not None
    redis_boards.client.delete(redis_boards._ver("province"))
    assert redis_boards.version("province") is None  # nothing is cached without a version
    redis_boards.touch(["province"])
    assert redis_boards.version("province") not in (None, seen, b"1")


@pytest.mark.django_db(transaction=True)
def test_cached_top_lists_are_kept_per_language(make_person, acme, redis_boards) -> None:
    _hours(make_person(Role.LEARNER, org=acme, name="甲选手"), 100, 1)
    client = Client()
    chinese = client.get("/api/talent/leaderboard", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    english = client.get("/api/talent/leaderboard", HTTP_ACCEPT_LANGUAGE="en").json()
    assert chinese["label"] == "全省" and english["label"] != "全省"
    assert client.get("/api/talent/leaderboard", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["label"] == "全省"
