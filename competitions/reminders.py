"""Deadline reminders of competitions (registered with accounts.reminders from CompetitionsConfig.ready()).

Registration closing: a contest's registration closes within the lead time; people whose
registration was returned (and must be corrected and resubmitted) are reminded once.
Appeal window closing: results are published and the appeal window ends within the lead time;
every approved entrant is reminded once.
Reviews pending: a contest's registration closes within the lead time with registrations still
waiting for review; the contest's organizers (its creator while an organizer, its co-organizers)
are reminded once, with the count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import in_language_of
from accounts.reminders import Reminder
from competitions.models import Contest, ContestRules, ContestStatus, Registration, RegistrationStatus
from competitions.selectors.access import can_manage
from competitions.selectors.registration import appeal_deadline


def _at(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def registration_closing(now: dt.datetime, lead: dt.timedelta) -> Iterator[Reminder]:
    contests = Contest.objects.exclude(status=ContestStatus.DRAFT).filter(
        registration_closes__gt=now, registration_closes__lte=now + lead
    )
    for contest in contests:
        assert contest.registration_closes is not None
        returned = Registration.objects.filter(contest=contest, status=RegistrationStatus.RETURNED).select_related(
            "person"
        )
        for registration in returned:
            with in_language_of(registration.person):
                reminder = Reminder(
                    person=registration.person,
                    subject=f"registration:{contest.pk}",
                    deadline=contest.registration_closes,
                    title=_("报名即将截止：%(contest)s") % {"contest": contest.title},
                    body=_("您的报名被退回，请在 %(t)s 前修改并重新提交。") % {"t": _at(contest.registration_closes)},
                    url=reverse("competitions:register", args=[contest.slug]),
                )
            yield reminder


def appeal_window_closing(now: dt.datetime, lead: dt.timedelta) -> Iterator[Reminder]:
    # The window is publication + appeal_hours (≤ 720 h); look back that far for publications.
    published = ContestRules.objects.filter(
        results_published_at__isnull=False, results_published_at__gt=now - dt.timedelta(hours=720)
    ).select_related("contest")
    for rules in published:
        contest = rules.contest
        ends = appeal_deadline(contest)
        if ends is None or not now < ends <= now + lead:
            continue
        entrants = Registration.objects.filter(contest=contest, status=RegistrationStatus.APPROVED).select_related(
            "person"
        )
        for registration in entrants:
            with in_language_of(registration.person):
                reminder = Reminder(
                    person=registration.person,
                    subject=f"appeal:{contest.pk}",
                    deadline=ends,
                    title=_("申诉期即将结束：%(contest)s") % {"contest": contest.title},
                    body=_("成绩已公布；如对成绩有异议，请在 %(t)s 前提出申诉。") % {"t": _at(ends)},
                    url=reverse("competitions:results", args=[contest.slug]),
                )
            yield reminder


def reviews_pending(now: dt.datetime, lead: dt.timedelta) -> Iterator[Reminder]:
    contests = (
        Contest.objects.exclude(status=ContestStatus.DRAFT)
        .filter(registration_closes__gt=now, registration_closes__lte=now + lead)
        .annotate(pending=Count("registrations", filter=Q(registrations__status=RegistrationStatus.PENDING)))
        .filter(pending__gt=0)
        .select_related("created_by")
        .prefetch_related("organizers")
    )
    for contest in contests:
        assert contest.registration_closes is not None
        # Co-organizers manage by membership (read with the contest); the creator while an organizer.
        people = {p.pk: p for p in contest.organizers.all() if p.is_active and p.pk != contest.created_by_id}
        creator = contest.created_by
        if creator is not None and creator.is_active and can_manage(creator, contest):
            people[creator.pk] = creator
        for person in people.values():
            with in_language_of(person):
                reminder = Reminder(
                    person=person,
                    subject=f"reviews:{contest.pk}",
                    deadline=contest.registration_closes,
                    title=_("报名待审核：%(contest)s") % {"contest": contest.title},
                    body=_("还有 %(n)s 份报名待审核，报名将于 %(t)s 截止。")
                    % {"n": contest.pending, "t": _at(contest.registration_closes)},
                    url=reverse("competitions:console", args=[contest.slug]),
                )
            yield reminder
