"""Issue #15 item 5: the month page takes ?month=YYYY-MM through a form; a bad or far month is a
400 with the reason, never a 500; prev/next stop at the ends of the range; today is marked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in(learner) -> Client:
    client = Client()
    client.force_login(learner)
    return client


def test_the_page_needs_a_sign_in(client) -> None:
    response = client.get(reverse("calendar:month"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_this_month_is_shown_with_today_marked(client_in) -> None:
    today = timezone.localdate()
    response = client_in.get(reverse("calendar:month"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{today.year}年{today.month}月" in page
    assert 'aria-current="date"' in page and "今天" in page
    assert "回到本月" not in page


@pytest.mark.parametrize(
    "value",
    ["2026-13", "2026-00", "1999-12", "2101-01", "abcd-ef", "2026-1", "99999999-01", "2026-12-01", "２０２６-１２"],
)
def test_a_bad_month_is_a_400_with_the_reason(client_in, value) -> None:
    response = client_in.get(reverse("calendar:month"), {"month": value})
    assert response.status_code == 400
    assert "月份" in response.content.decode() or "日历" in response.content.decode()


def test_previous_and_next_months_link_each_other_and_stop_at_the_ends(client_in) -> None:
    page = client_in.get(reverse("calendar:month"), {"month": "2027-01"}).content.decode()
    assert "2027年1月" in page and "?month=2026-12" in page and "?month=2027-02" in page and "回到本月" in page
    first = client_in.get(reverse("calendar:month"), {"month": "2000-01"}).content.decode()
    assert 'rel="prev"' not in first and "?month=2000-02" in first
    last = client_in.get(reverse("calendar:month"), {"month": "2100-12"}).content.decode()
    assert 'rel="next"' not in last and "?month=2100-11" in last


def test_the_home_links_to_the_calendar_and_the_header_to_the_home_when_signed_in(client_in, client) -> None:
    assert 'href="/calendar/"' in client_in.get("/me/").content.decode()
    assert 'class="nav-user" href="/me/"' in client_in.get("/learn/").content.decode()
    assert 'href="/me/"' not in client.get("/learn/").content.decode()


def test_in_english_the_page_names_months_days_and_controls_in_english(client_in) -> None:
    # The middleware leaves English active in this thread after the request; give it back.
    with translation.override("zh-hans"):
        response = client_in.get(reverse("calendar:month"), {"month": "2027-01"}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "My calendar" in page and "January 2027" in page and "Previous month" in page and ">Mon<" in page
    assert "上个月" not in page and "星期" not in page
