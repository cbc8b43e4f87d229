"""Ranking opted-in talents for an enterprise demand, with the reasons for each score.

Fit score (0–100): skill domain 40 (the person's main domain is one the demand asks for),
level 30 (meets the minimum level; 15 when one step below), city 15 (same city), and up to 15
for the talent index (index ÷ 20, capped). Only people who opted in to matching are ranked;
the enterprise sees names masked and no contact details until the person accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.choices import SkillDomain
from talent.models import Demand, SkillLevel, TalentProfile


@dataclass
class Candidate:
    profile: TalentProfile
    score: float
    reasons: list[str]


def explain(demand: Demand, profile: TalentProfile) -> tuple[float, list[str]]:
    score = 0.0
    reasons: list[str] = []
    if profile.domain and profile.domain in demand.domains:
        score += 40
        reasons.append(_("主要技能领域“%(d)s”符合需求 +40") % {"d": SkillDomain(profile.domain).label})
    if demand.min_level:
        need = SkillLevel.rank(demand.min_level)
        if profile.level_rank >= need:
            score += 30
            reasons.append(_("技能等级达到%(l)s +30") % {"l": SkillLevel(demand.min_level).label})
        elif profile.level_rank == need - 1:
            score += 15
            reasons.append(_("技能等级低一级 +15"))
    else:
        score += 30
        reasons.append(_("需求未限定等级 +30"))
    if profile.city_id == demand.city_id:
        score += 15
        reasons.append(_("同城 +15"))
    bonus = round(min(profile.index / 20, 15), 1)
    if bonus:
        score += bonus
        reasons.append(_("人才指数 %(i)s +%(b)s") % {"i": f"{profile.index:g}", "b": f"{bonus:g}"})
    return round(score, 1), reasons


def rank_for(demand: Demand, limit: int = 50, pool: int = 2000) -> list[Candidate]:
    """The best `limit` opted-in people for a demand. The pool is read by index from those in
    the demand's domains or city (indexed filters), then scored exactly in Python."""
    profiles = (
        TalentProfile.objects.filter(match_opt_in=True)
        .filter(Q(domain__in=demand.domains) | Q(city_id=demand.city_id))
        .select_related("person", "city")
        .order_by("-index", "person_id")[:pool]
    )
    found = [Candidate(p, *explain(demand, p)) for p in profiles]
    found.sort(key=lambda c: (-c.score, -c.profile.index, c.profile.person_id))
    return found[:limit]
