"""The talent index formula: configuration, not code.

`DEFAULT_FORMULA` is the programme's published weighting; a deployment may override any key
with `settings.TALENT_INDEX_FORMULA` (a dict merged over the default). The public page
`talent:formula` renders whatever is in force, so the explanation owed to anyone a ranking
affects always matches the computation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

from talent.models import ENGINEER_CATEGORIES, AchievementKind, SkillLevel, TalentCategory

DEFAULT_FORMULA: dict[str, Any] = {
    # A contest award scores contest level × placement; a result without an award scores a share.
    "contest_level": {"national": 100, "province": 60, "city": 30, "enterprise": 10},
    "award": {
        "first": 1.0,
        "gold": 1.0,
        "second": 0.7,
        "silver": 0.7,
        "third": 0.5,
        "bronze": 0.5,
        "excellence": 0.3,
        "merit": 0.3,
    },
    "award_other": 0.2,
    "contest_result_share": 0.1,
    # Only the highest skill level counts.
    "skill_level": {
        "apprentice": 5,
        "l5": 10,
        "l4": 20,
        "l3": 40,
        "l2": 70,
        "l1": 100,
        "special": 130,
        "chief": 160,
    },
    # Each distinct category counts once.
    "category": {
        "digital_skill": 10,
        "engineer_junior": 20,
        "engineer_middle": 35,
        "engineer_senior": 50,
        "solution_designer": 50,
        "leader": 80,
    },
    "certificate": 8,
    "certificate_cap": 80,
    "course": 3,
    "course_cap": 60,
    "workstudy_per_hour": 0.2,
    "workstudy_cap": 100,
}

COMPONENTS = ("contest", "level", "category", "certificate", "course", "workstudy")
# Contest levels that count towards the shortlist's "provincial or higher awards" criterion.
HIGH_CONTEST_LEVELS = ("province", "national")


def formula() -> dict[str, Any]:
    merged = dict(DEFAULT_FORMULA)
    merged.update(settings.TALENT_INDEX_FORMULA or {})
    return merged


class LedgerRow(Protocol):
    """What `compute` reads of a ledger row: an `Achievement`, or a row the bulk seeding has not
    inserted yet."""

    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def occurred_at(self) -> dt.datetime: ...
    @property
    def data(self) -> Any: ...
    @property
    def revoked_at(self) -> dt.datetime | None: ...


@dataclass
class Item:
    kind: str
    title: str
    points: float
    rule: str
    domain: str = ""


@dataclass
class Result:
    """The index of one person and everything derived with it from their ledger rows."""

    index: float = 0.0
    components: dict[str, float] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    level: str = ""
    level_rank: int = -1
    categories: list[str] = field(default_factory=list)
    domain: str = ""
    province_awards: int = 0
    talent_since: dt.datetime | None = None
    leader_since: dt.datetime | None = None
    designer_since: dt.datetime | None = None
    engineer_since: dt.datetime | None = None


def _earliest(current: dt.datetime | None, when: dt.datetime) -> dt.datetime:
    return when if current is None or when < current else current


def compute(achievements: Iterable[LedgerRow], rules: dict[str, Any] | None = None) -> Result:
    """Compute the index from active ledger rows. Revoked rows count for nothing.

    A person counts as a digital-skills talent (数字技能人才, the plan's headline KPI) from
    the first certificate, approved skill level or talent category in the ledger.
    """
    rules = rules or formula()
    result = Result()
    certificates: list[Item] = []
    courses: list[Item] = []
    hours = 0.0
    levels: list[tuple[int, LedgerRow]] = []
    categories: dict[str, LedgerRow] = {}
    for row in achievements:
        if row.revoked_at is not None:
            continue
        data = row.data or {}
        domain = str(data.get("domain") or "")
        if row.kind in (AchievementKind.CONTEST_AWARD, AchievementKind.CONTEST_RESULT):
            level = str(data.get("contest_level") or "")
            base = float(rules["contest_level"].get(level, 0))
            if row.kind == AchievementKind.CONTEST_AWARD:
                award = str(data.get("award") or "")
                factor = float(rules["award"].get(award, rules["award_other"]))
                if level in HIGH_CONTEST_LEVELS:
                    result.province_awards += 1
                rule = f"{level}×{award or 'other'} = {base:g}×{factor:g}"
            else:
                factor = float(rules["contest_result_share"])
                rule = f"{level} {base:g}×{factor:g}"
            result.items.append(Item("contest", row.title, round(base * factor, 1), rule, domain))
        elif row.kind == AchievementKind.SKILL_LEVEL:
            code = str(data.get("level") or "")
            levels.append((SkillLevel.rank(code), row))
        elif row.kind == AchievementKind.TALENT_CATEGORY:
            code = str(data.get("category") or "")
            known = code in TalentCategory.values
            if known and (code not in categories or row.occurred_at < categories[code].occurred_at):
                categories[code] = row
        elif row.kind == AchievementKind.CERTIFICATE:
            # An award certificate is the paper of a contest award, which already counts under
            # "contest": it makes its holder a talent but earns no certificate points.
            if data.get("kind") != "award":
                certificates.append(Item("certificate", row.title, float(rules["certificate"]), "", domain))
            result.talent_since = _earliest(result.talent_since, row.occurred_at)
        elif row.kind == AchievementKind.COURSE_COMPLETION:
            courses.append(Item("course", row.title, float(rules["course"]), "", domain))
        elif row.kind == AchievementKind.WORKSTUDY_HOURS:
            try:
                row_hours = float(data.get("hours") or 0)
            except (TypeError, ValueError):
                row_hours = 0.0
            hours += max(row_hours, 0.0)
            result.items.append(
                Item(
                    "workstudy", row.title, round(row_hours * rules["workstudy_per_hour"], 1), f"{row_hours:g}h", domain
                )
            )
    if levels:
        rank, row = max(levels, key=lambda pair: pair[0])
        if rank >= 0:
            code = SkillLevel.values[rank]
            result.level, result.level_rank = code, rank
            result.items.append(
                Item(
                    "level",
                    row.title,
                    float(rules["skill_level"].get(code, 0)),
                    code,
                    str(row.data.get("domain") or ""),
                )
            )
        for _rank, level_row in levels:
            result.talent_since = _earliest(result.talent_since, level_row.occurred_at)
    for code, row in categories.items():
        result.items.append(
            Item("category", row.title, float(rules["category"].get(code, 0)), code, str(row.data.get("domain") or ""))
        )
        result.talent_since = _earliest(result.talent_since, row.occurred_at)
        if code == TalentCategory.LEADER:
            result.leader_since = row.occurred_at
        elif code == TalentCategory.SOLUTION_DESIGNER:
            result.designer_since = row.occurred_at
        elif code in ENGINEER_CATEGORIES:
            result.engineer_since = _earliest(result.engineer_since, row.occurred_at)
    result.categories = sorted(categories)
    result.items.extend(certificates)
    result.items.extend(courses)
    components = dict.fromkeys(COMPONENTS, 0.0)
    for item in result.items:
        if item.kind in ("contest", "level", "category"):
            components[item.kind] += item.points
    components["certificate"] = min(len(certificates) * float(rules["certificate"]), float(rules["certificate_cap"]))
    components["course"] = min(len(courses) * float(rules["course"]), float(rules["course_cap"]))
    components["workstudy"] = min(hours * float(rules["workstudy_per_hour"]), float(rules["workstudy_cap"]))
    result.components = {key: round(value, 1) for key, value in components.items()}
    result.index = round(sum(result.components.values()), 1)
    by_domain: dict[str, float] = {}
    for item in result.items:
        if item.domain:
            by_domain[item.domain] = by_domain.get(item.domain, 0.0) + item.points
    if by_domain:
        result.domain = max(sorted(by_domain), key=lambda key: by_domain[key])
    return result
