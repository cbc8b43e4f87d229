"""Several ORM writes sent to the database in one round trip.

A live round's host command changes a few rows and writes an audit record, and every phone in
the hall waits for its commit before it is sent the question. `Statements` collects the SQL
Django itself compiles for such writes (what `QuerySet.update` and an INSERT through the ORM
would send, values prepared by the fields) and sends it at once: on PostgreSQL as one
multi-statement query (Django's PostgreSQL cursor binds values on the client, so several
statements travel in one message and run in order in the open transaction), elsewhere one
statement after another. Nothing is read back: for writes whose row counts and new keys the
caller does not need (rows it holds locked, records nobody refers to).
"""

from __future__ import annotations

from typing import Any

from django.db import connections, models
from django.db.models import Q
from django.db.models.sql import InsertQuery, UpdateQuery


class Statements:
    def __init__(self, using: str = "default") -> None:
        self.using = using
        self._statements: list[tuple[str, tuple[Any, ...]]] = []

    def update(self, model: type[models.Model], pk: Any, **values: Any) -> Statements:
        """`model.objects.filter(pk=pk).update(**values)`, its row count not read."""
        query = UpdateQuery(model)
        query.add_update_values(values)
        query.add_q(Q(pk=pk))
        sql, params = query.get_compiler(self.using).as_sql()
        self._statements.append((sql, tuple(params)))
        return self

    def insert(self, obj: models.Model) -> Statements:
        """`obj.save()` of a new row, its primary key not read back."""
        opts = obj._meta
        fields = [f for f in opts.concrete_fields if not (f.primary_key and obj.pk is None) and not f.generated]
        query = InsertQuery(type(obj))
        query.insert_values(fields, [obj])
        for sql, params in query.get_compiler(self.using).as_sql():
            self._statements.append((sql, tuple(params)))
        return self

    def execute(self) -> None:
        connection = connections[self.using]
        statements, self._statements = self._statements, []
        together = connection.vendor == "postgresql" and not connection.settings_dict["OPTIONS"].get(
            "server_side_binding"
        )
        with connection.cursor() as cursor:
            if together and len(statements) > 1:
                cursor.execute(
                    ";\n".join(sql for sql, _ in statements), [p for _, params in statements for p in params]
                )
                return
            for sql, params in statements:
                cursor.execute(sql, params)
