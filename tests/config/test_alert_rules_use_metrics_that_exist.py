"""deploy/alerts.yml: well-formed rules over metrics the application really exports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from config.metrics import registry

pytestmark = pytest.mark.django_db

ALERTS = Path(settings.BASE_DIR) / "deploy" / "alerts.yml"


def _rules() -> list[dict]:
    document = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    return [rule for group in document["groups"] for rule in group["rules"]]


SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def _exported() -> set[str]:
    """Every series name /metrics can carry (a labelled counter has no sample before its first use)."""
    names = set()
    for metric in registry.collect():
        names.update(metric.name + suffix for suffix in SUFFIXES.get(metric.type, ("",)))
        names.update(sample.name for sample in metric.samples)
    return names


def test_every_rule_has_a_severity_and_words_for_the_operator() -> None:
    rules = _rules()
    assert len(rules) >= 10
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names))
    for rule in rules:
        assert rule["labels"]["severity"] in {"page", "ticket"}, rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], rule["alert"]


def test_every_metric_an_alert_reads_is_exported() -> None:
    exported = _exported()
    for rule in _rules():
        for name in re.findall(r"\b((?:shuzhi|process)_[a-z_]+)\b", rule["expr"]):
            assert name in exported, f"{rule['alert']} reads {name}, which /metrics does not export"
