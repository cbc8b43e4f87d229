"""Reads for the data exchange: which record types a person may use, in which context, and her
own jobs."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from exchange.models import ExchangeJob
from exchange.registry import RecordType, all_record_types, get_record_type, resolve_context


def record_types_for(user: User) -> list[tuple[RecordType, bool, bool]]:
    """(record type, may import, may export) for every record type the user may use from the
    exchange page; those that only work within a context are reached from its page instead."""
    found = []
    for record_type in all_record_types():
        if record_type.context_required:
            continue
        can_import, can_export = record_type.importable_by(user), record_type.exportable_by(user)
        if can_import or can_export:
            found.append((record_type, can_import, can_export))
    return found


def access_record_type(user: User, key: str, *, importing: bool = False, exporting: bool = False) -> RecordType:
    """The record type if the user may use it in the asked way, else 404 (as for other records)."""
    record_type = get_record_type(key)
    if record_type is None:
        raise Http404
    if importing and not record_type.importable_by(user):
        raise Http404
    if exporting and not record_type.exportable_by(user):
        raise Http404
    if not (importing or exporting) and not (record_type.importable_by(user) or record_type.exportable_by(user)):
        raise Http404
    return record_type


def access_context(user: User, record_type: RecordType, ref: str) -> Any:
    """The context object `ref` names for this record type (None for an empty ref), if the user
    may use it; otherwise 404, as for a record she may not see."""
    try:
        return resolve_context(record_type, user, ref)
    except PermissionDenied:
        raise Http404 from None


def jobs_of(user: User) -> QuerySet[ExchangeJob]:
    return ExchangeJob.objects.filter(owner=user)


def access_job(user: User, job_id: uuid.UUID | str) -> ExchangeJob:
    """A job of this user; anyone else's is 404 (its existence is not revealed)."""
    try:
        return jobs_of(user).get(pk=job_id)
    except (ExchangeJob.DoesNotExist, ValueError):
        raise Http404 from None
