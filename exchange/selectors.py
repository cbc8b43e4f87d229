"""Reads for the data exchange: which record types a person may use, and her own jobs."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from exchange.models import ExchangeJob
from exchange.registry import RecordType, all_record_types, get_record_type


def record_types_for(user: User) -> list[tuple[RecordType, bool, bool]]:
    """(record type, may import, may export) for every record type the user may use at all."""
    found = []
    for record_type in all_record_types():
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


def jobs_of(user: User) -> QuerySet[ExchangeJob]:
    return ExchangeJob.objects.filter(owner=user)


def access_job(user: User, job_id: uuid.UUID | str) -> ExchangeJob:
    """A job of this user; anyone else's is 404 (its existence is not revealed)."""
    try:
        return jobs_of(user).get(pk=job_id)
    except (ExchangeJob.DoesNotExist, ValueError):
        raise Http404 from None
