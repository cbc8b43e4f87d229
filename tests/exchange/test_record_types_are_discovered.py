"""Each app registers its record types in one file, `<app>/exchange.py`, found at start-up the way
Django admin finds `admin.py`: an app without one is fine, a broken one is not skipped."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured

from exchange import registry
from exchange.registry import Column, RecordType


@pytest.fixture
def plugin_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str | None], None]]:
    """Makes a throw-away app package (with the given `exchange.py` text, or none) the only
    installed app the discovery sees."""
    made: list[str] = []

    def make(exchange_source: str | None) -> None:
        name = f"plugin_app_{len(made)}"
        package = tmp_path / name
        package.mkdir()
        (package / "__init__.py").write_text("")
        if exchange_source is not None:
            (package / "exchange.py").write_text(exchange_source)
        made.append(name)
        config = AppConfig(name, importlib.import_module(name))
        monkeypatch.setattr(apps, "get_app_configs", lambda: [config])

    monkeypatch.syspath_prepend(str(tmp_path))
    yield make
    registry.unregister("test-discovered")
    for name in made:
        sys.modules.pop(f"{name}.exchange", None)
        sys.modules.pop(name, None)


def test_every_apps_record_types_are_registered_in_app_order() -> None:
    keys = [r.key for r in registry.all_record_types()]

    assert keys[:2] == ["people", "organizations"]  # accounts comes first in INSTALLED_APPS
    assert {
        "achievements",
        "shortlist",
        "kpi_report",
        "questions",
        "cohort_progress",
        "certificates",
        "results",
    } <= set(keys)
    assert keys.index("achievements") < keys.index("questions") < keys.index("registrations")


def test_an_apps_exchange_module_registers_its_record_types(plugin_app) -> None:
    plugin_app(
        "from exchange.registry import Column, RecordType, register\n"
        'register(RecordType(key="test-discovered", label="发现", columns=(Column("a", "甲"),), natural_key=("a",)))\n'
    )

    registry.discover()

    assert registry.get_record_type("test-discovered") is not None


def test_an_app_without_an_exchange_module_is_skipped(plugin_app) -> None:
    plugin_app(None)
    before = registry.all_record_types()

    registry.discover()

    assert registry.all_record_types() == before


def test_a_broken_exchange_module_is_not_silently_ignored(plugin_app) -> None:
    plugin_app("from lms.models import NoSuchModel\n")

    with pytest.raises(ImportError, match="NoSuchModel"):
        registry.discover()


def test_two_record_types_with_one_key_are_a_configuration_error() -> None:
    clash = RecordType(key="people", label="人员", columns=(Column("a", "甲"),), natural_key=("a",))

    with pytest.raises(ImproperlyConfigured):
        registry.register(clash)

    assert registry.get_record_type("people") is not clash
