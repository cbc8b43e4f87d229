"""Changes of state in the CMS: site tree, editorial groups and workflow, publishing."""

from __future__ import annotations

from typing import NamedTuple

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.actions import audit, grant_role
from accounts.choices import RegionKind, Role
from accounts.models import Region, RoleGrant, User
from accounts.roles import ROLE_WAGTAIL_GROUPS
from cms import search
from cms.models import HomePage

EDITORS = "Editors"
MODERATORS = "Moderators"
WORKFLOW_NAME = "内容审核"
TASK_NAME = "审核员审批"

# Editors draft and submit; only moderators (reviewers) publish. Neither bypasses the workflow.
PAGE_PERMISSIONS: dict[str, list[str]] = {
    EDITORS: ["add_page", "change_page", "lock_page", "unlock_page"],
    MODERATORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
COLLECTION_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    EDITORS: [
        ("wagtailimages", "add_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "choose_document"),
    ],
    MODERATORS: [
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
    ],
}


def ensure_site() -> HomePage:
    """Make sure the page tree has a root, our home page and a default site. Idempotent.

    A migration creates these on a fresh install; this restores them after a database flush
    (transactional tests) and is what `seed_demo` relies on.
    """
    home = HomePage.objects.first()
    if home is None:
        locale, _created = Locale.objects.get_or_create(language_code="zh-hans")
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
        home = root.add_child(
            instance=HomePage(
                title="数智英才",
                slug="home",
                locale=locale,
                hero_title="数智英才",
                hero_text="面向中小制造企业的数字技能人才培育平台：在线学习、工学一体、以赛促学、以赛代评。",
            )
        )
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="数智英才")
    return home


def _perm(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def ensure_editorial() -> Workflow:
    """Create the editorial groups, their page/collection permissions and the review workflow.

    Idempotent; `seed_demo` calls it and tests call it after a database flush. Rules: members
    of "Editors" (role editor/organizer) may create and edit pages under the home page and
    submit them; the "内容审核" workflow on the home page needs one approval by a member of
    "Moderators" (role province_admin) before a page goes live.
    """
    home = ensure_site()
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    admin_access = _perm("wagtailadmin", "access_admin")
    groups: dict[str, Group] = {}
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(admin_access)
        groups[name] = group
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(group=group, page=home, permission=_perm("wagtailcore", codename))
        for app_label, codename in COLLECTION_PERMISSIONS[name]:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=_perm(app_label, codename)
            )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(groups[MODERATORS])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    # People granted a role before these groups existed (e.g. seeded right after a flush)
    # join the Wagtail groups their role lists.
    for role, names in ROLE_WAGTAIL_GROUPS.items():
        for name in names:
            role_group = groups.get(name) or Group.objects.filter(name=name).first()
            if role_group is not None:
                people = User.objects.filter(role_grants__role=role)
                if name == EDITORS:  # people limited to a city stay in their city group only
                    limited = RoleGrant.objects.filter(role__in=EDITORIAL_ROLES, region__isnull=False)
                    people = people.exclude(pk__in=limited.values("user"))
                role_group.user_set.add(*people)
    return workflow


CITY_GROUP_PREFIX = "城市编辑:"
# Roles whose people edit content; a grant of one of them scoped to a region (RoleGrant.region)
# limits the person to that city's sections.
EDITORIAL_ROLES: tuple[str, ...] = (Role.EDITOR, Role.ORGANIZER)
CITY_SECTION_PERMISSIONS = ["add_page", "change_page", "lock_page", "unlock_page"]


def city_group_name(city: Region) -> str:
    return f"{CITY_GROUP_PREFIX}{city.code}"


class CitySections(NamedTuple):
    news: Page
    cases: Page
    group: Group


def _main_index(home: HomePage, model: type[Page], title: str, slug: str) -> Page:
    main = model.objects.child_of(home).order_by("path").first()
    return main if main is not None else publish(home, model(title=title, slug=slug))


def _city_section(main: Page, model: type[Page], title: str, city: Region) -> Page:
    section = model.objects.child_of(main).filter(slug=city.code).first()
    return section if section is not None else publish(main, model(title=title, slug=city.code))


@transaction.atomic
def ensure_city_sections(city: Region) -> CitySections:
    """Create (idempotently) one city's news and case sections and the group that may edit only them.

    Rules: each section is an index page of its type directly under the main index (created if
    missing) with slug = the city's division code, so its URL is e.g. /news/370300/; the
    main indexes list every page below them, so public lists and filters are unchanged. The
    group `城市编辑:<code>` gets admin access, add/change/lock on the two sections only
    (publishing still goes through the 内容审核 workflow) and image/document upload. Policies
    stay province-wide (issued by provincial departments; see docs/cms.md). ValueError unless
    `city` is a city region.
    """
    from cms.models import CaseIndexPage, NewsIndexPage

    if city.kind != RegionKind.CITY:
        raise ValueError("只能为地级市创建栏目")
    home = ensure_site()
    ensure_editorial()
    news = _city_section(_main_index(home, NewsIndexPage, "新闻动态", "news"), NewsIndexPage, f"{city.name}新闻", city)
    cases = _city_section(
        _main_index(home, CaseIndexPage, "典型案例", "cases"), CaseIndexPage, f"{city.name}典型案例", city
    )
    group, _created = Group.objects.get_or_create(name=city_group_name(city))
    group.permissions.add(_perm("wagtailadmin", "access_admin"))
    for section in (news, cases):
        for codename in CITY_SECTION_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group, page=section, permission=_perm("wagtailcore", codename)
            )
    root_collection = Collection.get_first_root_node()
    for app_label, codename in COLLECTION_PERMISSIONS[EDITORS]:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=_perm(app_label, codename)
        )
    return CitySections(news, cases, group)


