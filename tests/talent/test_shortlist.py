from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.choices import Role
from talent import actions
from talent.models import CandidateStatus, KpiActual, RoundStatus, TalentProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinan_people(make_person, acme, award):
    people = []
    for i in range(3):
        person = make_person(Role.LEARNER, org=acme, name=f"济南选手{i}")
        award(person, "province", "first")
        if i < 2:
            award(person, "national", "second")
        people.append(person)
    return people


@pytest.fixture
def selection(province_admin, city, jinan_people, outsider, award):
    award(outsider, "city", "third")  # 9 points: below the threshold
    return actions.create_round(
        actor=province_admin,
        year=2026,
        name="2026 年度领军人才遴选",
        quotas={city("济南").pk: 1, city("青岛").pk: 2},
        min_index=50,
        min_awards=1,
    )


def test_candidates_come_from_the_board_with_the_reasons_they_qualify(selection, province_admin, jinan_people) -> None:
    assert actions.generate_candidates(selection, actor=province_admin) == 3
    best = selection.candidates.first()
    assert best.person == jinan_people[0] and any("人才指数" in r for r in best.reasons)
    assert any("获奖 2 次" in r for r in best.reasons)


def test_a_city_admin_nominates_within_quota_and_only_their_city(
    selection, province_admin, city_admin, make_person, rival
) -> None:
    actions.generate_candidates(selection, actor=province_admin)
    first, second, _third = selection.candidates.all()
    with pytest.raises(ValidationError):
        actions.nominate_candidate(first, actor=city_admin, reason=" ")
    actions.nominate_candidate(first, actor=city_admin, reason="省赛一等奖，带徒成效突出")
    with pytest.raises(ValidationError, match="名额已用完"):
        actions.nominate_candidate(second, actor=city_admin, reason="同样优秀")
    with pytest.raises(ValidationError):
        actions.decline_candidate(second, actor=city_admin, reason="")
    declined = actions.decline_candidate(second, actor=city_admin, reason="名额有限，下批次推荐")
    assert declined.status == CandidateStatus.DECLINED and declined.city_reason == "名额有限，下批次推荐"
    qingdao_admin = make_person(Role.CITY_ADMIN, region=rival.region, name="青岛市管")
    with pytest.raises(PermissionDenied):
        actions.nominate_candidate(_third, actor=qingdao_admin, reason="越权")


def test_province_review_notice_objections_and_final_list(
    selection, province_admin, city_admin, jinan_people, outsider
) -> None:
    actions.generate_candidates(selection, actor=province_admin)
    first = selection.candidates.first()
    with pytest.raises(PermissionDenied):
        actions.review_candidate(first, actor=city_admin, approve=True)
    actions.nominate_candidate(first, actor=city_admin, reason="推荐")
    with pytest.raises(ValidationError):
        actions.review_candidate(first, actor=province_admin, approve=False, reason="")
    actions.review_candidate(first, actor=province_admin, approve=True, reason="符合条件")
    selection = actions.start_notice(selection, actor=province_admin, days=5)
    first.refresh_from_db()
    objection = actions.file_objection(first, text="获奖信息有误", filed_by=outsider)
    with pytest.raises(ValidationError, match="公示期尚未结束"):
        actions.finalize_round(selection, actor=province_admin)
    later = timezone.now() + dt.timedelta(days=6)
    with pytest.raises(ValidationError, match="未处理"):
        actions.finalize_round(selection, actor=province_admin, now=later)
    actions.resolve_objection(objection, actor=province_admin, upheld=False, resolution="经核实获奖信息无误")
    finals = actions.finalize_round(selection, actor=province_admin, now=later)
    assert [c.person for c in finals] == [jinan_people[0]]
    selection.refresh_from_db()
    assert selection.status == RoundStatus.FINAL
    assert "leader" in TalentProfile.objects.get(person=jinan_people[0]).categories
    assert KpiActual.objects.get(metric="leaders").count == 1
    item = actions.add_plan_item(finals[0], actor=city_admin, kind="mentoring", title="带徒 3 名")
    actions.complete_plan_item(item, actor=city_admin)
    assert item.done_at is not None


def test_an_upheld_objection_withdraws_the_candidate(selection, province_admin, city_admin, outsider) -> None:
    actions.generate_candidates(selection, actor=province_admin)
    first = selection.candidates.first()
    actions.nominate_candidate(first, actor=city_admin, reason="推荐")
    actions.review_candidate(first, actor=province_admin, approve=True)
    actions.start_notice(selection, actor=province_admin)
    first.refresh_from_db()
    objection = actions.file_objection(first, text="论文抄袭", filed_by=outsider)
    actions.resolve_objection(objection, actor=province_admin, upheld=True, resolution="查实")
    first.refresh_from_db()
    assert first.status == CandidateStatus.WITHDRAWN


def test_the_person_hears_the_citys_decision_once_each(selection, province_admin, city_admin) -> None:
    from accounts.choices import NoticeKind
    from accounts.models import Notice

    actions.generate_candidates(selection, actor=province_admin)
    first, second, _third = selection.candidates.all()
    actions.nominate_candidate(first, actor=city_admin, reason="省赛一等奖")
    actions.decline_candidate(second, actor=city_admin, reason="名额有限，下批次推荐")
    (nominated,) = Notice.objects.filter(person=first.person, kind=NoticeKind.SHORTLIST)
    assert nominated.title == "领军人才遴选：您已获市级推荐（2026 年度领军人才遴选）" and "省级审核" in nominated.body
    (declined,) = Notice.objects.filter(person=second.person, kind=NoticeKind.SHORTLIST)
    assert declined.title.startswith("领军人才遴选：未获市级推荐") and declined.body == "理由：名额有限，下批次推荐"
    assert not Notice.objects.filter(person=_third.person, kind=NoticeKind.SHORTLIST).exists()
