from __future__ import annotations

import pytest

from accounts.models import AuditEvent
from talent.actions import record_achievement, revoke_achievement
from talent.models import Achievement, AchievementKind

pytestmark = pytest.mark.django_db


def record(person, **overrides):
    values = {
        "person": person,
        "kind": AchievementKind.CERTIFICATE,
        "source": "lms.certificate",
        "source_id": 17,
        "title": "工业互联网基础 结业证书",
        "data": {"hours": 24},
    }
    values.update(overrides)
    return record_achievement(**values)


def test_recording_the_same_result_twice_keeps_one_row_and_one_audit(learner) -> None:
    first = record(learner)
    second = record(learner)
    assert first.pk == second.pk
    assert Achievement.objects.filter(person=learner).count() == 1
    assert AuditEvent.objects.filter(action__startswith="achievement.").count() == 1


def test_a_changed_result_is_updated_and_audited_with_before_and_after(learner) -> None:
    record(learner)
    record(learner, data={"hours": 32})
    event = AuditEvent.objects.get(action="achievement.update")
    assert event.before["data"] == {"hours": 24} and event.after["data"] == {"hours": 32}


def test_revoking_keeps_the_row_and_recording_again_restores_it(learner) -> None:
    record(learner)
    revoked = revoke_achievement(
        person=learner, kind=AchievementKind.CERTIFICATE, source="lms.certificate", source_id=17, reason="学时造假"
    )
    assert revoked is not None and not revoked.active and revoked.revoked_reason == "学时造假"
    restored = record(learner)
    assert restored.active


def test_results_of_different_people_are_separate(learner, outsider) -> None:
    record(learner)
    record(outsider)
    assert Achievement.objects.count() == 2
