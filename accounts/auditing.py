"""The audit record: who did what to which record, when, before and after, and why.

Every action that changes something that matters to a person's record calls `audit` (re-exported
as `accounts.actions.audit`); this module imports only models, so topical action modules use it
without importing the facade.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from accounts.models import AuditEvent, User
from config.statements import Statements

audit_logger = logging.getLogger("shuzhi.audit")


def audit(
    actor: User | None,
    action: str,
    target: Any = None,
    *,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    ip: str | None = None,
    statements: Statements | None = None,
) -> AuditEvent:
    """Write one audit record. `target` is a model instance (or None for events about no record).

    Once the record is committed, one `shuzhi.audit` log line names the action, actor and target
    (docs/operations.md); the before/after values and the reason stay in the database only.
    With `statements` (config.statements) the INSERT is sent with the caller's other writes, one
    round trip fewer; the record is then returned without its key.
    """
    event = _event(actor, action, target, before=before, after=after, reason=reason, ip=ip)
    if statements is None:
        event.save(force_insert=True)
    else:
        statements.insert(event)
    _log_on_commit(event)
    return event


def _event(
    actor: User | None, action: str, target: Any, *, before: Any, after: Any, reason: str, ip: str | None
) -> AuditEvent:
    return AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        before=before,
        after=after,
        reason=reason,
        ip=ip,
    )


def _log_on_commit(event: AuditEvent) -> None:
    action = event.action
    fields = {
        "event": "audit",
        "action": action,
        "actor_id": event.actor_id,
        "target_type": event.target_type,
        "target_id": event.target_id,
    }
    transaction.on_commit(lambda: audit_logger.info("audit %s", action, extra=fields))


def audit_many(action: str, entries: list[tuple[int | None, Any, Any]], *, reason: str = "") -> None:
    """One audit record per (actor id, target, after), written in one INSERT: the same records as
    `audit` called for each, for actions that change many records at once (a sitting of two
    thousand examinees starting or being submitted in the same second)."""
    if not entries:
        return
    events = [
        AuditEvent(
            actor_id=actor_id,
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            after=after,
            reason=reason,
        )
        for actor_id, target, after in entries
    ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    fields = {"event": "audit", "action": action, "count": len(events)}
    transaction.on_commit(lambda: audit_logger.info("audit %s ×%d", action, len(events), extra=fields))
