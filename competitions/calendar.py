"""What a person's calendar shows from contests (accounts/calendar.py discovers this module).

For the contests the person entered (a pending or approved registration): the theory exam and
the practical assessment times, the registration deadline, and once results are published the
publication and the end of the appeal window (approved contestants only: they are the ones who
may appeal). For the contests open for registration that the person has not entered and whose
eligibility rules admit them: the registration deadline. Only contests the public may see
(no drafts). Three to six queries, whatever the number of contests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.calendar import Entry, EntryKind, in_window, register
from accounts.models import User
from competitions.models import Contest, ContestStatus, Registration, RegistrationStatus
from competitions.selectors.public import PUBLIC_STATUSES
from competitions.selectors.registration import ACTIVE_STATUSES, appeal_deadline, eligible_among

# The longest appeal window a contest can set (ContestRules.appeal_hours is a small integer):
# results published this long before a window may still have their appeal deadline in it.
LONGEST_APPEAL = dt.timedelta(hours=32767)


def _window(field: str, start: dt.datetime, end: dt.datetime) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _registration_closes(contest: Contest, closes: dt.datetime) -> Entry:
    return Entry(
        title=_("报名截止：%(c)s") % {"c": contest.title},
        starts=closes,
        ends=None,
        kind=EntryKind.REGISTRATION,
        url=reverse("competitions:detail", args=[contest.slug]),
        uid=f"contest-{contest.pk}-registration-closes",
    )


def _entered(registration: Registration, start: dt.datetime, end: dt.datetime) -> Iterable[Entry]:
    contest = registration.contest
    page = reverse("competitions:detail", args=[contest.slug])
    where = f"{contest.title} · {registration.event_group.name}"
    if in_window(contest.theory_at, start, end):
        yield Entry(
            title=_("理论考试：%(c)s") % {"c": where},
            starts=contest.theory_at,
            ends=None,
            kind=EntryKind.CONTEST,
            url=page,
            uid=f"contest-{contest.pk}-theory",
        )
    if in_window(contest.practical_at, start, end):
        yield Entry(
            title=_("实操考核：%(c)s") % {"c": where},
            starts=contest.practical_at,
            ends=None,
            kind=EntryKind.CONTEST,
            url=page,
            uid=f"contest-{contest.pk}-practical",
        )
    if contest.status == ContestStatus.OPEN and in_window(contest.registration_closes, start, end):
        yield _registration_closes(contest, contest.registration_closes)
    if registration.status != RegistrationStatus.APPROVED:
        return
    published = contest.lifecycle.results_published_at
    if in_window(published, start, end):
        yield Entry(
            title=_("成绩公布：%(c)s") % {"c": contest.title},
            starts=published,
            ends=None,
            kind=EntryKind.CONTEST,
            url=reverse("competitions:results", args=[contest.slug]),
            uid=f"contest-{contest.pk}-results",
        )
    deadline = appeal_deadline(contest)
    if in_window(deadline, start, end):
        yield Entry(
            title=_("申诉截止：%(c)s") % {"c": contest.title},
            starts=deadline,
            ends=None,
            kind=EntryKind.APPEAL,
            url=page,
            uid=f"contest-{contest.pk}-appeal-closes",
        )


@register
def contest_entries(person: User, start: dt.datetime, end: dt.datetime) -> list[Entry]:
    """The person's contest dates and the registration deadlines of contests they may enter."""
    if not person.is_authenticated:
        return []
    entries: list[Entry] = []
    in_range = (
        _window("contest__theory_at", start, end)
        | _window("contest__practical_at", start, end)
        | _window("contest__registration_closes", start, end)
        | Q(
            contest__lifecycle__results_published_at__gte=start - LONGEST_APPEAL,
            contest__lifecycle__results_published_at__lt=end,
        )
    )
    registrations = (
        Registration.objects.filter(person=person, status__in=ACTIVE_STATUSES, contest__status__in=PUBLIC_STATUSES)
        .filter(in_range)
        .select_related("contest", "contest__lifecycle", "event_group")
        .order_by("contest_id")
    )
    entered: set[int] = set()
    for registration in registrations:
        entered.add(registration.contest_id)
        entries.extend(_entered(registration, start, end))
    active = Registration.objects.filter(person=person, status__in=ACTIVE_STATUSES).values("contest_id")
    open_now = (
        Contest.objects.filter(status=ContestStatus.OPEN)
        .filter(_window("registration_closes", start, end))
        .exclude(pk__in=active)
        .select_related("lifecycle")
        .prefetch_related("lifecycle__eligible_cities")
        .order_by("registration_closes", "id")
    )
    for contest in eligible_among(person, open_now):
        if contest.registration_closes is not None:
            entries.append(_registration_closes(contest, contest.registration_closes))
    return entries
