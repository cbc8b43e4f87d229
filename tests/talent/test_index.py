from __future__ import annotations

import pytest

from talent.actions import approve_evaluation, propose_evaluation, record_achievement, revoke_achievement
from talent.formula import DEFAULT_FORMULA
from talent.index import rebuild
from talent.models import AchievementKind, TalentProfile
from talent.selectors import breakdown

pytestmark = pytest.mark.django_db


def test_the_index_adds_weighted_contest_results_level_certificates_courses_and_hours(
    learner, province_admin, award, certificate
) -> None:
    award(learner, "province", "first")  # 60 × 1.0
    award(learner, "city", "second")  # 30 × 0.7
    certificate(learner)  # 8
    record_achievement(
        person=learner, kind=AchievementKind.COURSE_COMPLETION, source="lms.enrollment", source_id=1, title="课程"
    )  # 3
    record_achievement(
        person=learner,
        kind=AchievementKind.WORKSTUDY_HOURS,
        source="lms.workstudy",
        source_id=1,
        title="工学一体",
        data={"hours": 40},
    )  # 40 × 0.2
    evaluation = propose_evaluation(
        person=learner, level="l4", route="assessment", body="鉴定站", evidence={}, source="t", source_id=1
    )
    approve_evaluation(evaluation, actor=province_admin)  # 20
    profile = TalentProfile.objects.get(person=learner)
    assert profile.index == 60 + 21 + 8 + 3 + 8 + 20
    assert profile.breakdown["contest"] == 81 and profile.breakdown["level"] == 20
    index, components, items = breakdown(learner)
    assert index == profile.index and sum(components.values()) == index
    assert {item.kind for item in items} == {"contest", "certificate", "course", "workstudy", "level"}


def test_only_the_highest_level_counts_and_certificates_are_capped(learner, certificate) -> None:
    for n, level in enumerate(["l5", "l3", "l4"]):
        record_achievement(
            person=learner,
            kind=AchievementKind.SKILL_LEVEL,
            source="t",
            source_id=n,
            title=level,
            data={"level": level},
        )
    for _n in range(15):
        certificate(learner)
    profile = TalentProfile.objects.get(person=learner)
    assert profile.level == "l3"
    assert profile.breakdown["level"] == DEFAULT_FORMULA["skill_level"]["l3"]
    assert profile.breakdown["certificate"] == DEFAULT_FORMULA["certificate_cap"]


def test_a_revoked_result_no_longer_counts(learner, award) -> None:
    row = award(learner)
    revoke_achievement(person=learner, kind=row.kind, source=row.source, source_id=row.source_id, reason="成绩撤销")
    assert TalentProfile.objects.get(person=learner).index == 0


def test_the_formula_is_configuration(learner, award, settings) -> None:
    settings.TALENT_INDEX_FORMULA = {"contest_level": {"province": 10}}
    award(learner)
    assert TalentProfile.objects.get(person=learner).index == 10


def test_incremental_updates_equal_a_full_rebuild(learner, outsider, mentor, award, certificate) -> None:
    award(learner)
    certificate(outsider)
    row = award(mentor, "national", "third")
    revoke_achievement(person=mentor, kind=row.kind, source=row.source, source_id=row.source_id, reason="x")
    award(mentor, "city", "first")
    before = {p.person_id: (p.index, p.breakdown, p.level, p.talent_since) for p in TalentProfile.objects.all()}
    report = rebuild()
    after = {p.person_id: (p.index, p.breakdown, p.level, p.talent_since) for p in TalentProfile.objects.all()}
    assert report.profile_differences == 0 and report.kpi_differences == 0
    assert before == after


def test_rebuild_reports_and_repairs_a_drifted_profile(learner, award) -> None:
    award(learner)
    TalentProfile.objects.filter(person=learner).update(index=999)
    report = rebuild()
    assert report.profile_differences == 1 and "999" in report.examples[0]
    assert TalentProfile.objects.get(person=learner).index == 60
