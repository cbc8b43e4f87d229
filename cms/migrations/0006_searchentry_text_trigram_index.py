"""On PostgreSQL, a trigram GIN index on the normalized search text (cms/search.py).

The search filters `text LIKE '%term%'` for every query term; pg_trgm's GIN index answers such
filters for terms of three or more characters (CJK characters count as word characters) instead
of scanning every entry. Shorter terms still scan, as on SQLite, where this migration does
nothing. pg_trgm is a trusted extension: the database owner may create it.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEX = "cms_searchentry_text_trgm"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON cms_searchentry USING gin (text gin_trgm_ops)")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cms", "0005_news_cases_policies_search")]

    operations = [migrations.RunPython(create, drop)]
