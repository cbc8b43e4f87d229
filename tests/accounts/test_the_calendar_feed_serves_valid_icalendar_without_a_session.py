"""Issue #15 item 5: the personal iCalendar feed is RFC 5545 that `icalendar` parses, holds one
VEVENT per entry with a stable UID and UTC times, and needs no session: the secret URL is the key."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts import actions
from accounts.calendar import Entry, EntryKind, register, unregister

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_entries():
    """A source giving every person a deadline tomorrow and an exam next week, for the feed."""
    now = timezone.now().replace(microsecond=0)

    def source(person, start, end):
        return [
            Entry(
                "报名截止：测试竞赛", now + dt.timedelta(days=1), None, EntryKind.REGISTRATION, "/contests/t/", "t-reg"
            ),
            Entry(
                "考试：测试考试",
                now + dt.timedelta(days=7),
                now + dt.timedelta(days=7, hours=2),
                EntryKind.EXAM,
                "/learn/quizzes/1/",
                "t-exam",
            ),
            Entry("去年的事", now - dt.timedelta(days=400), None, EntryKind.CONTEST, "/x/", "t-old"),
        ]

    register(source)
    yield now
    unregister(source)


def test_the_feed_parses_and_holds_the_persons_entries(learner, two_entries) -> None:
    now = two_entries
    feed = actions.rotate_calendar_feed(learner)
    response = Client().get(reverse("calendar:feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"t-reg@calendar.shuzhi-talent", "t-exam@calendar.shuzhi-talent"}
    deadline = events["t-reg@calendar.shuzhi-talent"]
    assert str(deadline["SUMMARY"]) == "报名截止：测试竞赛"
    assert deadline.decoded("DTSTART") == now + dt.timedelta(days=1)
    assert deadline.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert "DTEND" not in deadline and "DTSTAMP" in deadline
    assert str(deadline["URL"]) == "http://testserver/contests/t/"
    exam = events["t-exam@calendar.shuzhi-talent"]
    assert exam.decoded("DTEND") - exam.decoded("DTSTART") == dt.timedelta(hours=2)
    # No personal data: the person's name and mobile number are nowhere in the feed.
    body = response.content.decode()
    assert learner.real_name not in body and learner.mobile not in body


def test_the_same_entries_keep_their_uids_from_one_fetch_to_the_next(learner, two_entries) -> None:
    feed = actions.rotate_calendar_feed(learner)
    url = reverse("calendar:feed", args=[feed.token])
    uids = [[str(e["UID"]) for e in Calendar.from_ical(Client().get(url).content).walk("VEVENT")] for _ in range(2)]
    assert uids[0] == uids[1] and len(uids[0]) == 2


def test_the_feed_needs_no_session_and_sets_none(learner, two_entries) -> None:
    feed = actions.rotate_calendar_feed(learner)
    client = Client()
    response = client.get(reverse("calendar:feed", args=[feed.token]))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies and "Set-Cookie" not in str(response.headers.get("Vary", ""))
    assert response["Cache-Control"] == "private, no-store"


def test_an_unknown_or_overlong_token_is_404(client) -> None:
    assert client.get(reverse("calendar:feed", args=["nope"])).status_code == 404
    assert client.get(reverse("calendar:feed", args=["a" * 200])).status_code == 404


def test_a_deactivated_persons_feed_is_404(learner, two_entries) -> None:
    feed = actions.rotate_calendar_feed(learner)
    type(learner).objects.filter(pk=learner.pk).update(is_active=False)
    assert Client().get(reverse("calendar:feed", args=[feed.token])).status_code == 404


def test_feed_fetches_are_limited_per_address(learner, settings) -> None:
    settings.CALENDAR_FEED_LOOKUPS_PER_MINUTE = 3
    feed = actions.rotate_calendar_feed(learner)
    url = reverse("calendar:feed", args=[feed.token])
    client = Client()
    assert [client.get(url, REMOTE_ADDR="10.9.9.9").status_code for _ in range(3)] == [200] * 3
    refused = client.get(url, REMOTE_ADDR="10.9.9.9")
    assert refused.status_code == 429 and "日历订阅请求过于频繁" in refused.content.decode()
    # Guessing tokens spends the same budget.
    assert client.get(reverse("calendar:feed", args=["guess"]), REMOTE_ADDR="10.9.9.9").status_code == 429
    assert client.get(url, REMOTE_ADDR="10.9.9.8").status_code == 200
