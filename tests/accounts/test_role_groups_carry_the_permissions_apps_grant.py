"""Role groups carry accounts' own permissions and those lms grants its roles from its app config."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.choices import Role
from accounts.roles import role_group_name, sync_role_groups

pytestmark = pytest.mark.django_db

LMS_MANAGE = {"lms.grade_answer", "lms.add_question", "lms.change_question", "lms.add_quiz", "lms.change_quiz"}


def permissions_of(role: str) -> set[str]:
    group = Group.objects.get(name=role_group_name(role))
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_each_role_group_holds_exactly_its_permissions() -> None:
    sync_role_groups()
    assert permissions_of(Role.ORGANIZER) == {"wagtailadmin.access_admin", *LMS_MANAGE}
    assert permissions_of(Role.EDITOR) == {"wagtailadmin.access_admin", *LMS_MANAGE}
    assert permissions_of(Role.MENTOR) == {"lms.grade_answer"}
    assert permissions_of(Role.JUDGE) == {"lms.grade_answer"}
    assert permissions_of(Role.LEARNER) == set()
    assert "accounts.view_pii" in permissions_of(Role.PROVINCE_ADMIN)
