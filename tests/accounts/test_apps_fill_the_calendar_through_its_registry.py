"""Issue #15 item 5: accounts' calendar knows no app to its right; lms and competitions register
their sources from their own `calendar` modules, which `discover` imports."""

from __future__ import annotations

import ast
from pathlib import Path

from accounts import calendar

ROOT = Path(__file__).resolve().parents[2]


def test_discovery_registers_the_lms_and_competitions_sources() -> None:
    calendar.discover()
    from competitions.calendar import contest_entries
    from lms.calendar import quiz_windows

    assert quiz_windows in calendar._sources and contest_entries in calendar._sources


def test_the_calendar_registry_imports_no_app_to_its_right() -> None:
    for name in ("calendar.py", "calendar_views.py", "calendar_urls.py"):
        tree = ast.parse((ROOT / "accounts" / name).read_text())
        modules = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        right = {m for m in modules if m.split(".")[0] in {"exchange", "talent", "cms", "lms", "competitions"}}
        assert right == set(), f"accounts/{name} imports {right}"


def test_a_source_registered_twice_counts_once() -> None:
    def source(person, start, end):
        return []

    calendar.register(source)
    calendar.register(source)
    try:
        assert calendar._sources.count(source) == 1
    finally:
        calendar.unregister(source)
