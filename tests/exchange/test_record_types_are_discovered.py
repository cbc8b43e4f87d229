"""An app registers a record type with one file, `<app>/exchange.py`, defining `record_types()`."""

from __future__ import annotations

import sys
import types

import pytest

from accounts.exchange import registry
from accounts.exchange.registry import Column, RecordType


def test_an_apps_exchange_module_is_discovered(monkeypatch) -> None:
    module = types.ModuleType("talent.exchange")
    module.record_types = lambda: [
        RecordType(key="test-discovered", label="发现", columns=(Column("a", "甲"),), natural_key=("a",))
    ]
    monkeypatch.setitem(sys.modules, "talent.exchange", module)
    monkeypatch.setattr(registry, "_discovered", False)
    monkeypatch.setattr(registry, "_registry", {})

    keys = [r.key for r in registry.all_record_types()]

    assert keys[:2] == ["people", "organizations"]
    assert "test-discovered" in keys


def test_a_broken_exchange_module_is_not_silently_ignored(monkeypatch) -> None:
    module = types.ModuleType("lms.exchange")

    def broken():
        raise ImportError("lms.models has no Question")

    module.record_types = broken
    monkeypatch.setitem(sys.modules, "lms.exchange", module)
    monkeypatch.setattr(registry, "_discovered", False)
    monkeypatch.setattr(registry, "_registry", {})

    with pytest.raises(ImportError):
        registry.all_record_types()
