"""Generate realistic talent profiles in bulk, for demos and the leaderboard benchmark.

People, their ledger rows and their profiles are written with bulk inserts; profiles are
computed with the same `formula.compute` the ledger hook uses, then the KPI counts and the
boards are rebuilt once at the end (`talent.index`).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.choices import Industry, JobGroup, SkillDomain
from accounts.models import Region, User
from talent import boards
from talent.formula import compute
from talent.index import RebuildReport, rebuild_kpis
from talent.models import Achievement, AchievementKind, SkillLevel, TalentCategory, TalentProfile

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍建国志强海波晓燕立新小明建华文博子涵宇轩欣怡浩然"
SEED_PREFIX = "170"
LEVEL_WEIGHTS = [
    (None, 40),
    ("apprentice", 6),
    ("l5", 18),
    ("l4", 16),
    ("l3", 12),
    ("l2", 5),
    ("l1", 2),
    ("special", 0.6),
    ("chief", 0.2),
]
CONTEST_LEVELS = [("enterprise", 50), ("city", 30), ("province", 15), ("national", 5)]
AWARDS = [("first", 10), ("second", 20), ("third", 30), ("excellence", 40)]
LEVEL_TITLES = {code: str(label) for code, label in SkillLevel.choices}


T = TypeVar("T")


def _pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


@dataclass(slots=True)
class Row:
    """A ledger row before insertion; `formula.compute` reads the same attributes."""

    person_id: int
    kind: str
    source_id: str
    title: str
    occurred_at: dt.datetime
    data: dict
    revoked_at: None = None


def _generate(rng: random.Random, pid: int, begin: dt.datetime, span: float, domains: list[str]) -> list[Row]:
    mine: list[Row] = []
    domain = rng.choice(domains)

    def add(kind: str, title: str, data: dict, n: int) -> None:
        when = begin + dt.timedelta(seconds=rng.random() * span)
        mine.append(Row(pid, kind, f"{kind}-{n}", title, when, data))

    for k in range(rng.choice((0, 0, 1, 1, 2, 3))):
        add(AchievementKind.CERTIFICATE, "数字技能证书", {"domain": domain}, k)
    for k in range(rng.randint(0, 5)):
        add(AchievementKind.COURSE_COMPLETION, "课程结业", {"domain": domain}, k)
    if rng.random() < 0.4:
        add(AchievementKind.WORKSTUDY_HOURS, "工学一体学时", {"hours": rng.randint(4, 400)}, 0)
    level = _pick(rng, LEVEL_WEIGHTS)
    if level:
        add(AchievementKind.SKILL_LEVEL, LEVEL_TITLES[level], {"level": level, "domain": domain}, 0)
    if rng.random() < 0.12:
        for k in range(rng.choice((1, 1, 1, 2, 3))):
            data = {"contest_level": _pick(rng, CONTEST_LEVELS), "award": _pick(rng, AWARDS), "domain": domain}
            add(AchievementKind.CONTEST_AWARD, "技能大赛获奖", data, k)
    roll = rng.random()
    if roll < 0.0015:
        add(AchievementKind.TALENT_CATEGORY, "领军人才", {"category": TalentCategory.LEADER}, 0)
    elif roll < 0.0025:
        add(AchievementKind.TALENT_CATEGORY, "方案设计师", {"category": TalentCategory.SOLUTION_DESIGNER}, 0)
    elif roll < 0.004:
        add(AchievementKind.TALENT_CATEGORY, "工程师", {"category": TalentCategory.ENGINEER_MIDDLE}, 0)
    return mine


def _insert_people(people: list[User]) -> None:
    if connection.vendor == "postgresql":
        _copy_people(people)
        return
    User.objects.bulk_create(people, batch_size=2000)
    if people[0].pk is None:  # backends without RETURNING ids
        ids = dict(User.objects.filter(mobile__in=[p.mobile for p in people]).values_list("mobile", "pk"))
        for person in people:
            person.pk = ids[person.mobile]


def _copy_people(people: list[User]) -> None:
    """COPY with ids drawn from the table's own sequence (INSERT … RETURNING was the slowest step)."""
    table = User._meta.db_table
    fields = User._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(people)]
        )
        for person, (pk,) in zip(people, cursor.fetchall(), strict=True):
            person.pk = pk
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for person in people:
                copy.write_row([f.get_db_prep_save(getattr(person, f.attname), connection) for f in fields])


