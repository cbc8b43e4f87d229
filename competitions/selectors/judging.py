"""Reads of the practical part: who is scored (entrants), 检录号, recusal, the judges' marks and
what they add up to, disagreements, 缺考, missing marks, sign-offs and the judge's sheet."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import User
from accounts.selectors import granted_org_ids
from competitions import scoring
from competitions.models import (
    CheckIn,
    Contest,
    EventGroup,
    ItemKind,
    JudgeAssignment,
    Mark,
    MarkingItem,
    PracticalAbsence,
    Registration,
    RegistrationStatus,
    SignOff,
    Team,
    TeamMember,
)
from competitions.selectors.access import rules_for
from competitions.selectors.registration import is_team_contest

EntrantKey = tuple[str, int]


@dataclass(frozen=True)
class Entrant:
    """Who is scored and ranked in an event group: one contestant, or in a team contest one team
    (its approved members). An approved registration of a team contest without a team is ranked
    on its own."""

    registration_ids: tuple[int, ...]
    team_id: int | None = None

    @property
    def key(self) -> EntrantKey:
        return ("t", self.team_id) if self.team_id is not None else ("r", self.registration_ids[0])


def mark_key(registration_id: int | None, team_id: int | None) -> EntrantKey:
    """The entrant key of a mark, absence or 检录号 row: its team, else its registration."""
    return ("t", team_id) if team_id is not None else ("r", int(registration_id or 0))


def entrants(event_group: EventGroup) -> list[Entrant]:
    """The group's entrants: teams first (by id), then contestants without a team (by id)."""
    reg_ids = list(
        event_group.registrations.filter(status=RegistrationStatus.APPROVED).order_by("id").values_list("id", flat=True)
    )
    if not is_team_contest(event_group.contest):
        return [Entrant((reg_id,)) for reg_id in reg_ids]
    members: dict[int, list[int]] = defaultdict(list)
    for reg_id, team_id in TeamMember.objects.filter(
        registration_id__in=reg_ids, team__event_group=event_group
    ).values_list("registration_id", "team_id"):
        members[team_id].append(reg_id)
    teamed = {reg_id for ids in members.values() for reg_id in ids}
    found = [Entrant(tuple(sorted(ids)), team_id) for team_id, ids in sorted(members.items())]
    found.extend(Entrant((reg_id,)) for reg_id in reg_ids if reg_id not in teamed)
    return found


def check_in_numbers(event_group: EventGroup) -> dict[EntrantKey, str]:
    """检录号 per entrant key of a group (entrants without a number are missing)."""
    found: dict[EntrantKey, str] = {}
    for reg_id, team_id, number in CheckIn.objects.filter(contest_id=event_group.contest_id).values_list(
        "registration_id", "team_id", "number"
    ):
        found[mark_key(reg_id, team_id)] = number
    return found


def is_recused(judge: User, organization_ids: Iterable[int]) -> bool:
    """A judge never scores a contestant, or a team with a member, from their own organization:
    the one he works for (an employment record he cannot change himself) or one a role grant
    ties him to (enterprise admin, mentor)."""
    own = granted_org_ids(judge)  # cached on the instance: check_mark runs per imported row
    if judge.organization_id:
        own.add(judge.organization_id)
    return bool(own & set(organization_ids))


def group_marks(
    event_group: EventGroup,
) -> tuple[list[MarkingItem], dict[tuple[EntrantKey, int], list[Decimal]]]:
    """The group's marking items in sheet order, and every judge's mark per (entrant, item)."""
    items = list(MarkingItem.objects.filter(task__event_group=event_group).order_by("task_id", "order", "id"))
    marks: dict[tuple[EntrantKey, int], list[Decimal]] = defaultdict(list)
    for reg_id, team_id, item_id, value in Mark.objects.filter(item__in=items).values_list(
        "registration_id", "team_id", "item_id", "value"
    ):
        marks[(mark_key(reg_id, team_id), item_id)].append(value)
    return items, marks


def entrant_practical_scores(event_group: EventGroup) -> dict[EntrantKey, Decimal]:
    """Practical score (0—100, two decimals) per entrant key (`scoring.practical_score`). Only
    counts after the chief's sign-off."""
    rules = rules_for(event_group.contest)
    items, marks = group_marks(event_group)
    total = sum((item.points for item in items), Decimal(0))
    return {
        entrant.key: scoring.practical_score(
            sum(
                (scoring.item_points(item, marks.get((entrant.key, item.pk), []), rules.aggregation) for item in items),
                Decimal(0),
            ),
            total,
        )
        for entrant in entrants(event_group)
    }


def practical_scores(event_group: EventGroup) -> dict[int, Decimal]:
    """Practical score per registration id of the group (a team member has the team's score)."""
    by_key = entrant_practical_scores(event_group)
    return {reg_id: by_key[entrant.key] for entrant in entrants(event_group) for reg_id in entrant.registration_ids}


@dataclass(frozen=True)
class Disagreement:
    """A judgement item whose judges' marks for one entrant differ by more than the threshold."""

    registration_id: int | None
    item_id: int
    item: str
    low: Decimal
    high: Decimal
    team_id: int | None = None


