"""The demo data of the browser tests, seeded once per run and copied back for each test.

`seed_demo` builds the demo through the apps' actions (Wagtail pages published one by one, people
registered, contests set up): about six seconds, and every browser test starts from it. The
first test of a run seeds it and takes a copy of every table; each later test, whose database
the previous one's flush emptied, gets the same rows back in one transaction (PostgreSQL: COPY in
binary; SQLite: one INSERT per table), its sequences moved past them, and the leaderboards
rebuilt from them (Redis was cleared with the cache). A test whose database already holds
anything else when it asks for the demo (a fixture made people first) is seeded as before, so
nothing it made is lost.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from accounts.models import User


@dataclass
class Snapshot:
    # Tables holding rows before the seed (content types and permissions, made after each flush).
    before: frozenset[str]
    # table → (columns, rows) on SQLite, or the table's COPY data on PostgreSQL.
    tables: dict[str, Any] = field(default_factory=dict)


_snapshots: dict[str, Snapshot] = {}

# Kept by triggers from another table: on SQLite the full-text index of Wagtail's search entries
# is written by the entry table's INSERT trigger (rowid = the entry's id). Copying it too would
# add every entry twice, the copies under new rowids that later entries then collide with.
FILLED_BY_TRIGGERS = frozenset({"wagtailsearch_indexentry_fts"})


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _filled(tables: list[str]) -> frozenset[str]:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"SELECT '{t}' FROM (SELECT 1 FROM {qn(t)} LIMIT 1) AS x" for t in tables))
        return frozenset(row[0] for row in cursor.fetchall())


def _take(before: frozenset[str]) -> Snapshot:
    qn = connection.ops.quote_name
    snapshot = Snapshot(before)
    tables = _tables()
    with connection.cursor() as cursor:
        for table in _filled(tables) - FILLED_BY_TRIGGERS:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {qn(table)} TO STDOUT (FORMAT BINARY)") as copy:
                    snapshot.tables[table] = b"".join(bytes(chunk) for chunk in copy)
            else:
                cursor.execute(f"SELECT * FROM {qn(table)}")
                columns = [column[0] for column in cursor.description]
                snapshot.tables[table] = (columns, cursor.fetchall())
    return snapshot


def _restore(snapshot: Snapshot) -> None:
    qn = connection.ops.quote_name
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(sql)
        for table, data in snapshot.tables.items():
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {qn(table)} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(data)
            else:
                columns, rows = data
                marks = ", ".join("%s" for _ in columns)
                names = ", ".join(qn(column) for column in columns)
                cursor.executemany(f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})", rows)
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(sql)


def demo() -> None:
    """The database holds the demo data, as `seed_demo` leaves it (see the module's note)."""
    from django.contrib.contenttypes.models import ContentType

    from talent import boards

    snapshot = _snapshots.get(connection.vendor)
    filled = _filled(_tables())
    if snapshot is not None and filled <= snapshot.before:
        _restore(snapshot)
        ContentType.objects.clear_cache()
        boards.backend().rebuild()
        return
    call_command("seed_demo", stdout=io.StringIO())
    if snapshot is None and User._meta.db_table not in filled:
        _snapshots[connection.vendor] = _take(filled)
