from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from talent import actions
from talent.models import ConsentKind, DeletionRequest

pytestmark = pytest.mark.django_db


def test_the_leaderboard_page_and_api_show_anonymized_rows_and_my_rank(client, learner, outsider, award) -> None:
    award(learner)
    award(outsider, "city", "first")
    page = client.get(reverse("talent:leaderboard"))
    assert page.status_code == 200 and "王**".encode() in page.content
    client.force_login(outsider)
    page = client.get(reverse("talent:leaderboard"), {"board": f"city:{outsider.organization.region_id}"})
    assert page.context["me"] == (1, 1, 30.0)
    data = client.get("/api/talent/leaderboard", {"board": "province", "n": 10}).json()
    assert [e["name"] for e in data["entries"]] == ["王**", outsider.real_name]
    assert client.get("/api/talent/leaderboard/me").json() == {"board": "province", "rank": 2, "size": 2, "index": 30.0}
    assert client.get("/api/talent/leaderboard", {"board": "nope"}).status_code == 404
    assert client.get(reverse("talent:leaderboard"), {"board": "city:abc"}).status_code == 404


def test_the_leaderboard_api_uses_a_bounded_number_of_queries(
    client, learner, award, django_assert_max_num_queries
) -> None:
    award(learner)
    with django_assert_max_num_queries(4):
        response = client.get("/api/talent/leaderboard", {"n": 100})
    assert response.status_code == 200
    assert [e["name"] for e in response.json()["entries"]] == [learner.real_name[0] + "**"]


def test_the_formula_page_is_public(client) -> None:
    page = client.get(reverse("talent:formula"))
    assert page.status_code == 200 and "人才指数计算规则".encode() in page.content


def test_a_certificate_is_verifiable_publicly_and_unknown_codes_are_not(client, learner, province_admin) -> None:
    evaluation = actions.propose_evaluation(
        person=learner, level="l3", route="contest", body="省赛组委会", evidence={}, source="c", source_id=1
    )
    actions.approve_evaluation(evaluation, actor=province_admin)
    page = client.get(reverse("talent:verify_code", args=[evaluation.verify_code]))
    assert page.context["evaluation"] == evaluation and evaluation.certificate_no.encode() in page.content
    assert client.get(reverse("talent:verify"), {"code": "deadbeef"}).context["evaluation"] is None


def test_admins_decide_evaluations_in_their_scope_from_the_queue(client, learner, outsider, city_admin) -> None:
    mine = actions.propose_evaluation(
        person=learner, level="l4", route="assessment", body="站", evidence={}, source="c", source_id=1
    )
    other = actions.propose_evaluation(
        person=outsider, level="l4", route="assessment", body="站", evidence={}, source="c", source_id=2
    )
    client.force_login(city_admin)
    page = client.get(reverse("talent:evaluations"))
    assert list(page.context["rows"]) == [mine]
    assert client.post(reverse("talent:decide_evaluation", args=[other.pk]), {"approve": "1"}).status_code == 404
    client.post(reverse("talent:decide_evaluation", args=[mine.pk]), {"approve": "1"})
    mine.refresh_from_db()
    assert mine.status == "approved"


def test_a_person_sees_their_breakdown_downloads_their_data_and_asks_for_deletion(client, learner, award) -> None:
    award(learner)
    actions.set_consent(learner, ConsentKind.LEADERBOARD, True)
    client.force_login(learner)
    page = client.get(reverse("talent:me"))
    assert page.context["index"] == 60 and page.context["components"]["contest"] == 60
    data = json.loads(client.get(reverse("talent:my_data")).content)
    assert data["profile"]["index"] == 60 and data["achievements"][0]["data"]["award"] == "first"
    assert AuditEvent.objects.filter(action="talent.data_download").exists()
    client.post(reverse("talent:deletion"), {"note": "请删除"})
    assert DeletionRequest.objects.filter(person=learner).exists()
    learner.talent_profile.refresh_from_db()
    assert learner.talent_profile.public_consent is False


def test_processing_a_deletion_keeps_the_ledger(learner, province_admin, award) -> None:
    award(learner)
    actions.set_consent(learner, ConsentKind.MATCHING, True)
    request = actions.request_deletion(learner)
    done = actions.decide_deletion(request, actor=province_admin, approve=True)
    assert "保留" in done.outcome and learner.achievements.count() == 1
    assert not learner.talent_consents.exists()


def test_hostile_names_are_escaped_on_the_board(client, make_person, acme, award) -> None:
    from accounts.choices import Role

    person = make_person(Role.LEARNER, org=acme, name="<script>alert(1)</script>")
    award(person)
    actions.set_consent(person, ConsentKind.LEADERBOARD, True)
    page = client.get(reverse("talent:leaderboard"))
    assert b"<script>alert(1)</script>" not in page.content
