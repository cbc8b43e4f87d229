"""Reads for public pages and lists: contests, published results, the provincial board,
clarifications and appeals, and how people appear on public lists (consent and masking)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse

from accounts.models import User
from competitions.models import (
    Appeal,
    Clarification,
    Contest,
    ContestStatus,
    EventGroup,
    Registration,
    Result,
    Team,
)
from competitions.selectors.access import can_manage, is_contest_judge, rules_for
from talent.models import TalentProfile

PUBLIC_STATUSES = (ContestStatus.OPEN, ContestStatus.RUNNING, ContestStatus.FINISHED, ContestStatus.PUBLISHED)


def public_contests() -> QuerySet[Contest]:
    return (
        Contest.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("organizing_body", "region")
        .annotate(groups=Count("event_groups", distinct=True))
        .order_by("-registration_opens", "-id")
    )


def results_by_group(contest: Contest) -> list[tuple[EventGroup, list[Result]]]:
    """Published results per event group, in rank order (empty before publication)."""
    if rules_for(contest).results_published_at is None:
        return []
    grouped: dict[int, list[Result]] = defaultdict(list)
    rows = Result.objects.filter(registration__contest=contest).select_related(
        "registration__person__organization", "registration__ticket", "event_group", "team"
    )
    # Absent contestants (缺考, no rank) come last, on every database.
    for row in rows.order_by("event_group_id", "absent", F("rank").asc(nulls_last=True), "team_id", "id"):
        grouped[row.event_group_id].append(row)
    return [(group, grouped[group.pk]) for group in contest.event_groups.order_by("id") if grouped[group.pk]]


# --- public lists and consent ----------------------------------------------------------------
#
# Public pages and payloads (results, the provincial board, the results API, the live boards)
# show a person's full name and employer only if they agreed to appear on public lists (talent's
# leaderboard consent, `TalentProfile.public_consent`, off until given). Everyone else is listed,
# ranked and counted, masked (王*明) and without employer. The contest's organizers and judges
# see everyone in full; a signed-in person sees their own name.


def mask_name(name: str) -> str:
    """王*明: first and last character kept for three or more; 王* for two; * for one."""
    name = (name or "").strip()
    if len(name) >= 3:
        return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"
    if len(name) == 2:
        return f"{name[0]}*"
    return "*"


def consenting(person_ids: Iterable[int]) -> set[int]:
    """Of these people, those who agreed to appear on public lists (one query)."""
    ids = {pid for pid in person_ids if pid is not None}
    if not ids:
        return set()
    return set(TalentProfile.objects.filter(person_id__in=ids, public_consent=True).values_list("person_id", flat=True))


def sees_full_names(user: User | None, contest: Contest) -> bool:
    """The contest's organizers (and province admins) and its judges see every name in full."""
    if user is None or not user.is_authenticated:
        return False
    return can_manage(user, contest) or is_contest_judge(user, contest)


@dataclass
class PublicPerson:
    """A person as a public list shows them: full, or masked without employer."""

    name: str
    organization: str
    masked: bool


def public_people(people: Iterable[User], *, full: bool = False, viewer: User | None = None) -> list[PublicPerson]:
    """`people` as a public list may show them (see above); `full` for organizers and judges."""
    people = list(people)
    shown = {p.pk for p in people} if full else consenting(p.pk for p in people)
    if viewer is not None and viewer.is_authenticated:
        shown.add(viewer.pk)
    out = []
    for person in people:
        if person.pk in shown:
            org = person.organization.name if person.organization is not None else ""
            out.append(PublicPerson(person.real_name, org, masked=False))
        else:
            out.append(PublicPerson(mask_name(person.real_name), "", masked=True))
    return out


@dataclass
class ResultEntry:
    """One line of a results table: a contestant, or a team with its members (team contests)."""

    rank: int | None
    final: Any
    theory: Any
    practical: Any
    award: str
    award_display: str
    team: Team | None
    people: list[User] = field(default_factory=list)
    shown: list[PublicPerson] = field(default_factory=list)
    absent: bool = False

    @property
    def organizations(self) -> str:
        """Employers of the members shown in full (masked members show none)."""
        names = []
        for person in self.shown:
            if person.organization and person.organization not in names:
                names.append(person.organization)
        return "、".join(names)


def _entries(rows: list[Result]) -> list[ResultEntry]:
    """Results of one event group as table lines: a team's member rows (same scores, rank and
    award) become one line listing the members; `shown` is left empty."""
    entries: list[ResultEntry] = []
    by_team: dict[int, ResultEntry] = {}
    for row in rows:
        entry = by_team.get(row.team_id) if row.team_id else None
        if entry is None:
            entry = ResultEntry(
                row.rank,
                row.final,
                row.theory,
                row.practical,
                row.award,
                row.get_award_display(),
                row.team,
                absent=row.absent,
            )
            entries.append(entry)
            if row.team_id:
                by_team[row.team_id] = entry
        entry.people.append(row.registration.person)
    return entries