def _insert_rows(rows: list[Row], profiles: list[TalentProfile], now: dt.datetime) -> None:
    """COPY on PostgreSQL (several times faster than INSERT for millions of rows), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        Achievement.objects.bulk_create(
            [
                Achievement(
                    person_id=r.person_id,
                    kind=r.kind,
                    source="seed.talent",
                    source_id=r.source_id,
                    title=r.title,
                    occurred_at=r.occurred_at,
                    data=r.data,
                )
                for r in rows
            ],
            batch_size=5000,
        )
        TalentProfile.objects.bulk_create(profiles, batch_size=5000)
        return
    columns = "person_id, kind, source, source_id, title, occurred_at, data, revoked_reason, recorded_at, updated_at"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {Achievement._meta.db_table} ({columns}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(
                    (
                        r.person_id,
                        r.kind,
                        "seed.talent",
                        r.source_id,
                        r.title,
                        r.occurred_at,
                        json.dumps(r.data),
                        "",
                        now,
                        now,
                    )
                )
        fields = [f for f in TalentProfile._meta.concrete_fields if not f.primary_key]
        names = ", ".join(f.column for f in fields)
        with raw.copy(f"COPY {TalentProfile._meta.db_table} ({names}) FROM STDIN") as copy:
            for profile in profiles:
                profile.updated_at = now
                values = []
                for f in fields:
                    value = getattr(profile, f.attname)
                    values.append(json.dumps(value) if isinstance(value, dict | list) else value)
                copy.write_row(values)


def seed_people(n: int, *, seed: int = 2026, batch: int = 5000, progress: Callable[[int], None] | None = None) -> int:
    """Insert n generated people with achievements and profiles; returns how many were added."""
    rng = random.Random(seed + User.objects.filter(mobile__startswith=SEED_PREFIX).count())
    cities = list(Region.objects.filter(kind="city").order_by("code").values_list("pk", flat=True))
    start = User.objects.filter(mobile__startswith=SEED_PREFIX).count()
    password = make_password(None)
    now = timezone.now()
    begin = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    span = max((now - begin).total_seconds(), 86400)
    industries = [v for v in Industry.values if v not in ("education", "public")]
    domains = list(SkillDomain.values)
    jobs = list(JobGroup.values)
    added = 0
    while added < n:
        size = min(batch, n - added)
        people = []
        for i in range(size):
            seq = start + added + i
            people.append(
                User(
                    mobile=f"{SEED_PREFIX}{seq:08d}",
                    real_name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                    password=password,
                    region_id=rng.choice(cities),
                    industry=rng.choice(industries),
                    job_group=rng.choice(jobs),
                    date_joined=now,
                )
            )
        with transaction.atomic():
            _insert_people(people)
            rows: list[Row] = []
            profiles: list[TalentProfile] = []
            for person in people:
                mine = _generate(rng, person.pk, begin, span, domains)
                rows.extend(mine)
                result = compute(mine)
                profiles.append(
                    TalentProfile(
                        person_id=person.pk,
                        index=result.index,
                        breakdown=result.components,
                        city_id=person.region_id,
                        industry=person.industry,
                        job_group=person.job_group,
                        domain=result.domain,
                        level=result.level,
                        level_rank=result.level_rank,
                        categories=result.categories,
                        province_awards=result.province_awards,
                        talent_since=result.talent_since,
                        leader_since=result.leader_since,
                        designer_since=result.designer_since,
                        engineer_since=result.engineer_since,
                        public_consent=rng.random() < 0.6,
                        match_opt_in=rng.random() < 0.3,
                    )
                )
            _insert_rows(rows, profiles, now)
        added += size
        if progress is not None:
            progress(added)
    rebuild_kpis(RebuildReport())
    boards.backend().rebuild()
    return added