def disagreements(event_group: EventGroup) -> list[Disagreement]:
    """Judgement items where the judges' marks for an entrant differ by more than the contest's
    threshold: shown to the chief judge, who reviews them before signing off."""
    rules = rules_for(event_group.contest)
    items, marks = group_marks(event_group)
    found = []
    for item in items:
        if item.kind != ItemKind.JUDGEMENT:
            continue
        for ((kind, entrant_id), item_id), values in sorted(marks.items()):
            if item_id == item.pk and len(values) > 1 and max(values) - min(values) > rules.disagreement_threshold:
                found.append(
                    Disagreement(
                        entrant_id if kind == "r" else None,
                        item.pk,
                        item.description,
                        min(values),
                        max(values),
                        entrant_id if kind == "t" else None,
                    )
                )
    return found


def practical_absentees(event_group: EventGroup) -> set[EntrantKey]:
    """Entrant keys the chief judge recorded as 缺考 in the group's practical part."""
    return {
        mark_key(reg_id, team_id)
        for reg_id, team_id in PracticalAbsence.objects.filter(event_group=event_group).values_list(
            "registration_id", "team_id"
        )
    }


def missing_marks(event_group: EventGroup) -> int:
    """(entrant, item) pairs without any mark, and judgement items with fewer than two judges;
    an entrant the chief judge recorded as 缺考 in the practical needs no marks."""
    items, marks = group_marks(event_group)
    excused = practical_absentees(event_group)
    missing = 0
    for entrant in entrants(event_group):
        if entrant.key in excused:
            continue
        for item in items:
            needed = 2 if item.kind == ItemKind.JUDGEMENT else 1
            if len(marks.get((entrant.key, item.pk), [])) < needed:
                missing += 1
    return missing


def is_signed(event_group: EventGroup) -> bool:
    """Whether the chief judge signed the group's practical marks (they are locked)."""
    return SignOff.objects.filter(event_group=event_group).exists()


def unsigned_groups(contest: Contest) -> list[EventGroup]:
    """Event groups with a practical task whose marks the chief judge has not signed yet."""
    return [
        group
        for group in contest.event_groups.all()
        if group.practical_tasks.exists() and not SignOff.objects.filter(event_group=group).exists()
    ]


def sheet_items(event_group: EventGroup) -> list[MarkingItem]:
    """The group's marking items in sheet order (task, then position)."""
    return list(
        MarkingItem.objects.filter(task__event_group=event_group)
        .select_related("task")
        .order_by("task_id", "order", "id")
    )


@dataclass
class SheetCell:
    """One input of the judge's sheet: the value shown (as typed, else the judge's mark)."""

    item: MarkingItem
    value: object = ""
    error: str = ""


@dataclass
class SheetRow:
    """One entrant on a judge's sheet, labelled by number only: the 检录号 once drawn, else the
    ticket number(s). Judges see neither names nor organizations."""

    entrant: Entrant
    label: str
    check_in: bool
    prefix: str
    registration: Registration | None
    team: Team | None
    recused: bool
    absent: bool
    cells: list[SheetCell] = field(default_factory=list)

    @property
    def key(self) -> EntrantKey:
        return self.entrant.key

    @property
    def markable(self) -> bool:
        """The judge may mark this entrant: not recused and not recorded 缺考."""
        return not self.recused and not self.absent


def sheet_rows(event_group: EventGroup, judge: User) -> list[SheetRow]:
    """One row per entrant of the group (a contestant, or a team in a team contest) as `judge`
    sees it; `prefix` names the row's inputs (`m-<registration>` or `t-<team>`)."""
    registrations = {
        r.pk: r
        for r in event_group.registrations.filter(status=RegistrationStatus.APPROVED).select_related("ticket", "person")
    }
    teams = {t.pk: t for t in event_group.teams.all()}
    numbers = check_in_numbers(event_group)
    absentees = practical_absentees(event_group)
    rows = []
    for entrant in entrants(event_group):
        members = [registrations[reg_id] for reg_id in entrant.registration_ids]
        tickets = [m.ticket.number if getattr(m, "ticket", None) is not None else str(m.pk) for m in members]
        orgs = {m.person.organization_id for m in members if m.person.organization_id}
        team = teams[entrant.team_id] if entrant.team_id is not None else None
        rows.append(
            SheetRow(
                entrant=entrant,
                label=numbers.get(entrant.key) or "、".join(tickets),
                check_in=entrant.key in numbers,
                prefix=f"t-{entrant.team_id}" if team is not None else f"m-{entrant.registration_ids[0]}",
                registration=None if team is not None else members[0],
                team=team,
                recused=is_recused(judge, orgs),
                absent=entrant.key in absentees,
            )
        )
    return rows


def own_marks(judge: User, items: list[MarkingItem]) -> dict[tuple[EntrantKey, int], Decimal]:
    """The judge's own marks on these items per (entrant key, item id)."""
    return {
        (mark_key(m.registration_id, m.team_id), m.item_id): m.value
        for m in Mark.objects.filter(judge=judge, item__in=items)
    }


@dataclass(frozen=True)
class SheetActions:
    """What a judge may do on a group's sheet: `mark` (save marks), `record_absence` (登记缺考 /
    撤销缺考) and `sign_off`. Nothing after the sign-off; the last two for the chief judge only."""

    mark: bool
    record_absence: bool
    sign_off: bool


def sheet_actions(assignment: JudgeAssignment, *, signed: bool) -> SheetActions:
    """The rules `record_mark`, `set_practical_absence` and `sign_off` apply to this judge."""
    chief = assignment.is_chief and not signed
    return SheetActions(mark=not signed, record_absence=chief, sign_off=chief)
