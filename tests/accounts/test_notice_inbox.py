"""The inbox: newest first, 20 a page, one's own notices only, mark read one or all; the bell's count."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.actions import notify
from accounts.choices import NoticeKind
from accounts.models import Notice, NoticePreference

pytestmark = pytest.mark.django_db


def _many(person, n: int) -> list[Notice]:
    return [notify(person, NoticeKind.SYSTEM, title=f"第{i}条通知", url=f"/learn/?n={i}") for i in range(n)]


def _bell(html: str) -> str:
    found = re.search(r"data-notice-count[^>]*>([^<]*)<", html)
    assert found, "no bell in the header"
    return found.group(1)


def test_the_inbox_lists_newest_first_twenty_a_page(client, learner) -> None:
    _many(learner, 23)
    client.force_login(learner)
    first = client.get(reverse("accounts:notices")).content.decode()
    assert first.index("第22条通知") < first.index("第3条通知") and "第2条通知" not in first
    second = client.get(reverse("accounts:notices"), {"page": 2}).content.decode()
    assert "第2条通知" in second and "第0条通知" in second and "第22条通知" not in second


def test_nobody_sees_or_marks_another_persons_notices(client, learner, outsider) -> None:
    theirs = notify(outsider, NoticeKind.SYSTEM, title="别人的通知")
    client.force_login(learner)
    assert "别人的通知" not in client.get(reverse("accounts:notices")).content.decode()
    assert client.get(reverse("accounts:notice_open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("accounts:notice_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_notice_marks_it_read_and_goes_where_to_act(client, learner) -> None:
    notice = notify(learner, NoticeKind.TICKET, title="准考证已生成", url="/competitions/sd-2026/ticket/")
    client.force_login(learner)
    response = client.get(reverse("accounts:notice_open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/competitions/sd-2026/ticket/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_one_then_all_read_and_the_bell_counts_down(client, learner) -> None:
    notices = _many(learner, 3)
    client.force_login(learner)
    assert _bell(client.get(reverse("accounts:notices")).content.decode()) == "3"
    response = client.post(reverse("accounts:notice_read", args=[notices[0].pk]), {"page": "1"})
    assert response.status_code == 302 and response["Location"].endswith("?page=1")
    assert _bell(client.get(reverse("accounts:notices")).content.decode()) == "2"
    client.post(reverse("accounts:notices_read_all"))
    assert not Notice.objects.filter(person=learner, read_at__isnull=True).exists()
    html = client.get(reverse("accounts:notices")).content.decode()
    assert re.search(r"data-notice-count[^>]*hidden", html)


def test_the_bell_is_on_every_page_for_signed_in_people_only(client, learner) -> None:
    _many(learner, 2)
    assert "data-notice-bell" not in client.get("/accounts/login/").content.decode()
    client.force_login(learner)
    assert _bell(client.get(reverse("lms:catalog")).content.decode()) == "2"


def test_the_preferences_form_stores_email_and_sms_per_kind(client, learner) -> None:
    client.force_login(learner)
    page = client.get(reverse("accounts:notice_preferences")).content.decode()
    assert 'name="email_ticket"' in page and "checked" in page
    data = {f"email_{kind}": "on" for kind in NoticeKind.values if kind != NoticeKind.DEADLINE}
    data["sms_ticket"] = "on"
    response = client.post(reverse("accounts:notice_preferences"), data)
    assert response.status_code == 302
    ticket = NoticePreference.objects.get(person=learner, kind=NoticeKind.TICKET)
    deadline = NoticePreference.objects.get(person=learner, kind=NoticeKind.DEADLINE)
    assert (ticket.email, ticket.sms) == (True, True) and (deadline.email, deadline.sms) == (False, False)


def test_the_inbox_needs_a_login(client) -> None:
    response = client.get(reverse("accounts:notices"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
