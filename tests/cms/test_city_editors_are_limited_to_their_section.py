from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from wagtail.models import Page

from accounts.models import AuditEvent, Region, User
from cms.actions import ensure_city_section, limit_to_city_section, publish
from cms.models import CasePage

pytestmark = pytest.mark.django_db


def test_a_city_editor_may_add_cases_only_in_their_city_section(
    editorial: None, sections: dict[str, Page], organizer: User, province_admin: User, city: Callable[[str], Region]
) -> None:
    assert sections["news"].permissions_for_user(organizer).can_add_subpage()  # site-wide before
    section = limit_to_city_section(province_admin, organizer, city("淄博"))
    organizer = User.objects.get(pk=organizer.pk)  # Wagtail caches permissions per user object
    assert section.get_parent().pk == sections["cases"].pk
    assert section.permissions_for_user(organizer).can_add_subpage()
    assert not section.permissions_for_user(organizer).can_publish_subpage()
    assert not sections["cases"].permissions_for_user(organizer).can_add_subpage()
    assert not sections["news"].permissions_for_user(organizer).can_add_subpage()
    assert AuditEvent.objects.filter(action="cms.limit_to_city_section").exists()
    again, _group = ensure_city_section(city("淄博"))
    assert again.pk == section.pk


def test_the_main_index_lists_cases_of_city_sections(
    client: Client, sections: dict[str, Page], city: Callable[[str], Region]
) -> None:
    section, _group = ensure_city_section(city("淄博"))
    publish(section, CasePage(title="淄博分栏目案例", enterprise_name="某化工", city=city("淄博"),
                              industry="chemical", summary="摘要", challenge="<p>问题</p>"))  # fmt: skip
    assert "淄博分栏目案例" in client.get(sections["cases"].url + "?city=370300").content.decode()


def test_sections_only_for_cities(db: None, city: Callable[[str], Region]) -> None:
    province = Region.objects.get(kind="province")
    with pytest.raises(ValueError):
        ensure_city_section(province)
