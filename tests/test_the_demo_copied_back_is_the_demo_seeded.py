"""The browser tests' demo copy (tests/snapshots.py): after a flush, the rows copied back are the
rows seed_demo wrote, table by table, and what triggers keep (SQLite's full-text search index)
is kept once, so the next page indexed does not collide with a copied entry."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from tests import snapshots


def counts() -> dict[str, int]:
    qn = connection.ops.quote_name
    out = {}
    with connection.cursor() as cursor:
        for table in snapshots._tables():
            cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}")
            out[table] = cursor.fetchone()[0]
    return out


@pytest.mark.django_db(transaction=True)
def test_the_demo_copied_back_is_the_demo_seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    from cms.models import CasePage

    monkeypatch.setattr(snapshots, "_snapshots", {})
    snapshots.demo()  # seeded, and copied
    seeded = counts()
    assert seeded["accounts_user"] > 10 and seeded["wagtailcore_page"] > 10

    call_command("flush", interactive=False, verbosity=0)  # what follows every browser test
    snapshots.demo()  # copied back
    assert counts() == seeded
    if connection.vendor == "sqlite":
        for table in snapshots.FILLED_BY_TRIGGERS:
            assert seeded[table] == seeded[table.removesuffix("_fts")]

    # Wagtail's search index goes on from the copy: a new page is indexed (an INSERT, which
    # collided with a doubly copied full-text entry) and found by its title.
    case = CasePage.objects.live().first()
    assert case is not None
    case.copy(update_attrs={"title": "德州新能源装备企业推行数字化巡检", "slug": "dezhou-inspection"})
    assert counts()["wagtailsearch_indexentry"] == seeded["wagtailsearch_indexentry"] + 1
    assert CasePage.objects.search("德州新能源装备企业推行数字化巡检").count() >= 1
