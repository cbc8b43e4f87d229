"""JSON API for contests (mounted at /api/contests/): public contest list and published results."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from accounts.http import user_or_none
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
    rank: int | None
    absent: bool
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


@router.get(
    "/{slug}/results",
    response=list[ResultOut],
    summary="Published results, per event group in rank order (names masked without public-list consent)",
)
def results(request: HttpRequest, slug: str) -> list[ResultOut]:
    viewer = user_or_none(request)
    contest = selectors.access_public_contest(slug, viewer)
    grouped = [(group, r) for group, rows in selectors.results_by_group(contest) for r in rows]
    # People who did not agree to appear on public lists are masked, without employer, except
    # for the contest's organizers and judges (selectors.public_people).
    shown = selectors.public_people(
        [r.registration.person for _g, r in grouped],
        full=selectors.sees_full_names(viewer, contest),
        viewer=viewer,
    )
    return [
        ResultOut(
            event_group=group.name,
            rank=r.rank,
            absent=r.absent,
            team=r.team.name if r.team is not None else "",
            name=person.name,
            organization=person.organization,
            theory=str(r.theory),
            practical=str(r.practical),
            final=str(r.final),
            award=r.award,
        )
        for (group, r), person in zip(grouped, shown, strict=True)
    ]
