from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.choices import Role
from talent import actions
from talent.models import CandidateStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_nominations_cannot_both_take_the_last_place(
    make_person, acme, city, province_admin, city_admin, award
) -> None:
    for i in range(2):
        award(make_person(Role.LEARNER, org=acme, name=f"并发{i}"))
    selection = actions.create_round(actor=province_admin, year=2026, name="并发测试", quotas={city("济南").pk: 1})
    actions.generate_candidates(selection, actor=province_admin)
    candidates = list(selection.candidates.all())
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def nominate(candidate) -> None:
        barrier.wait()
        try:
            actions.nominate_candidate(candidate, actor=city_admin, reason="推荐")
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=nominate, args=(c,)) for c in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["full", "ok"]
    assert selection.candidates.filter(status=CandidateStatus.NOMINATED).count() == 1
