"""The chief judge records 缺考 for an entrant who did not sit the practical: no marks are
needed for the sign-off, and without a theory part the entrant is absent from the results —
not ranked, not awarded, not fed to talent (issue #14 item 3)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from competitions import actions
from competitions.models import PracticalAbsence
from tests.competitions.conftest import score_all


def test_a_recorded_practical_absence_excuses_the_marks_and_keeps_the_entrant_out_of_the_ranking(
    contestants, judges, scheme, group, contest, organizer
) -> None:
    from talent.models import Achievement

    present, missing = contestants[:3], contestants[3]
    score_all(present, judges, scheme, [("40", "3"), ("30", "2"), ("20", "1")])
    with pytest.raises(ValidationError, match="评分未完成"):
        actions.sign_off(group, actor=judges[0])

    actions.set_practical_absence(group, actor=judges[0], absent=True, registration=missing)
    assert AuditEvent.objects.filter(action="contest.practical_absence").count() == 1
    with pytest.raises(ValidationError, match="已登记实操缺考"):
        actions.record_mark(judge=judges[1], registration=missing, item=scheme["measured"], value="10")
    actions.sign_off(group, actor=judges[0])
    results = {r.registration_id: r for r in actions.publish_results(contest, actor=organizer)}

    assert [results[r.pk].rank for r in present] == [1, 2, 3]
    row = results[missing.pk]
    assert (row.absent, row.rank, row.award) == (True, None, "")
    assert not Achievement.objects.filter(person=missing.person, source__startswith="competitions.").exists()


def test_only_the_chief_judge_records_an_absence_and_not_for_someone_with_marks(
    contestants, judges, scheme, group
) -> None:
    with pytest.raises(PermissionDenied):
        actions.set_practical_absence(group, actor=judges[1], absent=True, registration=contestants[0])
    actions.record_mark(judge=judges[1], registration=contestants[0], item=scheme["measured"], value="0")
    with pytest.raises(ValidationError, match="已有评分"):
        actions.set_practical_absence(group, actor=judges[0], absent=True, registration=contestants[0])
    actions.set_practical_absence(group, actor=judges[0], absent=True, registration=contestants[1])
    actions.set_practical_absence(group, actor=judges[0], absent=False, registration=contestants[1])
    assert not PracticalAbsence.objects.exists()


def test_the_chief_judge_records_an_absence_on_the_judge_sheet(client, contestants, judges, scheme, group) -> None:
    client.force_login(judges[0])
    url = f"/contests/judge/{group.pk}/"
    response = client.post(url, {"op": "absence", "absence": f"1:m-{contestants[2].pk}"})
    assert response.status_code == 302
    assert PracticalAbsence.objects.filter(registration=contestants[2]).exists()
    page = client.get(url).content.decode()
    assert "缺考" in page and "撤销缺考" in page
    client.post(url, {"op": "absence", "absence": f"0:m-{contestants[2].pk}"})
    assert not PracticalAbsence.objects.exists()
