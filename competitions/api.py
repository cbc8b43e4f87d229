"""JSON API for contests (mounted at /api/contests/): public contest list and published results."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from competitions import selectors

router = Router(tags=["contests"])


class ContestOut(Schema):
    slug: str
    title: str
    level: str
    status: str
    registration_closes: datetime | None
    theory_at: datetime | None
    practical_at: datetime | None


class ResultOut(Schema):
    event_group: str
    rank: int
    team: str
    name: str
    organization: str
    theory: str
    practical: str
    final: str
    award: str


@router.get("/", response=list[ContestOut], summary="Contests open, running or finished")
def contests(request: HttpRequest) -> list[ContestOut]:
    return [
        ContestOut(
            slug=c.slug,
            title=c.title,
            level=c.level,
            status=c.status,
            registration_closes=c.registration_closes,
            theory_at=c.theory_at,
            practical_at=c.practical_at,
        )
        for c in selectors.public_contests()[:100]
    ]


@router.get("/{slug}/results", response=list[ResultOut], summary="Published results, per event group in rank order")
def results(request: HttpRequest, slug: str) -> list[ResultOut]:
    contest = selectors.access_public_contest(slug, request.user)
    return [
        ResultOut(
            event_group=group.name,
            rank=r.rank,
            team=r.team.name if r.team_id else "",
            name=r.registration.person.real_name,
            organization=r.registration.person.organization.name if r.registration.person.organization_id else "",
            theory=str(r.theory),
            practical=str(r.practical),
            final=str(r.final),
            award=r.award,
        )
        for group, rows in selectors.results_by_group(contest)
        for r in rows
    ]
