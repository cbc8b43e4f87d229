"""Pure rules that decide contest outcomes. No database access: the selectors gather the facts
(which parts an event group has, the judges' marks, who answered) and these functions say what
they mean.

Marks. A measurement item earns the judges' aggregated mark (0 to its points); a judgement item
takes whole marks 0–3 from each judge and earns aggregate ÷ 3 × points. The aggregate is the
mean of the judges' marks; with the trimmed rule and five or more judges the highest and the
lowest are dropped first. The practical score is Σ item points ÷ Σ scheme points × 100.

Weights. An event group has a theory part (a live round with a question, or a theory score an
organizer entered) and/or a practical part (a marking item). Theory only → theory counts 100 %;
practical only → practical 100 %; both → the contest's `theory_weight` w for theory and 1 − w
for practical. Final = theory × theory weight + practical × practical weight, half-up to 0.01.
A team's theory score is the mean of its members' (a member without one counts 0).

Absence (缺考). An entrant took part when they committed an answer in a live round, hold a
manual theory score, or have a practical mark (a team: the team or any member). Anyone else is
absent: shown as 缺考, never ranked or awarded, not counted for award quotas, never fed to the
talent ledger. Someone who sat one part of a two-part contest is not absent: the missed part
counts 0.

Tie-breaks. Rank by final, then practical, then theory; identical on all three → the same rank
(1, 1, 3). Teams are ranked as one entrant.

Award quotas. Per event group, among the entrants who took part (teams in a team contest):
share mode → places = share × entrants, rounded half-up per award, except that every award with
a share above 0 gets at least one place while entrants are left to take it (awards in order
一等奖, 二等奖, 三等奖, 优胜奖; places in total never exceed the entrants, so an award finds none
left when the ones before it took them all; an award never exceeds its rounded share by more
than that one minimum place); count mode → fixed places. Awards go in rank order by cumulative
places, so tied entrants at a boundary all receive the higher award. Example at 10/20/30 %:
3 entrants → 1/1/1, 1 entrant → one 一等奖, 100 entrants → 10/20/30.

以赛代评. An awardee is recommended for the level a rule of their award names when their
current level is at most the rule's cap (if any) and below the target.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol, TypeVar

from django.utils.translation import gettext_lazy as _

from competitions.models import AWARD_ORDER, Aggregation, AwardMode, ItemKind, PromotionRule
from talent.models import SkillLevel

TWO = Decimal("0.01")

K = TypeVar("K", bound=Hashable)

TIE_BREAK = _(
    "总成绩高者名次在前；总成绩相同时实操成绩高者在前；仍相同时理论成绩高者在前；三项均相同者名次并列，"
    "并列者获得相同奖项。"
)

TEAM_RULE = _(
    "团体赛按队排名和评奖：实操由裁判按队评分，队伍理论成绩为队员理论成绩的平均分（缺考计 0 分），"
    "奖项名额按参赛队数计算，获奖队伍的每名队员均获得获奖证书。"
)


def q(value: Decimal) -> Decimal:
    """Half-up to 0.01, the precision of every published score."""
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    """A decimal without trailing zeros and without exponent: 40.00 → "40", 2.50 → "2.5"."""
    text = f"{q(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Parts:
    """The parts an event group is scored on.

    `theory`: the contest has a theory part — a live round with at least one question, or a
    theory score an organizer entered by hand (a theory exam held off the platform).
    `practical`: the event group has a practical task with at least one marking item.
    """

    theory: bool
    practical: bool


def parts_of(*, has_live_round: bool, has_theory_marks: bool, has_marking_items: bool) -> Parts:
    """The parts an event group is scored on, from the facts `Parts` names."""
    return Parts(theory=has_live_round or has_theory_marks, practical=has_marking_items)


def part_weights(parts: Parts, theory_weight: Decimal) -> tuple[Decimal, Decimal]:
    """(theory weight, practical weight) for an event group, following its parts.

    Rule: theory only → theory counts 100 %; practical only → practical counts 100 %; both →
    the contest's configured `theory_weight` for theory and the rest for practical. A group with
    neither part has nobody who took part (everyone is absent), so the configured weight is
    returned only to keep the function total.
    """
    if parts.theory and not parts.practical:
        return Decimal(1), Decimal(0)
    if parts.practical and not parts.theory:
        return Decimal(0), Decimal(1)
    return theory_weight, 1 - theory_weight


def took_part(*, answered_theory: bool, has_theory_mark: bool, has_practical_marks: bool) -> bool:
    """Whether an entrant took part in the contest at all.

    Rule: an approved, ticketed entrant took part when at least one of these holds: they
    committed an answer to a question of a live round of the contest (joining a round without
    answering any question is not taking part), an organizer entered a theory score for them,
    or a judge recorded a practical mark for them (for a team: for the team or any member).
    Someone who took part in one part of a two-part contest is not absent: the missed part
    counts 0. Anyone else is absent (缺考): shown as such, never ranked, never awarded, never
    fed to the talent ledger, and not counted for award quotas.
    """
    return answered_theory or has_theory_mark or has_practical_marks


def aggregate(values: list[Decimal], aggregation: str) -> Decimal:
    """Mean of the judges' marks; with the trimmed rule and five or more judges, the highest and
    the lowest mark are dropped first (WorldSkills-style). Empty → 0."""
    if not values:
        return Decimal(0)
    ordered = sorted(values)
    if aggregation == Aggregation.TRIMMED and len(ordered) >= 5:
        ordered = ordered[1:-1]
    return sum(ordered, Decimal(0)) / len(ordered)


class ScoredItem(Protocol):
    """What scoring needs of a marking item."""

    kind: str
    points: Decimal


def item_points(item: ScoredItem, values: list[Decimal], aggregation: str) -> Decimal:
    """Points an item earns from the judges' marks: the aggregate for a measurement item,
    aggregate ÷ 3 × points for a judgement item (marked 0–3)."""
    agg = aggregate(values, aggregation)
    if item.kind == ItemKind.JUDGEMENT:
        return agg / 3 * item.points
    return agg


def practical_score(earned: Decimal, total: Decimal) -> Decimal:
    """Practical score 0–100: the items' points over the scheme's total points; 0 for no scheme."""
    if not total:
        return Decimal(0)
    return q(earned / total * 100)


def final_score(
    theory: Decimal, practical: Decimal, theory_weight: Decimal, practical_weight: Decimal | None = None
) -> Decimal:
    """Weighted total: theory × w + practical × (1 − w), both 0—100, rounded half-up to 0.01.
    `practical_weight` defaults to 1 − w (see `part_weights` for the weights a contest's parts
    give)."""
    if practical_weight is None:
        practical_weight = 1 - theory_weight
    return q(theory * theory_weight + practical * practical_weight)


def team_theory(scores: list[Decimal]) -> Decimal:
    """A team's theory score: the mean of its members' theory scores (a member without a score
    counts 0), rounded half-up to 0.01."""
    if not scores:
        return Decimal(0)
    return q(sum(scores, Decimal(0)) / len(scores))


def rank_rows(rows: list[tuple[K, Decimal, Decimal, Decimal]]) -> dict[K, int]:
    """Competition ranking (1, 1, 3) of (id, final, practical, theory) by the published tie-break;
    the id is a registration id or an entrant key (ids only order exact ties, never a rank)."""
    ordered = sorted(rows, key=lambda r: (-r[1], -r[2], -r[3], r[0]))
    ranks: dict[K, int] = {}
    previous: tuple[Decimal, Decimal, Decimal] | None = None
    for position, (key_id, final, practical, theory) in enumerate(ordered, start=1):
        key = (final, practical, theory)
        ranks[key_id] = ranks[ordered[position - 2][0]] if key == previous else position
        previous = key
    return ranks


class AwardRules(Protocol):
    """What the award rules need of a contest's settings (`ContestRules`)."""

    award_mode: str

    def award_quota(self, award: str) -> Decimal: ...


