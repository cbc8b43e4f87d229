"""Dependencies point one way: accounts ← exchange ← talent ← cms ← lms ← competitions.

An app imports only from apps to its left (ARCHITECTURE.md, "Apps and where things live"); an app on
the right tells one on the left what happened by calling its actions, and a left app reaches a
right one only through a registry it owns. Two kinds of module are plugins of a left app and may
import it: `<app>/exchange.py` (record types for `exchange`) and `<app>/admin.py` (the exchange's
admin screens). `competitions.live` sits inside competitions and may import it, not the reverse.
Nothing probes another app through importlib.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ORDER = ["accounts", "exchange", "talent", "cms", "lms", "competitions"]
PLUGINS = {"exchange.py": {"exchange"}, "admin.py": {"exchange"}}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _sources(app: str) -> list[Path]:
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


def test_no_app_imports_an_app_to_its_right() -> None:
    wrong = []
    for position, app in enumerate(ORDER):
        right = set(ORDER[position + 1 :])
        for path in _sources(app):
            allowed = PLUGINS.get(path.name, set()) if path.parent == ROOT / app else set()
            for module in _imports(path):
                top = module.split(".")[0]
                if top in right and top not in allowed:
                    wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []


def test_competitions_does_not_import_its_live_part() -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _sources("competitions")
        if "live" not in path.relative_to(ROOT / "competitions").parts
        for module in _imports(path)
        if module.startswith("competitions.live")
    ]
    assert wrong == []


def test_no_app_reaches_another_through_importlib() -> None:
    wrong = [str(path.relative_to(ROOT)) for app in ORDER for path in _sources(app) if "importlib" in _imports(path)]
    assert wrong == []
