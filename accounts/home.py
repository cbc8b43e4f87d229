"""The person's home (/me/): "what needs me now", one section per role the person holds.

Accounts owns the page and this registry; it knows no other app. Each app contributes panels in
its own `<app>/home.py`, which calls `register(Panel(...))` at import; `panels()` imports every
installed app's `home` module once (django's `autodiscover_modules`, as the admin does).

A panel is a selector and a template include. The selector takes the signed-in person and
returns the data the include renders, or None when the person has nothing there; the page then
shows the panel's empty text and a link to where to start, never a blank. Selectors only read,
and they scope from the person's role grants (the app's own `*_visible_to` selectors), so a
panel shows what the person's role lets them see and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from accounts import login_throttle, selectors
from accounts.choices import Role
from accounts.models import User

# Sections in this order, one per role the person holds.
ROLE_ORDER: tuple[str, ...] = (
    Role.LEARNER,
    Role.MENTOR,
    Role.ENTERPRISE_ADMIN,
    Role.ORGANIZER,
    Role.JUDGE,
    Role.EDITOR,
    Role.CITY_ADMIN,
    Role.PROVINCE_ADMIN,
)

Selector = Callable[[User], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    """One block of the home page for people holding `role`.

    `selector(person)` returns the context for `template` (rendered with `data` set to it), or
    None for "nothing here"; then `empty` is shown with a link to `empty_url` (a URL name).
    `order` sorts panels within a role's section (lower first)."""

    key: str
    role: str
    title: str | Promise
    template: str
    selector: Selector
    empty: str | Promise
    empty_url: str = ""
    empty_label: str | Promise = ""
    order: int = 100


@dataclass(frozen=True)
class Shown:
    panel: Panel
    data: Mapping[str, Any] | None


@dataclass(frozen=True)
class Section:
    role: str
    label: str
    panels: list[Shown]


PANELS: dict[str, Panel] = {}
_discovered = False


def register(panel: Panel) -> None:
    """Add (or replace, by key) a panel; called at import of an app's `home` module."""
    PANELS[panel.key] = panel


def panels() -> list[Panel]:
    """Every registered panel, after importing each installed app's `home` module once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("home")
        _discovered = True
    return sorted(PANELS.values(), key=lambda p: (p.order, p.key))


def sections(person: User) -> list[Section]:
    """The sections of `person`'s home: for each role they hold (grants, not the superuser
    flag), the panels registered for it with each selector's data."""
    held = person.role_set
    labels = dict(Role.choices)
    found: list[Section] = []
    everything = panels()
    for role in ROLE_ORDER:
        if role not in held:
            continue
        shown = [Shown(p, p.selector(person)) for p in everything if p.role == role]
        if shown:
            found.append(Section(role, str(labels[role]), shown))
    return found


# --- Accounts' own panels ------------------------------------------------------------------------

QUEUE_PREVIEW = 5


def employment_requests_waiting(person: User) -> Mapping[str, Any] | None:
    """Enterprise admin: people asking to join her organizations."""
    queue = selectors.employment_queue(person)
    rows = list(queue[:QUEUE_PREVIEW])
    if not rows:
        return None
    return {"rows": rows, "count": queue.count() if len(rows) == QUEUE_PREVIEW else len(rows)}


def province_queues(person: User) -> Mapping[str, Any] | None:
    """Province admin: identity conflicts to resolve and current login lockouts."""
    conflicts = selectors.identity_conflicts_open().count()
    lockouts = len(login_throttle.current_lockouts())
    if not conflicts and not lockouts:
        return None
    return {"conflicts": conflicts, "lockouts": lockouts}


register(
    Panel(
        key="accounts.employment",
        role=Role.ENTERPRISE_ADMIN,
        title=_("入职申请"),
        template="accounts/home/employment.html",
        selector=employment_requests_waiting,
        empty=_("没有待确认的入职申请。员工注册时选择贵单位，申请会出现在这里。"),
        empty_url="accounts:organizations",
        empty_label=_("查看单位"),
        order=90,
    )
)
register(
    Panel(
        key="accounts.province_queues",
        role=Role.PROVINCE_ADMIN,
        title=_("身份核验与登录锁定"),
        template="accounts/home/province_queues.html",
        selector=province_queues,
        empty=_("没有待核验的身份证号，也没有被锁定的登录。"),
        empty_url="accounts:people",
        empty_label=_("查看人员"),
        order=90,
    )
)
