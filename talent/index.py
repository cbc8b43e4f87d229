"""Derived state from the ledger: profiles, board positions and KPI counts.

`refresh_person` runs from the ledger hook for each change (incremental; board positions move
when the transaction commits); `rebuild` recomputes
everything from the records and reports the differences it found and fixed. Both go through
`formula.compute`, so incremental updates and a full rebuild agree by construction; the tests
check that they do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear

from accounts.models import Region, User
from talent import boards
from talent.formula import compute
from talent.models import Achievement, KpiActual, KpiMetric, TalentProfile

DERIVED_FIELDS = (
    "index",
    "breakdown",
    "city_id",
    "industry",
    "job_group",
    "domain",
    "level",
    "level_rank",
    "categories",
    "province_awards",
    "talent_since",
    "leader_since",
    "designer_since",
    "engineer_since",
)
# KPI metric → the profile field holding when the person first counted for it.
KPI_SINCE = {
    KpiMetric.TALENTS: "talent_since",
    KpiMetric.LEADERS: "leader_since",
    KpiMetric.DESIGNERS: "designer_since",
    KpiMetric.ENGINEERS: "engineer_since",
}


def city_of(region_id: int | None, cache: dict[int, int | None] | None = None) -> int | None:
    """The prefecture-level city id above a region. A rebuild passes a cache for its run; no
    process-wide cache, as region ids change when a database is flushed and re-seeded."""
    if region_id is None:
        return None
    if cache is not None and region_id in cache:
        return cache[region_id]
    region = Region.objects.select_related("parent__parent").filter(pk=region_id).first()
    city = region.city if region is not None else None
    found = city.pk if city is not None else None
    if cache is not None:
        cache[region_id] = found
    return found


def derived_values(
    person: User, achievements: Iterable[Achievement], cities: dict[int, int | None] | None = None
) -> dict[str, Any]:
    result = compute(achievements)
    org = person.organization
    return {
        "index": result.index,
        "breakdown": result.components,
        "city_id": city_of(person.region_id or (org.region_id if org else None), cities),
        "industry": person.industry or (org.industry if org else ""),
        "job_group": person.job_group or "",
        "domain": result.domain,
        "level": result.level,
        "level_rank": result.level_rank,
        "categories": result.categories,
        "province_awards": result.province_awards,
        "talent_since": result.talent_since,
        "leader_since": result.leader_since,
        "designer_since": result.designer_since,
        "engineer_since": result.engineer_since,
    }


def _kpi_keys(profile: TalentProfile | None) -> set[tuple[int, int | None, str]]:
    if profile is None:
        return set()
    keys = set()
    for metric, attr in KPI_SINCE.items():
        when = getattr(profile, attr)
        if when is not None:
            keys.add((when.year, profile.city_id, str(metric)))
    return keys


def _bump(key: tuple[int, int | None, str], delta: int) -> None:
    year, city_id, metric = key
    rows = KpiActual.objects.filter(year=year, city_id=city_id, metric=metric)
    if rows.update(count=F("count") + delta):
        return
    try:
        with transaction.atomic():
            KpiActual.objects.create(year=year, city_id=city_id, metric=metric, count=delta)
    except IntegrityError:  # another transaction created the row first
        rows.update(count=F("count") + delta)


def _positions(profile: TalentProfile | None) -> dict[str, float]:
    if profile is None:
        return {}
    return dict.fromkeys(boards.boards_of(profile), profile.index)


@transaction.atomic
def refresh_person(person_id: int) -> TalentProfile:
    """Recompute one person's profile from their ledger rows; move their KPI counts and board
    positions by the difference. Locks the person's profile row so concurrent changes for the
    same person apply one after the other."""
    person = User.objects.select_related("organization").get(pk=person_id)
    profile = TalentProfile.objects.select_for_update().filter(person_id=person_id).first()
    before = None
    if profile is not None:
        before = TalentProfile(**{f: getattr(profile, f) for f in ("person_id", *DERIVED_FIELDS)})
    values = derived_values(person, Achievement.objects.filter(person_id=person_id))
    if profile is None:
        profile = TalentProfile.objects.create(person_id=person_id, **values)
    else:
        for key, value in values.items():
            setattr(profile, key, value)
        profile.save()
    old_keys, new_keys = _kpi_keys(before), _kpi_keys(profile)
    for kpi_key in old_keys - new_keys:
        _bump(kpi_key, -1)
    for kpi_key in new_keys - old_keys:
        _bump(kpi_key, 1)
    # Boards move only once the change is committed: a rolled-back achievement never reaches
    # Redis. Counts in the Fenwick trees commute, so callbacks of concurrent commits may run in
    # either order; a failure after the commit is logged (robust) and `rebuild_talent` repairs it.
    transaction.on_commit(
        partial(boards.backend().update, person_id, _positions(before), _positions(profile)), robust=True
    )
    return profile


@dataclass
class RebuildReport:
    people: int = 0
    profile_differences: int = 0
    examples: list[str] = field(default_factory=list)
    kpi_differences: int = 0
    boards: dict[str, int] = field(default_factory=dict)


def _by_person(chunk: list[int]) -> Iterator[tuple[int, list[Achievement]]]:
    rows: dict[int, list[Achievement]] = {pid: [] for pid in chunk}
    for row in Achievement.objects.filter(person_id__in=chunk).order_by():
        rows[row.person_id].append(row)
    yield from rows.items()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return round(float(a or 0), 1) == round(float(b or 0), 1)
    return a == b


def rebuild_profiles(report: RebuildReport, chunk_size: int = 2000) -> None:
    person_ids = list(
        User.objects.filter(Q(achievements__isnull=False) | Q(talent_profile__isnull=False))
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    report.people = len(person_ids)
    cities: dict[int, int | None] = {}
    for start in range(0, len(person_ids), chunk_size):
        chunk = person_ids[start : start + chunk_size]
        people = User.objects.select_related("organization").in_bulk(chunk)
        profiles = TalentProfile.objects.in_bulk(chunk, field_name="person_id")
        creates, updates = [], []
        for pid, rows in _by_person(chunk):
            values = derived_values(people[pid], rows, cities)
            profile = profiles.get(pid)
            if profile is None:
                creates.append(TalentProfile(person_id=pid, **values))
                report.profile_differences += 1
                continue
            diffs = [key for key, value in values.items() if not _same(getattr(profile, key), value)]
            if diffs:
                report.profile_differences += 1
                if len(report.examples) < 10:
                    report.examples.append(
                        f"#{pid}: " + ", ".join(f"{k} {getattr(profile, k)!r}→{values[k]!r}" for k in diffs)
                    )
                for key, value in values.items():
                    setattr(profile, key, value)
                updates.append(profile)
        with transaction.atomic():
            TalentProfile.objects.bulk_create(creates, batch_size=1000)
            if updates:
                TalentProfile.objects.bulk_update(updates, DERIVED_FIELDS, batch_size=500)


def kpi_counts_from_profiles() -> dict[tuple[int, int | None, str], int]:
    counts: dict[tuple[int, int | None, str], int] = {}
    for metric, attr in KPI_SINCE.items():
        rows = (
            TalentProfile.objects.filter(**{f"{attr}__isnull": False})
            .annotate(year=ExtractYear(attr))
            .values("year", "city_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            counts[(row["year"], row["city_id"], str(metric))] = row["n"]
    return counts


@transaction.atomic
def rebuild_kpis(report: RebuildReport) -> None:
    wanted = kpi_counts_from_profiles()
    existing = {(r.year, r.city_id, r.metric): r for r in KpiActual.objects.select_for_update()}
    for key, row in existing.items():
        if wanted.get(key, 0) != row.count:
            report.kpi_differences += 1
    report.kpi_differences += len(set(wanted) - set(existing))
    KpiActual.objects.all().delete()
    KpiActual.objects.bulk_create(
        [KpiActual(year=y, city_id=c, metric=m, count=n) for (y, c, m), n in wanted.items() if n]
    )


def rebuild() -> RebuildReport:
    """Recompute profiles, KPI counts and boards from the ledger; report what differed."""
    report = RebuildReport()
    rebuild_profiles(report)
    rebuild_kpis(report)
    report.boards = boards.backend().rebuild()
    return report
