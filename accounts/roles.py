"""What each role may do in Django's permission system.

A role grant puts the person into one group per role (named after the role) that carries the
permissions below, plus any Wagtail groups listed. Groups are (re)built after every migrate, so
a fresh install has them. Accounts names only its own permissions (and Wagtail's, which it
builds on); an app to the right gives a role its own permissions with `grant_permissions` from
its `AppConfig.ready`, before any group is built.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission

from accounts.choices import Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.LEARNER: [],
    Role.MENTOR: [],
    Role.ENTERPRISE_ADMIN: [],
    Role.ORGANIZER: ["wagtailadmin.access_admin"],
    Role.JUDGE: [],
    Role.EDITOR: ["wagtailadmin.access_admin"],
    Role.CITY_ADMIN: [],
    Role.PROVINCE_ADMIN: [
        "wagtailadmin.access_admin",
        "accounts.view_pii",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
    ],
}

# Wagtail's own groups (page permissions live there) that a role also joins.
ROLE_WAGTAIL_GROUPS: dict[str, list[str]] = {
    Role.EDITOR: ["Editors"],
    Role.ORGANIZER: ["Editors"],
    Role.PROVINCE_ADMIN: ["Moderators"],
}


def grant_permissions(role: str, permissions: Iterable[str]) -> None:
    """Give `role` these permissions ("app_label.codename") too; idempotent. Called by the app
    that owns the permissions, from its AppConfig.ready."""
    held = ROLE_PERMISSIONS[role]
    for perm in permissions:
        if perm not in held:
            held.append(perm)


def role_group_name(role: str) -> str:
    return f"role:{role}"


def sync_role_groups() -> None:
    """Create the per-role groups and give them exactly their permissions. Idempotent."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role_group_name(role))
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)


def groups_for_role(role: str) -> list[Group]:
    names = [role_group_name(role), *ROLE_WAGTAIL_GROUPS.get(role, [])]
    if not Group.objects.filter(name=role_group_name(role)).exists():
        sync_role_groups()  # after a database flush in tests, or before the first migrate finished
    return list(Group.objects.filter(name__in=names))
