"""Panels that other parts of the platform add to the contest console.

`competitions.live` sits inside this app and may import it, never the reverse, so it registers
its panel (the live rounds) from its `AppConfig.ready`; the console renders every registered
panel with `{% include panel.template with panel=panel.context %}` in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from competitions.models import Contest

ContextFn = Callable[[Contest, User], dict[str, Any]]


@dataclass(frozen=True)
class ConsolePanel:
    name: str
    template: str
    context_fn: ContextFn


@dataclass(frozen=True)
class RenderedPanel:
    name: str
    template: str
    context: dict[str, Any]


# name → panel; filled once per process from AppConfig.ready.
CONSOLE_PANELS: dict[str, ConsolePanel] = {}


def register_console_panel(name: str, template: str, context_fn: ContextFn) -> None:
    """Register (or replace, by name) a console panel: `template` is included with `panel` set
    to `context_fn(contest, viewer)`. The viewer manages the contest (the console checked)."""
    CONSOLE_PANELS[name] = ConsolePanel(name, template, context_fn)


def console_panels(contest: Contest, viewer: User) -> list[RenderedPanel]:
    return [RenderedPanel(p.name, p.template, p.context_fn(contest, viewer)) for p in CONSOLE_PANELS.values()]
