"""Every contest has its rules row: reading the rules no longer creates one, so contests made
before `create_contest` created it get theirs here, with the defaults."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def create_missing_rules(apps: Any, schema_editor: Any) -> None:
    Contest = apps.get_model("competitions", "Contest")
    ContestRules = apps.get_model("competitions", "ContestRules")
    missing = Contest.objects.filter(lifecycle__isnull=True).values_list("pk", flat=True)
    ContestRules.objects.bulk_create([ContestRules(contest_id=pk) for pk in missing])


class Migration(migrations.Migration):
    dependencies = [("competitions", "0007_practical_absence")]

    operations = [migrations.RunPython(create_missing_rules, migrations.RunPython.noop)]
