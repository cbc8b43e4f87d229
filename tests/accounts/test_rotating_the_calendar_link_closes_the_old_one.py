"""Issue #15 item 5: the person rotates their feed URL from the calendar page ("重新生成链接");
the old URL is 404 at once, the new one works, and the change is audited without the token."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, CalendarFeed

pytestmark = pytest.mark.django_db


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_page_offers_a_link_once_asked_and_a_new_one_on_rotation(learner) -> None:
    client = signed_in(learner)
    page = client.get(reverse("calendar:month")).content.decode()
    assert "生成订阅链接" in page and ".ics" not in page

    client.post(reverse("calendar:rotate"))
    old = CalendarFeed.objects.get(person=learner).token
    page = client.get(reverse("calendar:month")).content.decode()
    assert (
        f"/calendar/feed/{old}.ics" in page
        and "重新生成链接" in page
        and f"webcal://testserver/calendar/feed/{old}.ics" in page
    )
    assert Client().get(reverse("calendar:feed", args=[old])).status_code == 200

    response = client.post(reverse("calendar:rotate"), follow=True)
    assert "旧链接已失效" in response.content.decode()
    new = CalendarFeed.objects.get(person=learner).token
    assert new != old
    assert Client().get(reverse("calendar:feed", args=[old])).status_code == 404
    assert Client().get(reverse("calendar:feed", args=[new])).status_code == 200
    events = AuditEvent.objects.filter(actor=learner, action__startswith="calendar.feed.")
    assert [e.action for e in events.order_by("id")] == ["calendar.feed.create", "calendar.feed.rotate"]
    assert all(old not in str(e.after) and new not in str(e.after) for e in events)


def test_rotation_is_a_post_by_the_person_themselves(client, learner) -> None:
    assert client.post(reverse("calendar:rotate")).status_code == 302  # to the login page
    assert not CalendarFeed.objects.exists()
    assert signed_in(learner).get(reverse("calendar:rotate")).status_code == 405


def test_one_persons_link_shows_only_their_own_calendar(learner, outsider) -> None:
    signed_in(learner).post(reverse("calendar:rotate"))
    signed_in(outsider).post(reverse("calendar:rotate"))
    tokens = set(CalendarFeed.objects.values_list("token", flat=True))
    assert len(tokens) == 2
    page = signed_in(outsider).get(reverse("calendar:month")).content.decode()
    assert CalendarFeed.objects.get(person=learner).token not in page
