"""Team contests: judges score the team, the team's theory is its members' mean, teams are
ranked and awarded per event group, and every member gets the award, certificate, ledger row
and 以赛代评 recommendation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.choices import Role
from competitions import actions, scoring, selectors
from competitions.models import AwardMode, Mark, Promotion, Result, Team
from tests.exchange.conftest import export_rows


@pytest.fixture
def team_contest(contest, organizer):
    actions.update_contest(
        contest,
        actor=organizer,
        team_size_min=2,
        team_size_max=3,
        award_mode=AwardMode.COUNT,
        award_first=Decimal(1),
        award_second=Decimal(1),
        award_third=Decimal(0),
        award_merit=Decimal(0),
    )
    return contest


@pytest.fixture
def teams(team_contest, group, organizer, make_person, make_org) -> dict[str, Team]:
    """Three teams of two approved members, each team from its own enterprise."""
    for name in ("甲队", "乙队", "丙队"):
        org = make_org(f"{name}企业", "济南")
        for i in range(2):
            person = make_person(Role.LEARNER, org=org, name=f"{name}队员{i}")
            registration = actions.register(
                person=person, contest=team_contest, event_group=group, actor=person, team=name
            )
            actions.review_registration(registration, actor=organizer, approve=True)
    return {team.name: team for team in Team.objects.filter(contest=team_contest)}


def members(team: Team) -> list:
    return [m.registration for m in team.members.select_related("registration__person").order_by("registration_id")]


def score_teams(teams, judges, scheme, marks: dict[str, tuple[str, str]]) -> None:
    for name, (measured, judged) in marks.items():
        for judge in judges[:2]:
            actions.record_mark(judge=judge, team=teams[name], item=scheme["measured"], value=measured)
            actions.record_mark(judge=judge, team=teams[name], item=scheme["judged"], value=judged)


@pytest.fixture
def published(teams, judges, scheme, group, organizer, team_contest):
    score_teams(teams, judges, scheme, {"甲队": ("40", "3"), "乙队": ("30", "2"), "丙队": ("20", "1")})
    theory = {"甲队": ["90", "81"], "乙队": ["80", "80"], "丙队": ["60", None]}
    for name, scores in theory.items():
        for registration, score in zip(members(teams[name]), scores, strict=True):
            if score is not None:
                actions.set_theory_mark(registration, actor=organizer, score=score)
    actions.sign_off(group, actor=judges[0])
    actions.set_promotion_rule(team_contest, actor=organizer, award="first", target_level="l3")
    actions.publish_results(team_contest, actor=organizer)
    return teams


def test_a_team_contest_needs_a_team_name_to_register(team_contest, group, learner) -> None:
    with pytest.raises(ValidationError, match="团体赛"):
        actions.register(person=learner, contest=team_contest, event_group=group, actor=learner)


def test_judges_score_the_team_not_a_member_alone(teams, judges, scheme) -> None:
    member = members(teams["甲队"])[0]
    with pytest.raises(ValidationError, match="按队评分"):
        actions.record_mark(judge=judges[1], registration=member, item=scheme["measured"], value="30")
    mark = actions.record_mark(judge=judges[1], team=teams["甲队"], item=scheme["measured"], value="30")
    assert (mark.team_id, mark.registration_id) == (teams["甲队"].pk, None)


def test_a_judge_from_any_members_organization_is_recused(
    teams, group, organizer, make_person, make_org, scheme, team_contest
) -> None:
    # the organizer places a third member from another enterprise in 乙队
    guest = make_person(Role.LEARNER, org=make_org("外援企业", "济南"))
    registration = actions.register(person=guest, contest=team_contest, event_group=group, actor=organizer, team="乙队")
    actions.review_registration(registration, actor=organizer, approve=True)
    colleague = make_person(Role.JUDGE, org=guest.organization)
    actions.assign_judge(group, colleague, actor=organizer)
    with pytest.raises(PermissionDenied, match="回避"):
        actions.record_mark(judge=colleague, team=teams["乙队"], item=scheme["measured"], value="30")
    actions.record_mark(judge=colleague, team=teams["甲队"], item=scheme["measured"], value="30")


def test_marks_outside_the_scheme_are_refused_for_teams_too(teams, judges, scheme) -> None:
    with pytest.raises(ValidationError, match="0、1、2、3"):
        actions.record_mark(judge=judges[1], team=teams["甲队"], item=scheme["judged"], value="2.5")


def test_sign_off_needs_every_team_marked(teams, judges, scheme, group) -> None:
    score_teams(teams, judges, scheme, {"甲队": ("40", "3"), "乙队": ("30", "2")})
    assert selectors.missing_marks(group) == 2  # 丙队: both items
    with pytest.raises(ValidationError, match="2 项评分未完成"):
        actions.sign_off(group, actor=judges[0])


def test_a_teams_theory_score_is_the_mean_of_its_members() -> None:
    assert scoring.team_theory([Decimal(90), Decimal(81)]) == Decimal("85.50")
    assert scoring.team_theory([Decimal(60), Decimal(0), Decimal(71)]) == Decimal("43.67")


def test_teams_are_ranked_and_awarded_per_event_group(published) -> None:
    rows = {r.registration_id: r for r in Result.objects.select_related("team")}
    expected = {
        "甲队": (Decimal("85.50"), Decimal("100.00"), Decimal("95.65"), 1, "first"),
        "乙队": (Decimal("80.00"), Decimal("70.00"), Decimal("73.00"), 2, "second"),
        "丙队": (Decimal("30.00"), Decimal("40.00"), Decimal("37.00"), 3, ""),
    }
    for name, figures in expected.items():
        for registration in members(published[name]):
            row = rows[registration.pk]
            assert (row.theory, row.practical, row.final, row.rank, row.award) == figures
            assert row.team.name == name


def test_tied_teams_share_the_rank_and_the_higher_award(teams, judges, scheme, group, organizer, team_contest) -> None:
    score_teams(teams, judges, scheme, {"甲队": ("30", "2"), "乙队": ("30", "2"), "丙队": ("20", "1")})
    actions.sign_off(group, actor=judges[0])
    actions.publish_results(team_contest, actor=organizer)
    for name in ("甲队", "乙队"):
        assert {(r.result.rank, r.result.award) for r in members(teams[name])} == {(1, "first")}
    assert {(r.result.rank, r.result.award) for r in members(teams["丙队"])} == {(3, "")}


def test_every_member_of_an_awarded_team_gets_certificate_achievement_and_recommendation(published) -> None:
    from talent.models import Achievement, AchievementKind, Evaluation, EvaluationStatus

    for registration in members(published["甲队"]):
        certificate = selectors.award_certificate(registration)
        assert certificate is not None and "甲队" in certificate.title and "一等奖" in certificate.title
        award = Achievement.objects.get(person=registration.person, kind=AchievementKind.CONTEST_AWARD)
        assert award.data["team"] == "甲队" and award.data["award"] == "first"
        evaluation = Evaluation.objects.get(person=registration.person)
        assert evaluation.status == EvaluationStatus.PENDING and evaluation.level == "l3"
        assert Promotion.objects.filter(registration=registration).exists()
    for registration in members(published["丙队"]):
        assert selectors.award_certificate(registration) is None
        assert (
            Achievement.objects.get(person=registration.person, kind=AchievementKind.CONTEST_RESULT).data["placement"]
            == 3
        )


def test_team_results_recompute_with_no_difference(published, team_contest) -> None:
    assert actions.recompute_results(team_contest) == []


def test_a_members_appeal_rescores_the_team_and_every_member_follows(published, judges, scheme, team_contest) -> None:
    from talent.models import Achievement, AchievementKind

    appellant, partner = members(published["乙队"])
    appeal = actions.file_appeal(appellant, actor=appellant.person, reason="工艺评判有误")
    marks = list(Mark.objects.filter(team=published["乙队"], item=scheme["judged"]))
    assert set(appeal.contested_marks.filter(item=scheme["judged"])) == set(marks)
    other_team = Mark.objects.filter(team=published["甲队"]).first()
    with pytest.raises(ValidationError, match="所在参赛队"):
        actions.decide_appeal(
            appeal, actor=judges[0], uphold=True, decision="成立", rescores=[(other_team, "0", "越权改分")]
        )
    actions.decide_appeal(
        appeal,
        actor=judges[0],
        uphold=True,
        decision="复核录像，工艺满分",
        rescores=[(mark, "3", "复核录像") for mark in marks],
    )
    # 乙队: 30 + 60 = 90 practical, final 0.3 × 80 + 0.7 × 90 = 87.00 → still second behind 95.65
    for registration in (appellant, partner):
        result = Result.objects.get(registration=registration)
        assert (result.practical, result.final, result.rank) == (Decimal("90.00"), Decimal("87.00"), 2)
    assert actions.recompute_results(team_contest) == []
    assert Achievement.objects.get(person=partner.person, kind=AchievementKind.CONTEST_AWARD).data["final"] == "87.00"


def test_results_page_export_and_api_show_team_names_and_members(published, client, organizer, team_contest) -> None:
    client.force_login(organizer)  # in full for organizers; the public sees masked names without consent
    page = client.get(reverse("competitions:results", args=[team_contest.slug])).content.decode()
    assert "甲队" in page and "甲队队员0" in page and "甲队队员1" in page
    assert page.count("<tr>") == 1 + 3  # header + one line per team
    rows = export_rows("results", organizer, context=team_contest)  # the console's 导出成绩
    assert rows[0][6] == "参赛队"
    assert sum(row[6] == "甲队" for row in rows[1:]) == 2  # one line per member
    api = client.get(f"/api/contests/{team_contest.slug}/results").json()
    assert {(r["team"], r["name"]) for r in api if r["rank"] == 1} == {("甲队", "甲队队员0"), ("甲队", "甲队队员1")}


def test_the_judge_sheet_has_one_row_per_team_by_ticket_numbers(teams, judges, group, client, scheme) -> None:
    client.force_login(judges[1])
    url = reverse("competitions:judge_sheet", args=[group.pk])
    page = client.get(url).content.decode()
    assert "甲队" not in page and "甲队队员0" not in page
    number = members(teams["甲队"])[0].ticket.number
    assert number in page
    team = teams["甲队"]
    response = client.post(url, {f"t-{team.pk}-{scheme['measured'].pk}": "35"})
    assert response.status_code == 302
    assert Mark.objects.get(team=team, judge=judges[1]).value == Decimal("35.00")
