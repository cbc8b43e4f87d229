"""Changes of state in the CMS: site tree, editorial groups and workflow, publishing."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
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

from accounts.actions import audit
from accounts.models import Region, User
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
            group = groups.get(name) or Group.objects.filter(name=name).first()
            if group is not None:
                group.user_set.add(*User.objects.filter(role_grants__role=role))
    return workflow


def city_group_name(city: Region) -> str:
    return f"城市编辑:{city.code}"


@transaction.atomic
def ensure_city_section(city: Region) -> tuple[Page, Group]:
    """Create (idempotently) the case section of one city and the group that may edit only it.

    Rules: the section is a CaseIndexPage under the main case index (created if missing) with
    slug = the city's division code; the group gets admin access, add/change/lock on that
    section only (publishing still goes through the 内容审核 workflow) and image/document
    upload. Requires `city` to be a city region.
    """
    from cms.models import CaseIndexPage

    if city.kind != "city":
        raise ValueError("只能为地级市创建栏目")
    home = ensure_site()
    ensure_editorial()
    main = CaseIndexPage.objects.child_of(home).order_by("path").first()
    if main is None:
        main = publish(home, CaseIndexPage(title="典型案例", slug="cases"))
    section = CaseIndexPage.objects.child_of(main).filter(slug=city.code).first()
    if section is None:
        section = publish(main, CaseIndexPage(title=f"{city.name}典型案例", slug=city.code))
    group, _created = Group.objects.get_or_create(name=city_group_name(city))
    group.permissions.add(_perm("wagtailadmin", "access_admin"))
    for codename in ("add_page", "change_page", "lock_page", "unlock_page"):
        GroupPagePermission.objects.get_or_create(group=group, page=section, permission=_perm("wagtailcore", codename))
    root_collection = Collection.get_first_root_node()
    for app_label, codename in COLLECTION_PERMISSIONS[EDITORS]:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=_perm(app_label, codename)
        )
    return section, group


@transaction.atomic
def limit_to_city_section(actor: User | None, user: User, city: Region) -> Page:
    """Make `user` an editor of `city`'s case section only: joins the city group and leaves the
    site-wide Editors group. Audited. Returns the section page."""
    section, group = ensure_city_section(city)
    user.groups.add(group)
    user.groups.remove(*Group.objects.filter(name=EDITORS))
    audit(actor, "cms.limit_to_city_section", user, after={"city": city.code, "section": section.pk})
    return section


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
