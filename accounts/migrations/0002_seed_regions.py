from __future__ import annotations

from django.db import migrations

from accounts.choices import SHANDONG_CITIES


def seed_regions(apps, schema_editor):  # type: ignore[no-untyped-def]
    Region = apps.get_model("accounts", "Region")
    province, _ = Region.objects.get_or_create(
        code="370000", defaults={"name": "山东省", "name_en": "Shandong", "kind": "province"}
    )
    for code, name, name_en in SHANDONG_CITIES:
        Region.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": "city", "parent": province}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(seed_regions, migrations.RunPython.noop)]
