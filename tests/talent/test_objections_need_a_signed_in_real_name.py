"""Objections on the 公示 page: signed in, under a real name, rate-limited, and spam can be removed.

Twenty anonymous POSTs used to be stored with no filer, each blocking finalize (issue #19, item 8).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import AuditEvent, User
from talent import actions
from talent.models import CandidateStatus, Objection, ObjectionStatus, RoundStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(make_person, acme, award, province_admin, city_admin, city):
    """A round in its notice period with one approved candidate."""
    person = make_person(Role.LEARNER, org=acme, name="济南选手")
    award(person, "province", "first")
    award(person, "national", "second")
    selection = actions.create_round(
        actor=province_admin, year=2026, name="2026 年度领军人才遴选", quotas={city("济南").pk: 1}, min_index=1
    )
    actions.generate_candidates(selection, actor=province_admin)
    candidate = selection.candidates.get(person=person)
    actions.nominate_candidate(candidate, actor=city_admin, reason="推荐")
    actions.review_candidate(candidate, actor=province_admin, approve=True, reason="符合条件")
    actions.start_notice(selection, actor=province_admin, days=5)
    candidate.refresh_from_db()
    return candidate


def _notice(candidate) -> str:
    return reverse("talent:notice", args=[candidate.round_id])


def test_an_anonymous_objection_is_not_stored_and_the_page_asks_to_sign_in(client, listed) -> None:
    page = client.get(_notice(listed)).content.decode()
    assert "登录后实名提出异议" in page and 'name="text"' not in page
    response = client.post(_notice(listed), {"candidate": listed.pk, "text": "匿名异议"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Objection.objects.exists()
    with pytest.raises(PermissionDenied):
        actions.file_objection(listed, text="匿名异议", filed_by=None)


def test_an_account_without_a_real_name_cannot_object(listed, outsider) -> None:
    User.objects.filter(pk=outsider.pk).update(real_name="")
    outsider.refresh_from_db()
    with pytest.raises(ValidationError, match="实名"):
        actions.file_objection(listed, text="获奖信息有误", filed_by=outsider)


def test_a_signed_in_person_objects_under_their_name_three_times_a_day(client, listed, outsider) -> None:
    client.force_login(outsider)
    assert "以实名“吴外人”提交" in client.get(_notice(listed)).content.decode()
    for n in range(3):
        client.post(_notice(listed), {"candidate": listed.pk, "text": f"异议 {n}"})
    assert Objection.objects.filter(filed_by=outsider).count() == 3
    response = client.post(_notice(listed), {"candidate": listed.pk, "text": "第四条"}, follow=True)
    assert "24 小时内已对本批名单提出 3 条异议" in response.content.decode()
    assert Objection.objects.count() == 3


def test_one_address_is_limited_across_people(client, listed, make_person, rival) -> None:
    people = [make_person(Role.LEARNER, org=rival) for _ in range(4)]
    codes = []
    for person in people:
        client.force_login(person)
        for _ in range(3):
            codes.append(client.post(_notice(listed), {"candidate": listed.pk, "text": "刷异议"}).status_code)
    assert codes.count(429) == 2  # 12 posts from one address, 10 a day
    assert Objection.objects.count() == 10
    assert AuditEvent.objects.filter(action="shortlist.objection_limited").count() == 2


def test_a_10000_character_objection_is_refused_not_cut(client, listed, outsider) -> None:
    client.force_login(outsider)
    response = client.post(_notice(listed), {"candidate": listed.pk, "text": "长" * 10_000})
    assert response.status_code == 200 and "最多 2000 字" in response.content.decode()
    assert not Objection.objects.exists()
    with pytest.raises(ValidationError, match="最多 2000 字"):
        actions.file_objection(listed, text="长" * 2001, filed_by=outsider)


def test_a_province_admin_removes_spam_with_a_reason_and_the_round_can_close(
    client, listed, outsider, province_admin, city_admin
) -> None:
    spam = actions.file_objection(listed, text="广告：代办证书", filed_by=outsider)
    later = timezone.now() + dt.timedelta(days=6)
    with pytest.raises(ValidationError, match="未处理"):
        actions.finalize_round(listed.round, actor=province_admin, now=later)
    with pytest.raises(PermissionDenied):
        actions.remove_objection(spam, actor=city_admin, reason="广告")
    client.force_login(province_admin)
    client.post(reverse("talent:objection_action", args=[spam.pk]), {"spam": "1", "resolution": ""})
    spam.refresh_from_db()
    assert spam.status == ObjectionStatus.OPEN  # a reason is required
    round_page = client.get(reverse("talent:round", args=[listed.round_id])).content.decode()
    assert "吴外人" in round_page and "移除为无效异议" in round_page
    client.post(reverse("talent:objection_action", args=[spam.pk]), {"spam": "1", "resolution": "广告，与人选无关"})
    spam.refresh_from_db()
    assert spam.status == ObjectionStatus.SPAM and spam.resolved_by == province_admin
    event = AuditEvent.objects.get(action="shortlist.remove_objection")
    assert event.reason == "广告，与人选无关"
    listed.refresh_from_db()
    assert listed.status == CandidateStatus.APPROVED
    actions.finalize_round(listed.round, actor=province_admin, now=later)
    listed.round.refresh_from_db()
    assert listed.round.status == RoundStatus.FINAL


def test_after_the_notice_period_the_page_offers_no_objection_form_and_none_is_taken(client, listed, learner) -> None:
    """The page asks the round (`objections_open`) the same question file_objection does: past its
    end, with the round not yet finalized, the form is gone and a posted objection is refused."""
    client.force_login(learner)
    assert 'name="text"' in client.get(_notice(listed)).content.decode()
    listed.round.__class__.objects.filter(pk=listed.round_id).update(notice_ends=timezone.now() - dt.timedelta(hours=1))
    listed = listed.__class__.objects.select_related("round").get(pk=listed.pk)
    assert listed.round.status == RoundStatus.NOTICE
    page = client.get(_notice(listed)).content.decode()
    assert page.count("提出异议") == 0 and 'name="text"' not in page
    with pytest.raises(ValidationError, match="公示期已结束"):
        actions.file_objection(listed, text="过期异议", filed_by=learner)
    assert not Objection.objects.exists()
