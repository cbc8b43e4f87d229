"""Talent's panels on the person's home (/me/, accounts.home): a learner's index, ranks and
enterprise invitations; an enterprise admin's demands and their matches; a city or province
admin's KPI against the programme's targets (city-scoped for a city admin) and their queues
(evaluations, the leader shortlist, deletion requests). Reads only; scope from role grants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.home import Panel, register
from accounts.models import Region, User
from talent import kpi, selectors
from talent.models import (
    NOMINATABLE,
    REVIEWABLE,
    Candidate,
    DeletionStatus,
    DemandStatus,
    EvaluationStatus,
    KpiMetric,
    MatchStatus,
    RoundStatus,
)

SHOWN = 4


def index_and_rank(person: User) -> Mapping[str, Any] | None:
    """The person's talent index, level and rank on each board they are on; their open invitations."""
    profile = selectors.profile_of(person)
    invitations = list(selectors.matches_of(person).filter(status=MatchStatus.INVITED)[:SHOWN])
    if profile is None and not invitations:
        return None
    boards = selectors.my_boards(person)[:3] if profile is not None else []
    return {"profile": profile, "boards": boards, "invitations": invitations}


def demands_and_matches(person: User) -> Mapping[str, Any] | None:
    """An enterprise admin's open demands (her organizations', by grant) with invited and
    accepted matches against the headcount."""
    demands = list(
        selectors.demands_visible_to(person)
        .filter(status=DemandStatus.OPEN)
        .annotate(
            invited=Count("matches", filter=Q(matches__status=MatchStatus.INVITED)),
            accepted=Count("matches", filter=Q(matches__status=MatchStatus.ACCEPTED)),
        )
        .order_by("-created_at", "-pk")[: SHOWN + 1]
    )
    if not demands:
        return None
    return {"demands": demands[:SHOWN], "more": len(demands) > SHOWN}


def _this_year() -> int:
    return min(max(timezone.localdate().year, kpi.YEARS[0]), kpi.YEARS[-1])


def _kpi(city: Region | None) -> Mapping[str, Any]:
    year = _this_year()
    board = kpi.build(city, [])
    rows = [board.rows[(year, str(metric))] for metric in KpiMetric]
    return {"year": year, "city": city, "rows": rows, "fit": str(KpiMetric.DEMAND_FIT)}


def city_kpi(person: User) -> Mapping[str, Any] | None:
    """This year's figures against target for the city the person's city-admin grant names."""
    grant = person.role_grants.filter(role=Role.CITY_ADMIN, region__isnull=False).select_related("region").first()
    return _kpi(grant.region) if grant is not None and grant.region is not None else None


def province_kpi(person: User) -> Mapping[str, Any] | None:
    return _kpi(None)


def admin_queues(person: User) -> Mapping[str, Any] | None:
    """Evaluations waiting for a decision, shortlist candidates waiting for this admin, and
    deletion requests, among the people in the admin's scope."""
    evaluations = selectors.evaluations_to_decide(person).filter(status=EvaluationStatus.PENDING).count()
    deletions = selectors.deletions_to_decide(person).filter(status=DeletionStatus.PENDING).count()
    waiting = REVIEWABLE if person.has_role(Role.PROVINCE_ADMIN) else NOMINATABLE
    candidates = Candidate.objects.filter(round__status=RoundStatus.NOMINATING, status__in=waiting)
    if not person.has_role(Role.PROVINCE_ADMIN):
        candidates = candidates.filter(city__in=selectors.admin_cities(person))
    shortlist = candidates.count()
    if not (evaluations or deletions or shortlist):
        return None
    return {"evaluations": evaluations, "shortlist": shortlist, "deletions": deletions}


register(
    Panel(
        key="talent.index",
        role=Role.LEARNER,
        title=_("我的人才指数"),
        template="talent/home/index.html",
        selector=index_and_rank,
        empty=_("还没有人才指数。结业、获奖、工学学时和技能等级认定都会计入指数。"),
        empty_url="talent:formula",
        empty_label=_("了解指数如何计算"),
        order=50,
    )
)
register(
    Panel(
        key="talent.demands",
        role=Role.ENTERPRISE_ADMIN,
        title=_("人才需求与对接"),
        template="talent/home/demands.html",
        selector=demands_and_matches,
        empty=_("还没有招募中的人才需求。发布需求后，平台会推荐匹配的人才。"),
        empty_url="talent:demands",
        empty_label=_("发布需求"),
        order=40,
    )
)
for _role, _selector in ((Role.CITY_ADMIN, city_kpi), (Role.PROVINCE_ADMIN, province_kpi)):
    register(
        Panel(
            key=f"talent.kpi.{_role}",
            role=_role,
            title=_("年度目标完成情况"),
            template="talent/home/kpi.html",
            selector=_selector,
            empty=_("您的授权没有指定城市，请联系省级管理员。"),
            empty_url="talent:dashboard",
            empty_label=_("数据看板"),
            order=10,
        )
    )
    register(
        Panel(
            key=f"talent.queues.{_role}",
            role=_role,
            title=_("待审批事项"),
            template="talent/home/queues.html",
            selector=admin_queues,
            empty=_("没有待处理的等级认定、遴选推荐或删除申请。"),
            empty_url="talent:evaluations",
            empty_label=_("等级认定"),
            order=20,
        )
    )