def result_tables(
    contest: Contest, viewer: User | AnonymousUser | None = None
) -> list[tuple[EventGroup, list[ResultEntry]]]:
    """The published results page: per event group, its table lines (a team is one line with
    its members), names as a public list shows them to `viewer` — full for the contest's
    organizers and judges. Who sees full names and who consented is read once for the whole
    contest, not per group. Empty before publication."""
    tables = [(group, _entries(rows)) for group, rows in results_by_group(contest)]
    if not tables:
        return []
    user = viewer if isinstance(viewer, User) else None
    people = [p for _group, entries in tables for e in entries for p in e.people]
    shown = iter(public_people(people, full=sees_full_names(user, contest), viewer=user))
    for _group, entries in tables:
        for e in entries:
            e.shown = [next(shown) for _p in e.people]
    return tables


def provincial_board(group_name: str, viewer: User | None = None) -> list[Result]:
    """Results of the same event group across published city (and province) contests, merged by
    final score with the published tie-break (practical, then theory). Each row carries `shown`,
    its person as a public list shows them to `viewer` (a public page: no one sees everyone)."""
    rows = (
        Result.objects.filter(
            event_group__name=group_name,
            registration__contest__status=ContestStatus.PUBLISHED,
            registration__contest__level__in=("city", "province"),
            absent=False,
        )
        .select_related("registration__person__organization", "registration__contest__region", "event_group", "team")
        .order_by("-final", "-practical", "-theory", "id")
    )
    found = list(rows[:200])
    for row, shown in zip(found, public_people([r.registration.person for r in found], viewer=viewer), strict=True):
        row.shown = shown  # type: ignore[attr-defined]
    return found


def board_groups() -> list[str]:
    return sorted(
        set(
            EventGroup.objects.filter(contest__status=ContestStatus.PUBLISHED, results__isnull=False).values_list(
                "name", flat=True
            )
        )
    )


def clarifications_for(contest: Contest, user: User | AnonymousUser) -> QuerySet[Clarification]:
    """The clarifications `user` may read: all for the contest's organizers and judges, her own
    and the answered public ones for a contestant, the answered public ones for a visitor."""
    qs = Clarification.objects.filter(contest=contest).select_related("asked_by")
    if not user.is_authenticated:
        return qs.filter(to_all=True).exclude(answer="")
    if can_manage(user, contest) or is_contest_judge(user, contest):
        return qs
    return qs.filter(Q(asked_by=user) | (Q(to_all=True) & ~Q(answer="")))


def appeals_for(contest: Contest) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(registration__contest=contest)
        .select_related("registration__person", "registration__event_group", "decided_by")
        .prefetch_related("rescores__mark__item")
    )


def contest_cards(contests: list[Contest] | QuerySet[Contest]) -> list[dict[str, Any]]:
    return [
        {
            "title": contest.title,
            "url": reverse("competitions:detail", args=[contest.slug]),
            "starts_at": contest.theory_at or contest.practical_at or contest.registration_opens,
            "status": contest.get_status_display(),
        }
        for contest in contests
    ]


def upcoming_contests(limit: int = 6) -> list[dict[str, Any]]:
    """Contests open for registration or running, soonest first, for the CMS home page."""
    qs = Contest.objects.filter(status__in=(ContestStatus.OPEN, ContestStatus.RUNNING)).order_by(
        "theory_at", "registration_closes", "id"
    )
    return contest_cards(qs[:limit])


def learner_contests(user: User) -> list[dict[str, Any]]:
    """Cards for the LMS dashboard: the person's registrations (status = registration status),
    then contests open for registration that the person has not entered."""
    if not user.is_authenticated:
        return []
    cards = []
    regs = Registration.objects.filter(person=user).select_related("contest", "event_group").order_by("-id")[:10]
    for registration in regs:
        contest = registration.contest
        cards.append(
            {
                "title": f"{contest.title} · {registration.event_group.name}",
                "url": reverse("competitions:detail", args=[contest.slug]),
                "starts_at": contest.theory_at or contest.practical_at,
                "status": registration.get_status_display(),
            }
        )
    entered = Registration.objects.filter(person=user).values_list("contest_id", flat=True)
    open_now = (
        Contest.objects.filter(status=ContestStatus.OPEN).exclude(pk__in=entered).order_by("registration_closes", "id")
    )
    cards.extend(contest_cards(open_now[:5]))
    return cards