def editorial_cities(user: User) -> list[Region]:
    """The cities `user`'s editorial grants (editor/organizer) are scoped to; empty = province-wide."""
    grants = RoleGrant.objects.filter(user=user, role__in=EDITORIAL_ROLES, region__isnull=False)
    cities = {
        grant.region.city for grant in grants.select_related("region__parent__parent") if grant.region is not None
    }
    return sorted((city for city in cities if city is not None), key=lambda city: city.code)


def sync_editorial_groups(user: User, *, may_add: bool = True) -> list[Region]:
    """Put `user` in the Wagtail groups their editorial grants call for; returns their cities.

    Rules: a person whose editor/organizer grant is scoped to a region is in the group of that
    region's city (its sections created if missing) and not in the site-wide Editors group; a
    person with unscoped editorial grants is in Editors and in no city group; a person with no
    editorial grant leaves the city groups (Editors membership is then the role's business).
    Called by the signal receivers when grants or Editors memberships change; `may_add=False`
    (while a grant is being deleted, possibly with its user) only removes memberships.
    """
    cities = editorial_cities(user)
    wanted = [ensure_city_sections(city).group for city in cities] if may_add else []
    stale = user.groups.filter(name__startswith=CITY_GROUP_PREFIX).exclude(pk__in=[g.pk for g in wanted])
    if stale_ids := list(stale.values_list("pk", flat=True)):
        user.groups.remove(*stale_ids)
    editors = Group.objects.filter(name=EDITORS).first()
    if cities:
        user.groups.add(*wanted)
        if editors is not None:
            user.groups.remove(editors)
    elif may_add and editors is not None and RoleGrant.objects.filter(user=user, role__in=EDITORIAL_ROLES).exists():
        user.groups.add(editors)
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(attr, None)
    return cities


@transaction.atomic
def set_city_limit(actor: User, user: User, city: Region | None, *, reason: str = "") -> CitySections | None:
    """Limit an editor/organizer to one city's news and case sections (`city=None` lifts the limit).

    Rules: only a province admin or a superuser may (PermissionDenied); `city` must be a city
    region and `user` must hold the editor or organizer role (ValidationError, Chinese message).
    The limit is stored as the region of the person's editorial role grants, re-granted through
    `accounts.actions.grant_role` (which audits each grant), so a later grant or a rebuild of the
    groups keeps it; the group memberships follow (`sync_editorial_groups`). Pages the person
    wrote stay where they are. Audited as `cms.city_limit` with before/after cities.
    """
    if not actor.has_role(Role.PROVINCE_ADMIN):
        raise PermissionDenied(_("只有省级管理员可以限定编辑的城市栏目。"))
    if city is not None and city.kind != RegionKind.CITY:
        raise ValidationError(_("只能限定到地级市，请选择一个地级市（或选择“全省不限”）。"))
    grants = list(RoleGrant.objects.select_for_update().filter(user=user, role__in=EDITORIAL_ROLES).order_by("role"))
    if not grants:
        raise ValidationError(
            _("%(name)s 不是编辑或组织者，不能限定城市栏目。") % {"name": user.real_name or user.mobile}
        )
    before = [c.code for c in editorial_cities(user)]
    for grant in grants:
        grant_role(actor, user, grant.role, region=city, organization=grant.organization, reason=reason)
    sync_editorial_groups(user)
    sections = ensure_city_sections(city) if city is not None else None
    audit(actor, "cms.city_limit", user, before={"cities": before}, after={"cities": [city.code] if city else []},
          reason=reason)  # fmt: skip
    return sections


def publish(parent: Page, page: Page, *, user: User | None = None) -> Page:
    """Add `page` under `parent` and publish it directly (seed and imports, not editors).

    Rules: `parent` must allow the page type (Wagtail's `can_create_at`), otherwise
    ValueError. Publishing updates the search index and invalidates the page cache through
    the `page_published` signal.
    """
    if not page.can_create_at(parent):
        raise ValueError(f"{type(page).__name__} cannot be created under {type(parent.specific).__name__}")
    parent.add_child(instance=page)
    page.save_revision(user=user).publish(user=user)
    page.refresh_from_db()
    return page


def rebuild_search_index() -> int:
    """Re-index every live page (after an import or a flush); returns the entry count."""
    return search.rebuild()
