"""The achievements ledger: every result that counts for a person is one row, written by the
source app's own action through `record_achievement` (idempotent by source and reference) and
revoked with a reason through `revoke_achievement`; the talent index and the boards follow each
change (talent.index, talent.boards)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.actions import audit
from accounts.models import User
from talent.index import refresh_person
from talent.models import (
    Achievement,
)


def _after_change(achievement: Achievement) -> None:
    """Derived state (talent index, KPI counts, leaderboards) follows every ledger change."""
    refresh_person(achievement.person_id)


@transaction.atomic
def record_achievement(
    *,
    person: User,
    kind: str,
    source: str,
    source_id: str | int,
    title: str,
    occurred_at: dt.datetime | None = None,
    data: dict[str, Any] | None = None,
    actor: User | None = None,
) -> Achievement:
    """Write one result into the ledger; idempotent on (person, kind, source, source_id).

    Recording the same result again updates its title, time and data (and un-revokes it) and
    writes an audit record only when something changed. Call inside the source app's own
    transaction so the result and the ledger row commit together.
    """
    values = {"title": title, "occurred_at": occurred_at or timezone.now(), "data": data or {}}
    key = {"person": person, "kind": kind, "source": source, "source_id": str(source_id)}
    existing = Achievement.objects.select_for_update().filter(**key).first()
    if existing is None:
        try:
            with transaction.atomic():
                achievement = Achievement.objects.create(**key, **values)
        except IntegrityError:
            existing = Achievement.objects.select_for_update().get(**key)
        else:
            audit(
                actor, "achievement.record", achievement, after={"kind": kind, "title": title, "data": values["data"]}
            )
            _after_change(achievement)
            return achievement
    before = {"title": existing.title, "data": existing.data, "revoked": existing.revoked_at is not None}
    changed = existing.title != title or existing.data != values["data"] or existing.revoked_at is not None
    if occurred_at is not None and existing.occurred_at != occurred_at:
        changed = True
    if changed:
        existing.title = title
        existing.data = values["data"]
        if occurred_at is not None:
            existing.occurred_at = occurred_at
        existing.revoked_at = None
        existing.revoked_reason = ""
        existing.save()
        audit(actor, "achievement.update", existing, before=before, after={"title": title, "data": existing.data})
        _after_change(existing)
    return existing


@transaction.atomic
def revoke_achievement(
    *, person: User, kind: str, source: str, source_id: str | int, reason: str, actor: User | None = None
) -> Achievement | None:
    """Mark a result as revoked (a revoked certificate, an overturned result). Keeps the row."""
    achievement = (
        Achievement.objects.select_for_update()
        .filter(person=person, kind=kind, source=source, source_id=str(source_id))
        .first()
    )
    if achievement is None or achievement.revoked_at is not None:
        return achievement
    achievement.revoked_at = timezone.now()
    achievement.revoked_reason = reason
    achievement.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
    audit(actor, "achievement.revoke", achievement, reason=reason)
    _after_change(achievement)
    return achievement
