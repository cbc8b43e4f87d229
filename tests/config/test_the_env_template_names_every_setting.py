"""deploy/shuzhi.env.example lists every environment variable the settings read."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


# Development and tests only (the embedded SQLite database, the test run's fast hasher), and the
# units' own variable.
NOT_FOR_PRODUCTION = {"SQLITE_NAME", "TEST_DB_SUFFIX", "TEST_FAST_PASSWORD_HASHER"}
FOR_THE_UNITS = {"SHUZHI_DAPHNE_PORTS"}


def _read_by_settings() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r"env_\w+\(\s*\"([A-Z][A-Z0-9_]*)\"", source))


def _in_template() -> set[str]:
    template = (ROOT / "deploy" / "shuzhi.env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", template, flags=re.MULTILINE))


def test_every_variable_the_settings_read_is_in_the_template() -> None:
    names = _read_by_settings()
    assert len(names) > 20
    assert names - NOT_FOR_PRODUCTION - _in_template() == set()


def test_the_template_names_nothing_the_settings_ignore() -> None:
    assert _in_template() - FOR_THE_UNITS - _read_by_settings() == set()
