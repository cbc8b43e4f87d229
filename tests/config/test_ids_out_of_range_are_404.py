"""Ids the database cannot hold are "not found", in URLs, forms and ORM lookups (issue #19, item 9)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Region, User
from cms.models import CoursePage
from config.converters import DB_ID_MAX, parse_id

pytestmark = pytest.mark.django_db

HUGE = ["9223372036854775808", "18446744073709551616", "99999999999999999999999"]


@pytest.mark.parametrize("value", HUGE)
def test_a_huge_id_in_a_url_is_a_404(client, learner, value) -> None:
    client.force_login(learner)
    for url in (f"/learn/courses/{value}/", f"/learn/courses/{value}/lessons/{value}/", f"/contests/judge/{value}/"):
        assert client.get(url).status_code == 404, url


def test_ids_reverse_and_resolve_within_the_range() -> None:
    assert reverse("lms:course", args=[DB_ID_MAX]) == f"/learn/courses/{DB_ID_MAX}/"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        (12, 12),
        ("0", None),
        ("-1", None),
        ("1e9", None),
        ("abc", None),
        ("1.5", None),
        ("\x00", None),
        ("", None),
        (None, None),
        (True, None),
        (str(DB_ID_MAX), DB_ID_MAX),
        (str(DB_ID_MAX + 1), None),
    ],
)
def test_parse_id_takes_only_database_ids(raw, expected) -> None:
    assert parse_id(raw) == expected


def test_out_of_range_integers_in_lookups_match_nothing(city) -> None:
    jinan = city("济南")
    huge = 2**64
    assert list(Region.objects.filter(pk__in=[str(huge)])) == []
    assert list(Region.objects.filter(pk__in=[huge, jinan.pk])) == [jinan]
    assert Region.objects.exclude(pk__in=[huge]).count() == Region.objects.count()
    assert not CoursePage.objects.filter(pk=huge).exists()  # the key is a OneToOneField (page_ptr)
    assert not User.objects.filter(region=huge).exists()
    assert not User.objects.filter(region__in=[huge]).exists()
