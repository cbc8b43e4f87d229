"""Upgrades do not stop the platform: a migration never takes a long lock on a big table.

Each migration of our apps is turned into the SQL it runs on PostgreSQL (what `sqlmigrate` prints)
and every statement on a table that grows with the province (people, the ledger, audit, answers,
progress) is checked for the operations that block writes for as long as the table is large:
a non-concurrent index, a column type change (a rewrite), SET NOT NULL and validated constraints
(full scans under an exclusive lock), a column added with a volatile default (a rewrite).
Migrations written before this check are listed in REVIEWED with why each was safe then (the
tables were empty or small when they ran); a new one must use AddIndexConcurrently
(atomic = False), NOT VALID constraints validated in a later migration, nullable columns, etc.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

OUR_APPS = {"accounts", "exchange", "talent", "cms", "lms", "competitions", "live"}

BIG_TABLES = {
    "accounts_user",
    "accounts_auditevent",
    "talent_achievement",
    "lms_enrollment",
    "lms_lessonprogress",
    "lms_attempt",
    "lms_attemptanswer",
    "competitions_registration",
    "competitions_result",
    "live_liveanswer",
}

HAZARDS = [
    (re.compile(r"\bCREATE (?:UNIQUE )?INDEX (?!CONCURRENTLY)", re.I), "creates an index without CONCURRENTLY"),
    (re.compile(r"\bALTER COLUMN \"?\w+\"? TYPE\b", re.I), "changes a column type (rewrites the table)"),
    (re.compile(r"\bSET NOT NULL\b", re.I), "sets NOT NULL (scans the table under an exclusive lock)"),
    (
        re.compile(r"\bADD CONSTRAINT\b(?:(?!NOT VALID).)*\b(?:FOREIGN KEY|CHECK)\b(?:(?!NOT VALID).)*$", re.I | re.S),
        "adds a validated constraint (scans the table under lock)",
    ),
    (
        re.compile(r"\bADD COLUMN\b.*\bDEFAULT\b.*\b(?:now|random|gen_random_uuid|clock_timestamp)\(", re.I),
        "adds a column with a volatile default (rewrites the table)",
    ),
]

# Migrations that ran before this check, with every table they touch empty or small at the time
# (the platform had not opened to a province yet). Never add a migration here to make the test pass.
REVIEWED = {
    # The team foreign key's index on results: a few hundred rows (published contests only) then.
    ("competitions", "0004_team_marks"),
}


def _touches_big_table(statement: str) -> str | None:
    for table in BIG_TABLES:
        if re.search(rf'(?:ON|TABLE)\s+"?{table}"?[\s(]', statement, re.I):
            return table
    return None


def _loader() -> MigrationLoader:
    return MigrationLoader(connection, replace_migrations=False)


def _hazards(loader: MigrationLoader) -> list[str]:
    found = []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app not in OUR_APPS or (app, name) in REVIEWED:
            continue
        statements = loader.collect_sql([(migration, False)])
        # A table created by the same migration is empty while the migration runs.
        created = {name for statement in statements for name in re.findall(r'CREATE TABLE "(\w+)"', statement)}
        for statement in statements:
            table = _touches_big_table(statement)
            if table is None or table in created:
                continue
            for pattern, what in HAZARDS:
                if pattern.search(statement):
                    found.append(f"{app}.{name}: {what} on {table}: {statement.strip()[:160]}")
    return found


def test_no_new_migration_takes_a_long_lock_on_a_big_table() -> None:
    assert _hazards(_loader()) == []


def test_the_check_sees_a_blocking_index() -> None:
    """The check itself: a plain AddIndex on the ledger is reported, the concurrent one is not."""
    from django.contrib.postgres.operations import AddIndexConcurrently
    from django.db import migrations, models

    class Blocking(migrations.Migration):
        dependencies = [("talent", "__latest__")]
        operations = [migrations.AddIndex("achievement", models.Index(fields=["source"], name="ach_source_blocking"))]

    class Concurrent(migrations.Migration):
        atomic = False
        dependencies = [("talent", "__latest__")]
        operations = [AddIndexConcurrently("achievement", models.Index(fields=["source"], name="ach_source_quiet"))]

    loader = _loader()
    latest = max(name for app, name in loader.disk_migrations if app == "talent")
    for label, cls in (("9998_blocking", Blocking), ("9999_concurrent", Concurrent)):
        migration = cls(label, "talent")
        migration.dependencies = [("talent", latest)]
        loader.disk_migrations[("talent", label)] = migration
        loader.graph.add_node(("talent", label), migration)
        loader.graph.add_dependency(migration, ("talent", label), ("talent", latest))
    hazards = _hazards(loader)
    assert any(
        "talent.9998_blocking: creates an index without CONCURRENTLY on talent_achievement" in h for h in hazards
    )
    assert not any("9999_concurrent" in h for h in hazards)
