"""Role-aware navigation for the site header.

Each entry names a URL and the roles that see it (None: everyone, "auth": any signed-in user).
Every entry must reverse: a misspelt or removed URL name raises NoReverseMatch on the first page
rendered, never a silently missing menu entry (tests/frontend checks every entry).
Role-restricted entries are work tools: when someone has two or more of them they go into one
compact "管理" menu (a <details> dropdown in the header) so the header stays on one row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role

NAV: list[tuple[Any, str, tuple[str, ...] | str | None]] = [
    (_("首页"), "/", None),
    (_("新闻"), "cms:news", None),
    (_("典型案例"), "cms:cases", None),
    (_("课程"), "lms:catalog", None),
    (_("竞赛"), "competitions:list", None),
    (_("现场赛"), "live:index", None),
    (_("人才榜"), "talent:leaderboard", None),
    (_("我的学习"), "lms:dashboard", "auth"),
    (_("人才档案"), "talent:me", "auth"),
    (_("导师工作台"), "lms:mentor", (Role.MENTOR, Role.ENTERPRISE_ADMIN)),
    (_("赛事管理"), "competitions:manage", (Role.ORGANIZER,)),
    (_("测验与课程设置"), "lms:manage", (Role.ORGANIZER,)),
    (_("评分"), "competitions:judge", (Role.JUDGE,)),
    (_("内容管理"), "wagtailadmin_home", (Role.EDITOR, Role.ORGANIZER)),
    (_("人员"), "accounts:people", (Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN, Role.PROVINCE_ADMIN, Role.MENTOR)),
    (_("单位"), "accounts:organizations", (Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN, Role.PROVINCE_ADMIN)),
    (_("入职申请"), "accounts:employment_queue", (Role.ENTERPRISE_ADMIN,)),
    (_("身份核验"), "accounts:identity_queue", (Role.PROVINCE_ADMIN,)),
    (_("企业需求"), "talent:demands", (Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN, Role.PROVINCE_ADMIN)),
    (_("等级认定"), "talent:evaluations", (Role.CITY_ADMIN, Role.PROVINCE_ADMIN)),
    (_("领军人才遴选"), "talent:rounds", (Role.CITY_ADMIN, Role.PROVINCE_ADMIN)),
    (_("数据看板"), "talent:dashboard", (Role.CITY_ADMIN, Role.PROVINCE_ADMIN)),
    (_("数据交换"), "exchange:index", (Role.ENTERPRISE_ADMIN, Role.ORGANIZER, Role.CITY_ADMIN, Role.PROVINCE_ADMIN)),
    (_("登录锁定"), "accounts:lockouts", (Role.PROVINCE_ADMIN,)),
]

# From this many role-restricted entries on, they are grouped into the 管理 menu.
ADMIN_MENU_MIN = 2

# Work entries a person sees without the entry's roles, because a record names them (a contest's
# co-organizer, a judge assigned by invitation). An app registers a function in its
# AppConfig.ready() that returns, for a signed-in person, the URL names of NAV such records open
# (one query for all of them); the roles above still open an entry on their own.
NavGrants = Callable[[Any], set[str]]
NAV_GRANTS: list[NavGrants] = []


def register_nav_grants(grants: NavGrants) -> None:
    """Add a source of per-person work entries (idempotent)."""
    if grants not in NAV_GRANTS:
        NAV_GRANTS.append(grants)


def _granted(person: Any, names: set[str]) -> set[str]:
    """The URL names among `names` (entries the person's roles do not open) a record opens."""
    found: set[str] = set()
    for grants in NAV_GRANTS:
        found |= grants(person) & names
    return found


_resolved: dict[str, str] = {}


def nav_url(name: str) -> str:
    """The path of a navigation entry (a path as given, else the reversed URL name, cached);
    raises NoReverseMatch for a name no URL has."""
    if name.startswith("/"):
        return name
    if name not in _resolved:
        _resolved[name] = reverse(name)
    return _resolved[name]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`nav_items` (everyone's and signed-in entries, plus a lone work entry), `nav_admin` (the
    grouped work entries, empty when not grouped) and `nav_admin_current` (one of them is the
    current page)."""
    user = getattr(request, "user", None)  # absent when a page renders before the auth middleware ran
    person = user if user is not None and user.is_authenticated else None
    items: list[dict[str, Any]] = []
    admin: list[dict[str, Any]] = []
    closed = {
        name
        for _label, name, roles in NAV
        if isinstance(roles, tuple) and not (person is not None and person.has_role(*roles))
    }
    granted = _granted(person, closed) if person is not None and closed and NAV_GRANTS else set()
    for label, name, roles in NAV:
        if roles == "auth" and person is None:
            continue
        if name in closed and name not in granted:
            continue
        url = nav_url(name)
        (admin if isinstance(roles, tuple) else items).append({"label": label, "url": url, "current": False})
    # Mark only the most specific match, so /talent/dashboard/ is not also "人才榜" (/talent/).
    everything = items + admin
    matches = [
        i for i in everything if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    if len(admin) < ADMIN_MENU_MIN:
        return {"nav_items": everything, "nav_admin": [], "nav_admin_current": False}
    return {"nav_items": items, "nav_admin": admin, "nav_admin_current": any(i["current"] for i in admin)}