def award_counts(rules: AwardRules, contestants: int) -> dict[str, int]:
    """Places per award, by fixed counts or by share.

    Share rule: in award order (一等奖, 二等奖, 三等奖, 优胜奖) an award with a share above 0
    gets max(1, share × contestants rounded half-up) places, but no more than the contestants
    the awards before it left; an award with share 0 gets none. So a small group still has a
    一等奖 (3 at 10/20/30 % → 1/1/1; 1 → one 一等奖 only), a large one gets its shares exactly
    (100 → 10/20/30), places never outnumber the contestants, and no award exceeds its rounded
    share by more than the one minimum place.
    """
    counts = {}
    left = max(contestants, 0)
    for award in AWARD_ORDER:
        quota = rules.award_quota(award)
        if rules.award_mode == AwardMode.SHARE:
            share = int((quota * contestants).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            places = min(max(share, 1), left) if quota > 0 else 0
            left -= places
            counts[award] = places
        else:
            counts[award] = int(quota)
    return counts


def allocate_awards(ranks: dict[K, int], rules: AwardRules) -> dict[K, str]:
    """Award per id, in rank order: the first award whose cumulative places reach the rank.
    Tied entrants share their rank, so ties at a boundary all get the higher award. In a team
    contest the places are counted in teams."""
    counts = award_counts(rules, len(ranks))
    awards: dict[K, str] = {}
    for key_id, rank in ranks.items():
        cumulative = 0
        awards[key_id] = ""
        for award in AWARD_ORDER:
            cumulative += counts[award]
            if counts[award] and rank <= cumulative:
                awards[key_id] = award
                break
    return awards


def promotion_for(award: str, rules: list[PromotionRule], level: str) -> str:
    """The level an award earns under a contest's 以赛代评 rules ('' for none): the rule for the
    award applies when the person's current `level` is at most `max_current_level` (if set) and
    below the target level."""
    for rule in rules:
        if rule.award != award:
            continue
        if rule.max_current_level and SkillLevel.rank(level) > SkillLevel.rank(rule.max_current_level):
            return ""
        if SkillLevel.rank(level) >= SkillLevel.rank(rule.target_level):
            return ""
        return rule.target_level
    return ""
