"""A person's own data: download, one deletion request at a time, decided by a responsible admin."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.choices import Role
from accounts.models import AuditEvent
from talent import actions, kpi
from talent.models import ConsentKind, DeletionRequest, DeletionStatus, Match, Objection, TalentProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_person(learner, enterprise_admin, acme, province_admin, city, award, make_person):
    """The learner with a ledger, an accepted match, consent history and an objection they filed."""
    award(learner, "province", "first")
    actions.set_consent(learner, ConsentKind.MATCHING, True)
    demand = actions.post_demand(
        actor=enterprise_admin,
        organization=acme,
        title="运维工程师",
        domains=["industrial_internet"],
        headcount=2,
        city=acme.region,
    )
    match = actions.invite_match(demand, learner, actor=enterprise_admin)
    actions.answer_match(match, person=learner, accept=True)

    other = make_person(Role.LEARNER, org=acme, name="赵候选")
    award(other, "national", "first")
    selection = actions.create_round(
        actor=province_admin, year=2026, name="遴选", quotas={city("济南").pk: 1}, min_index=50
    )
    actions.generate_candidates(selection, actor=province_admin)
    candidate = selection.candidates.get(person=other)
    actions.nominate_candidate(candidate, actor=province_admin, reason="成绩突出")
    actions.review_candidate(candidate, actor=province_admin, approve=True)
    actions.start_notice(selection, actor=province_admin)
    candidate = selection.candidates.select_related("round").get(pk=candidate.pk)
    actions.file_objection(candidate, text="获奖材料存疑", filed_by=learner)
    return learner


def test_a_person_can_hold_only_one_pending_request(client, learner, award) -> None:
    award(learner)
    client.force_login(learner)
    assert client.post(reverse("talent:deletion"), {"note": "请删除"}).status_code == 302
    page = client.post(reverse("talent:deletion"), {"note": "再来一次"}, follow=True)
    assert "待处理的删除申请" in page.content.decode()
    assert DeletionRequest.objects.filter(person=learner).count() == 1
    page = client.get(reverse("talent:privacy"))
    assert page.context["pending"] and b'data-testid="pending"' in page.content
    with pytest.raises(ValidationError):
        actions.request_deletion(learner, note="x" * 2001)


def test_approval_erases_what_may_be_erased_and_keeps_the_required_records(
    busy_person, city_admin, province_admin
) -> None:
    fit_before = kpi.demand_fit()
    evaluations_before = busy_person.evaluations.count()
    request = actions.request_deletion(busy_person, note="不再参与")
    assert TalentProfile.objects.get(person=busy_person).match_opt_in is False  # withdrawn at once
    done = actions.decide_deletion(request, actor=city_admin, approve=True)  # 济南 is the person's city

    assert done.status == DeletionStatus.APPROVED and done.processed_by == city_admin
    assert not Match.objects.filter(person=busy_person).exists()
    assert not busy_person.talent_consents.exists()
    objection = Objection.objects.get()
    assert objection.filed_by is None and objection.text == "获奖材料存疑"
    # Kept: the ledger, evaluations, and the fit rate still counts the accepted match.
    assert busy_person.achievements.count() == 1 and busy_person.evaluations.count() == evaluations_before
    assert kpi.demand_fit() == fit_before == 50.0
    event = AuditEvent.objects.get(action="talent.deletion_approve")
    assert event.actor == city_admin and event.after["erased"] == {"matches": 1, "consents": 3, "objections": 1}
    with pytest.raises(ValidationError):
        actions.decide_deletion(request, actor=province_admin, approve=False, reason="重复")


def test_declining_needs_a_reason_and_erases_nothing(busy_person, province_admin) -> None:
    request = actions.request_deletion(busy_person)
    with pytest.raises(ValidationError):
        actions.decide_deletion(request, actor=province_admin, approve=False, reason="  ")
    done = actions.decide_deletion(request, actor=province_admin, approve=False, reason="涉及未结束的公示异议")
    assert done.status == DeletionStatus.DECLINED and done.reason == "涉及未结束的公示异议"
    assert Match.objects.filter(person=busy_person).exists() and Objection.objects.get().filed_by == busy_person
    assert AuditEvent.objects.filter(action="talent.deletion_decline", reason="涉及未结束的公示异议").exists()
    actions.request_deletion(busy_person, note="再次申请")  # a declined request does not block a new one


def test_only_the_admins_responsible_for_the_person_decide(
    client, learner, outsider, make_person, city, province_admin
) -> None:
    mine = actions.request_deletion(learner)
    qingdao_admin = make_person(Role.CITY_ADMIN, region=city("青岛"), name="青岛市管")
    with pytest.raises(PermissionDenied):
        actions.decide_deletion(mine, actor=qingdao_admin, approve=True)
    client.force_login(qingdao_admin)
    assert list(client.get(reverse("talent:deletions")).context["rows"]) == []
    response = client.post(reverse("talent:decide_deletion", args=[mine.pk]), {"approve": "1"})
    assert response.status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("talent:deletions")).status_code == 403
    mine.refresh_from_db()
    assert mine.status == DeletionStatus.PENDING


def test_the_admin_screen_shows_the_request_and_decides_it(client, learner, province_admin, award) -> None:
    award(learner)
    request = actions.request_deletion(learner, note="<img src=x onerror=alert(1)>")
    client.force_login(province_admin)
    page = client.get(reverse("talent:deletions"))
    assert b"<img src=x" not in page.content and b"&lt;img src=x" in page.content
    assert [r.pk for r, _held in page.context["rows"]] == [request.pk]
    page = client.post(reverse("talent:decide_deletion", args=[request.pk]), {"approve": "0"}, follow=True)
    assert "必须填写理由" in page.content.decode()
    client.post(reverse("talent:decide_deletion", args=[request.pk]), {"approve": "1", "reason": "符合条件"})
    request.refresh_from_db()
    assert request.status == DeletionStatus.APPROVED and request.reason == "符合条件"
    client.force_login(learner)
    page = client.get(reverse("talent:privacy")).content.decode()
    assert "已批准并执行" in page and "符合条件" in page and "依规保留" in page


def test_the_download_holds_everything_talent_keeps_about_the_person(client, busy_person) -> None:
    actions.request_deletion(busy_person, note="请删除")
    client.force_login(busy_person)
    data = json.loads(client.get(reverse("talent:my_data")).content)
    assert data["profile"]["index"] == 60 and len(data["achievements"]) == 1
    assert data["matches"][0]["status"] == "accepted"
    assert data["objections_filed"][0]["text"] == "获奖材料存疑"
    assert data["deletion_requests"][0]["note"] == "请删除"
    assert [c["granted"] for c in data["consents"]] == [False, False, True]
    assert AuditEvent.objects.filter(action="talent.data_download", actor=busy_person).exists()


def test_the_admin_queue_costs_the_same_queries_for_more_requests(
    client, make_person, acme, province_admin, award
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(province_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("talent:deletions")).status_code == 200
        return len(captured)

    first = make_person(Role.LEARNER, org=acme, name="申请一")
    award(first)
    actions.request_deletion(first)
    one = queries()
    for i in range(3):
        person = make_person(Role.LEARNER, org=acme, name=f"申请{i + 2}")
        award(person)
        actions.request_deletion(person)
    page = client.get(reverse("talent:deletions"))
    _first, held = page.context["rows"][0]
    assert [h.count for h in held][:2] == [1, 0]
    assert queries() == one
