from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page

from accounts.actions import grant_role, revoke_role
from accounts.choices import Role
from accounts.models import Region, User
from cms.actions import ensure_editorial

pytestmark = pytest.mark.django_db


def city_groups(user: User) -> list[str]:
    return list(user.groups.filter(name__startswith="城市编辑").values_list("name", flat=True))


def test_an_editor_role_granted_for_a_city_is_limited_to_its_sections(
    editorial: None,
    sections: dict[str, Page],
    make_person: Callable[..., User],
    province_admin: User,
    city: Callable[[str], Region],
) -> None:
    person = make_person(Role.LEARNER)
    grant_role(province_admin, person, Role.EDITOR, region=city("威海"))
    person = User.objects.get(pk=person.pk)
    assert city_groups(person) == ["城市编辑:371000"]
    assert not person.groups.filter(name="Editors").exists()
    assert not sections["news"].permissions_for_user(person).can_add_subpage()
    section = Page.objects.child_of(sections["news"]).get(slug="371000")  # the instance's numchild is stale
    assert section.permissions_for_user(person).can_add_subpage()

    revoke_role(province_admin, person, Role.EDITOR)
    person = User.objects.get(pk=person.pk)
    assert city_groups(person) == [] and not person.groups.filter(name="Editors").exists()
    assert not section.permissions_for_user(person).can_add_subpage()


def test_an_unscoped_grant_keeps_the_site_wide_editors_group(
    editorial: None, editor: User, organizer: User, city: Callable[[str], Region]
) -> None:
    for person in (editor, organizer):
        assert person.groups.filter(name="Editors").exists() and city_groups(person) == []


def test_rebuilding_the_editorial_groups_keeps_limited_people_in_their_city(
    editorial: None, sections: dict[str, Page], organizer: User, province_admin: User, city: Callable[[str], Region]
) -> None:
    grant_role(province_admin, organizer, Role.ORGANIZER, region=city("淄博"))
    Group.objects.get(name="Editors").user_set.add(organizer)  # e.g. by hand in the admin
    ensure_editorial()
    organizer = User.objects.get(pk=organizer.pk)
    assert city_groups(organizer) == ["城市编辑:370300"]
    assert not organizer.groups.filter(name="Editors").exists()


def test_deleting_a_limited_person_deletes_cleanly(
    editorial: None, sections: dict[str, Page], organizer: User, province_admin: User, city: Callable[[str], Region]
) -> None:
    grant_role(province_admin, organizer, Role.ORGANIZER, region=city("淄博"))
    organizer.delete()
    assert not Group.objects.get(name="城市编辑:370300").user_set.exists()
