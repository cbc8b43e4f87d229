"""Organizer, contestant and judge pages drive the actions; out-of-scope records are 404."""

from __future__ import annotations

from django.urls import reverse

from competitions import actions, selectors
from competitions.models import Contest, Registration, RegistrationStatus
from tests.competitions.conftest import score_all


def test_an_organizer_creates_a_contest_through_the_page(client, organizer, city) -> None:
    client.force_login(organizer)
    assert client.get(reverse("competitions:manage")).status_code == 200
    response = client.post(
        reverse("competitions:create"),
        {
            "title": "济南市工业互联网技能竞赛",
            "slug": "jn-iiot",
            "level": "city",
            "status": "open",
            "theory_weight": "0.3",
            "team_size_min": "1",
            "team_size_max": "1",
            "aggregation": "trimmed",
            "disagreement_threshold": "1",
            "award_mode": "share",
            "award_first": "0.1",
            "award_second": "0.2",
            "award_third": "0.3",
            "award_merit": "0",
            "appeal_hours": "72",
            "eligible_cities": [city("济南").pk],
        },
    )
    contest = Contest.objects.get(slug="jn-iiot")
    assert response.status_code == 302 and contest.organizers.filter(pk=organizer.pk).exists()
    assert selectors.rules_for(contest).aggregation == "trimmed"
    client.post(reverse("competitions:op", args=["jn-iiot", "group"]), {"name": "工业互联网运维", "domain": ""})
    assert contest.event_groups.count() == 1
    assert client.get(reverse("competitions:console", args=["jn-iiot"])).status_code == 200
    assert client.get(reverse("competitions:edit", args=["jn-iiot"])).status_code == 200


def test_a_learner_registers_on_the_public_page_and_prints_the_ticket(
    client, contest, group, learner, organizer
) -> None:
    assert client.get(reverse("competitions:detail", args=[contest.slug])).status_code == 200
    client.force_login(learner)
    client.post(reverse("competitions:register", args=[contest.slug]), {"event_group": group.pk})
    registration = Registration.objects.get(person=learner)
    assert client.get(reverse("competitions:ticket", args=[contest.slug])).status_code == 404
    actions.review_registration(registration, actor=organizer, approve=True)
    page = client.get(reverse("competitions:ticket", args=[contest.slug]))
    assert registration.ticket.number in page.content.decode()


def test_other_organizers_and_strangers_cannot_open_the_console(client, contest, make_person, learner) -> None:
    other = make_person("organizer")
    client.force_login(other)
    assert client.get(reverse("competitions:console", args=[contest.slug])).status_code == 404
    client.force_login(learner)
    assert client.get(reverse("competitions:manage")).status_code == 403


def test_a_judge_scores_on_the_sheet_and_the_chief_signs(client, contestants, judges, scheme, group) -> None:
    client.force_login(judges[1])
    sheet = reverse("competitions:judge_sheet", args=[group.pk])
    assert client.get(sheet).status_code == 200
    data = {}
    for r in contestants:
        data[f"m-{r.pk}-{scheme['measured'].pk}"] = "30"
        data[f"m-{r.pk}-{scheme['judged'].pk}"] = "2"
    client.post(sheet, data)
    score_all(contestants, judges[:1] + judges[:1], scheme, [("30", "2")] * 4)
    client.force_login(judges[0])
    client.post(sheet, {"op": "signoff", "note": ""})
    assert group.signoff.signed_by == judges[0]
    client.force_login(judges[2])
    client.get(reverse("competitions:judge"))


def test_a_judge_of_another_group_gets_404(client, contest, judge) -> None:
    client.force_login(judge)
    other = contest.event_groups.get(name="数据分析")
    assert client.get(reverse("competitions:judge_sheet", args=[other.pk])).status_code == 404


def test_the_home_and_learner_hooks_list_contests(contest, learner) -> None:
    from wagtail import hooks

    cards = [c for hook in hooks.get_hooks("shuzhi_home_contests") for c in hook(None)]
    assert cards[0]["title"] == contest.title and cards[0]["url"] == f"/contests/{contest.slug}/"
    actions.register(person=learner, contest=contest, event_group=contest.event_groups.first(), actor=learner)
    mine = [c for hook in hooks.get_hooks("shuzhi_learner_contests") for c in hook(learner)]
    assert mine[0]["status"] == "待审核"


def test_an_arbiter_decides_an_appeal_on_the_sheet_and_the_appellant_sees_it(
    client, contestants, judges, scheme, group, organizer, contest
) -> None:
    from competitions.models import Appeal, AppealStatus, Mark

    score_all(contestants, judges, scheme, [("30", "2")] * 4)
    actions.sign_off(group, actor=judges[0])
    actions.publish_results(contest, actor=organizer)
    registration = contestants[1]
    client.force_login(registration.person)
    client.post(reverse("competitions:appeal", args=[contest.slug]), {"reason": "测量项漏计"})
    appeal = Appeal.objects.get(registration=registration)
    mark = Mark.objects.get(registration=registration, judge=judges[0], item=scheme["measured"])
    client.force_login(judges[0])
    sheet = reverse("competitions:judge_sheet", args=[group.pk])
    assert "测量项漏计" in client.get(sheet).content.decode()
    client.post(
        sheet,
        {
            "op": "appeal",
            "appeal": appeal.pk,
            "decision": "uphold",
            "text": "复核属实",
            f"mark-{mark.pk}": "34",
            "rescore_reason": "漏计两处",
        },
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD
    client.force_login(registration.person)
    page = client.get(reverse("competitions:detail", args=[contest.slug])).content.decode()
    assert "复核属实" in page and "漏计两处" in page
    client.force_login(organizer)
    assert client.get(reverse("competitions:console", args=[contest.slug])).status_code == 200


def test_the_api_lists_contests_and_published_results_only(
    client, contestants, judges, scheme, group, organizer, contest
) -> None:
    assert client.get("/api/contests/").json()[0]["slug"] == contest.slug
    assert client.get(f"/api/contests/{contest.slug}/results").json() == []
    score_all(contestants, judges, scheme, [("30", "2")] * 4)
    actions.sign_off(group, actor=judges[0])
    actions.publish_results(contest, actor=organizer)
    rows = client.get(f"/api/contests/{contest.slug}/results").json()
    assert len(rows) == 4 and rows[0]["rank"] == 1
    assert client.get("/api/contests/nope/results").status_code == 404


def test_an_enterprise_admin_nominates_on_the_page_and_the_person_withdraws(
    client, contest, group, enterprise_admin, learner
) -> None:
    client.force_login(enterprise_admin)
    page = client.get(reverse("competitions:detail", args=[contest.slug])).content.decode()
    assert "企业推荐报名" in page and learner.real_name in page
    client.post(reverse("competitions:register", args=[contest.slug]), {"person": learner.pk, "event_group": group.pk})
    registration = Registration.objects.get(person=learner)
    assert registration.nominated_by == enterprise_admin
    client.force_login(learner)
    client.post(reverse("competitions:withdraw", args=[contest.slug]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.WITHDRAWN


def test_the_learner_hook_offers_open_contests_not_yet_entered(contest, learner) -> None:
    cards = selectors.learner_contests(learner)
    assert [c["status"] for c in cards] == ["报名中"]
