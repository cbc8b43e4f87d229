"""Reads for talent: boards with consent applied, a person's index breakdown, evaluations,
shortlist and demand fetches with scope (`access_*` raise Http404 outside the viewer's scope)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Manager, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.choices import Industry, JobGroup, Role, SkillDomain
from accounts.models import Region, User
from accounts.selectors import cities, people_visible_to, scope_for
from config.converters import parse_id
from talent import boards, kpi
from talent.formula import Item, compute
from talent.models import (
    DECLINABLE,
    HOLDS_A_PLACE,
    NOMINATABLE,
    REVIEWABLE,
    Achievement,
    Candidate,
    ConsentRecord,
    DeletionRequest,
    Demand,
    Evaluation,
    EvaluationStatus,
    KpiActual,
    KpiMetric,
    Match,
    MatchStatus,
    Objection,
    ObjectionStatus,
    RoundStatus,
    SelectionRound,
    SkillLevel,
    TalentProfile,
)


@dataclass
class BoardRow:
    rank: int
    index: float
    name: str
    city: str
    level: str
    is_me: bool
    public: bool
    person_id: int | None  # None unless the person agreed to appear publicly
    entry_id: int  # always the person's id, for the server's own use (never rendered)


def mask_name(name: str) -> str:
    """Anonymized display: the first character and two stars (王**), whatever the length."""
    return f"{name[0]}**" if name else _("匿名")


def board_choices() -> list[tuple[str, str]]:
    """(board id, label) for every board, for the page's selector."""
    found = [("province", _("全省"))]
    found += [(f"city:{c.pk}", c.label) for c in cities()]
    found += [(f"industry:{v}", str(label)) for v, label in Industry.choices]
    found += [(f"domain:{v}", str(label)) for v, label in SkillDomain.choices]
    found += [(f"job:{v}", str(label)) for v, label in JobGroup.choices]
    return found


def board_label(board: str) -> str:
    kind, _sep, key = board.partition(":")
    if board == "province":
        return _("全省")
    if kind == "city":
        return Region.objects.filter(pk=key, kind="city").values_list("name", flat=True).first() or ""
    vocabulary = {"industry": Industry, "domain": SkillDomain, "job": JobGroup}.get(kind)
    return str(vocabulary(key).label) if vocabulary and key in vocabulary.values else ""


def valid_board(board: str) -> str:
    """The board id if it names a known board, else 404 (cheap: no list of every board)."""
    kind, _sep, key = board.partition(":")
    if board == "province":
        return board
    if kind == "city":
        # parse_id, not str.isdigit: "²" is a digit to isdigit and a ValueError to int, and a
        # 23-digit id fits no column.
        number = parse_id(key)
        if number is None:
            raise Http404
        return f"city:{number}"
    vocabulary = {"industry": Industry, "domain": SkillDomain, "job": JobGroup}.get(kind)
    if vocabulary is None or key not in vocabulary.values:
        raise Http404
    return board


def leaderboard(board: str, n: int, viewer: User | None) -> list[BoardRow]:
    """Top n of a board. People who have not agreed to appear publicly are counted and ranked
    but shown anonymized (to everyone but themselves), without a link to their record."""
    entries = boards.backend().top(board, n)
    # One joined query of plain values: model instances and per-row choice lookups (lazy
    # translations hashed on every call) cost more than the board itself at 100 rows.
    found = {
        pid: (public, level, name, city)
        for pid, public, level, name, city in TalentProfile.objects.filter(
            person_id__in=[e.person_id for e in entries]
        ).values_list("person_id", "public_consent", "level", "person__real_name", "city__name")
    }
    labels = {code: str(label) for code, label in SkillLevel.choices}
    me = viewer.pk if viewer is not None and viewer.is_authenticated else None
    rows = []
    for entry in entries:
        if entry.person_id not in found:
            continue
        public, level, real_name, city = found[entry.person_id]
        rows.append(
            BoardRow(
                rank=entry.rank,
                index=entry.index,
                name=real_name if public or entry.person_id == me else mask_name(real_name),
                city=city or "",
                level=labels.get(level, ""),
                is_me=entry.person_id == me,
                public=public,
                person_id=entry.person_id if public else None,
                entry_id=entry.person_id,
            )
        )
    return rows


def profile_of(person: User) -> TalentProfile | None:
    return TalentProfile.objects.filter(person=person).first()


def my_rank(person: User, board: str) -> tuple[int, int, float] | None:
    """(rank, board size, index) of a person on a board; None when they are not on it.
    With Redis one script call (no database query); without, one profile query and counts."""
    return boards.backend().person_rank(person.pk, board)


def my_boards(person: User) -> list[tuple[str, str, int, int]]:
    """Every board a person is on with their rank: (board, label, rank, size)."""
    profile = profile_of(person)
    if profile is None:
        return []
    backend = boards.backend()
    return [(b, board_label(b), backend.rank_of(b, profile.index), backend.size(b)) for b in boards.boards_of(profile)]


def breakdown(person: User) -> tuple[float, dict[str, float], list[Item]]:
    """A person's index, its components and every ledger row behind it (the explanation)."""
    result = compute(Achievement.objects.filter(person=person))
    return result.index, result.components, result.items


def evaluations_to_decide(viewer: User) -> QuerySet[Evaluation]:
    if not viewer.has_role(Role.PROVINCE_ADMIN, Role.CITY_ADMIN):
        return Evaluation.objects.none()
    return Evaluation.objects.filter(person__in=people_visible_to(viewer)).select_related("person", "decided_by")


def access_evaluation(viewer: User, pk: int) -> Evaluation:
    try:
        return evaluations_to_decide(viewer).get(pk=pk)
    except Evaluation.DoesNotExist:
        raise Http404 from None


def verify_certificate(code: str) -> Evaluation | None:
    code = (code or "").strip().lower()
    if not code:
        return None
    return (
        Evaluation.objects.filter(verify_code=code, status=EvaluationStatus.APPROVED).select_related("person").first()
    )


def admin_cities(viewer: User) -> list[Region]:
    """Cities a viewer administers: all for the province admin, their own for a city admin."""
    if not viewer.is_authenticated:
        return []
    everything, regions, _orgs = scope_for(viewer)
    if everything:
        return list(cities())
    if viewer.has_role(Role.CITY_ADMIN):
        return list(cities().filter(pk__in=regions))
    return []


def access_round(viewer: User, pk: int) -> SelectionRound:
    if not admin_cities(viewer):
        raise Http404
    try:
        return SelectionRound.objects.get(pk=pk)
    except SelectionRound.DoesNotExist:
        raise Http404 from None


def candidates_for(viewer: User, selection: SelectionRound) -> QuerySet[Candidate]:
    qs = selection.candidates.select_related("person", "city", "person__organization")
    if viewer.is_superuser or viewer.has_role(Role.PROVINCE_ADMIN):
        return qs
    return qs.filter(city__in=admin_cities(viewer))


def access_candidate(viewer: User, pk: int) -> Candidate:
    try:
        candidate = Candidate.objects.select_related("round", "person", "city").get(pk=pk)
    except Candidate.DoesNotExist:
        raise Http404 from None
    if not candidates_for(viewer, candidate.round).filter(pk=pk).exists():
        raise Http404
    return candidate


def _decides_province(viewer: User) -> bool:
    return viewer.is_superuser or viewer.has_role(Role.PROVINCE_ADMIN)


def require_province(actor: User) -> None:
    """Refuse (PermissionDenied) anyone but the province's admins: KPI targets, the shortlist's
    round steps and its province review, objections."""
    if not _decides_province(actor):
        raise PermissionDenied(_("只有省级管理员可以执行此操作。"))


def round_moves(viewer: User, selection: SelectionRound) -> frozenset[str]:
    """What `viewer` may do with the whole round now: "generate" candidates and start the
    "notice" while nominating, "finalize" during the notice; the province's admins only. The
    actions (generate_candidates, start_notice, finalize_round) check the same rules and the
    rest (an approved candidate to publish, the notice period over, no open objection)."""
    if not _decides_province(viewer):
        return frozenset()
    if selection.status == RoundStatus.NOMINATING:
        return frozenset({"generate", "notice"})
    if selection.status == RoundStatus.NOTICE:
        return frozenset({"finalize"})
    return frozenset()


def candidate_moves(viewer: User, candidates: Iterable[Candidate]) -> dict[int, frozenset[str]]:
    """What `viewer` may do with each candidate now (by candidate id), while its round is
    nominating: "nominate" and "decline" (the candidate's city admins and the province's, from
    NOMINATABLE / DECLINABLE), "approve" and "reject" (the province's admins, a REVIEWABLE
    candidate). The round page offers exactly these; nominate_candidate, decline_candidate and
    review_candidate check the same rules, plus what no button can know in advance (a reason
    given, a place left). The viewer's scope is read once for all the candidates."""
    province = _decides_province(viewer)
    _everything, regions, _orgs = scope_for(viewer) if viewer.has_role(Role.CITY_ADMIN) else (False, set(), set())
    found: dict[int, frozenset[str]] = {}
    for candidate in candidates:
        moves: set[str] = set()
        if candidate.round.status == RoundStatus.NOMINATING:
            if province or candidate.city_id in regions:
                moves |= {"nominate"} if candidate.status in NOMINATABLE else set()
                moves |= {"decline"} if candidate.status in DECLINABLE else set()
            if province and candidate.status in REVIEWABLE:
                moves |= {"approve", "reject"}
        found[candidate.pk] = frozenset(moves)
    return found


def objection_moves(viewer: User, objections: Iterable[Objection]) -> dict[int, frozenset[str]]:
    """What `viewer` may do with each objection now (by objection id): "resolve" (uphold or
    dismiss) and "remove" (as spam), the province's admins, an objection still open. The round
    page offers exactly these; resolve_objection and remove_objection check the same rules, plus
    the reason that no button can know in advance."""
    province = _decides_province(viewer)
    return {
        objection.pk: frozenset({"resolve", "remove"})
        if province and objection.status == ObjectionStatus.OPEN
        else frozenset()
        for objection in objections
    }


def places_used(selection: SelectionRound, viewer: User) -> list[tuple[Region, int, int]]:
    """(city, quota, places taken) for each city of the round that `viewer` administers."""
    used = dict(selection.candidates.filter(status__in=HOLDS_A_PLACE).values_list("city_id").annotate(n=Count("id")))
    admin_city_ids = {c.pk for c in admin_cities(viewer)}
    return [
        (q.city, q.quota, used.get(q.city_id, 0))
        for q in selection.quotas.select_related("city")
        if q.city_id in admin_city_ids
    ]


def demands_visible_to(viewer: User) -> QuerySet[Demand]:
    qs = Demand.objects.select_related("organization", "city")
    everything, _regions, orgs = scope_for(viewer)
    if everything:
        return qs
    if viewer.has_role(Role.ENTERPRISE_ADMIN):
        return qs.filter(organization_id__in=orgs)
    if viewer.has_role(Role.CITY_ADMIN):
        return qs.filter(city__in=admin_cities(viewer))
    return qs.none()


def access_demand(viewer: User, pk: int) -> Demand:
    try:
        return demands_visible_to(viewer).get(pk=pk)
    except Demand.DoesNotExist:
        raise Http404 from None


def matches_of(person: User) -> QuerySet[Match]:
    return Match.objects.filter(person=person).select_related("demand", "demand__organization", "demand__city")


def contact_visible(match: Match) -> bool:
    """Enterprises see a person's contact details only after the person accepted."""
    return match.status == MatchStatus.ACCEPTED


def programme_figures() -> list[tuple[str, str]]:
    """Headline figures for the home page: (label, value), read from precomputed counts."""
    totals = {
        row["metric"]: row["n"] or 0 for row in KpiActual.objects.values("metric").annotate(n=Sum("count")).order_by()
    }
    fit = kpi.demand_fit()
    return [
        (str(KpiMetric.TALENTS.label), f"{totals.get(KpiMetric.TALENTS, 0):,}"),
        (str(KpiMetric.LEADERS.label), f"{totals.get(KpiMetric.LEADERS, 0):,}"),
        (str(KpiMetric.DESIGNERS.label), f"{totals.get(KpiMetric.DESIGNERS, 0):,}"),
        (str(KpiMetric.ENGINEERS.label), f"{totals.get(KpiMetric.ENGINEERS, 0):,}"),
        (_("企业需求适配度"), "—" if fit is None else f"{fit:g}%"),
    ]


def personal_data(person: User) -> dict[str, Any]:
    """Everything talent holds about a person, for their own download."""
    profile = profile_of(person)
    return {
        "person": {"real_name": person.real_name, "mobile": person.mobile_masked, "id_number": person.id_number_masked},
        "profile": None
        if profile is None
        else {
            "index": profile.index,
            "breakdown": profile.breakdown,
            "level": profile.level,
            "categories": profile.categories,
            "public_consent": profile.public_consent,
            "match_opt_in": profile.match_opt_in,
        },
        "achievements": [
            {
                "kind": a.kind,
                "title": a.title,
                "occurred_at": a.occurred_at.isoformat(),
                "data": a.data,
                "revoked": a.revoked_at is not None,
            }
            for a in person.achievements.all()
        ],
        "evaluations": [
            {
                "level": e.level,
                "category": e.category,
                "route": e.route,
                "body": e.body,
                "status": e.status,
                "certificate_no": e.certificate_no,
            }
            for e in person.evaluations.all()
        ],
        "consents": [
            {"kind": c.kind, "granted": c.granted, "at": c.created_at.isoformat()} for c in person.talent_consents.all()
        ],
        "matches": [
            {"demand": m.demand.title, "organization": m.demand.organization.name, "status": m.status}
            for m in matches_of(person)
        ],
        "leader_candidacies": [
            {
                "round": c.round.name,
                "year": c.round.year,
                "status": c.status,
                "reasons": c.reasons,
                "city_reason": c.city_reason,
                "province_reason": c.province_reason,
                "plan": [
                    {"kind": i.kind, "title": i.title, "note": i.note, "done": i.done_at is not None}
                    for i in c.plan_items.all()
                ],
            }
            for c in person.leader_candidacies.select_related("round").prefetch_related("plan_items")
        ],
        "objections_filed": [
            {"text": o.text, "status": o.status, "at": o.created_at.isoformat()}
            for o in Objection.objects.filter(filed_by=person)
        ],
        "deletion_requests": [
            {
                "at": d.created_at.isoformat(),
                "note": d.note,
                "status": d.status,
                "reason": d.reason,
                "outcome": d.outcome,
            }
            for d in person.talent_deletions.all()
        ],
    }


@dataclass
class DataHeld:
    label: str
    count: int
    kept: bool  # True: legally required, kept on deletion
    action: str  # what an approved deletion does with it
    rule: str  # why


def data_held(person: User) -> list[DataHeld]:
    """What talent holds about a person and what an approved deletion does with each kind."""
    return data_held_by_person([person.pk])[person.pk]


def data_held_by_person(person_ids: list[int]) -> dict[int, list[DataHeld]]:
    """`data_held` for many people in one count query per kind (the admin's queue)."""

    def counts(qs: Manager[Any], field: str = "person_id") -> dict[int, int]:
        rows = qs.filter(**{f"{field}__in": person_ids}).values(field).annotate(n=Count("pk")).order_by()
        return {row[field]: row["n"] for row in rows}

    keep, kept_why = _("保留"), _("人才评价与统计的法定记录")
    erase, erase_why = _("删除"), _("非必须保留的数据")
    kinds = [
        (_("成果台账"), counts(Achievement.objects), True, keep, kept_why),
        (_("技能评价与证书"), counts(Evaluation.objects), True, keep, kept_why),
        (_("领军人才遴选与培育记录"), counts(Candidate.objects), True, keep, kept_why),
        (_("企业对接记录"), counts(Match.objects), False, erase, erase_why),
        (_("授权记录"), counts(ConsentRecord.objects), False, erase, erase_why),
        (
            _("我提出的公示异议"),
            counts(Objection.objects, "filed_by_id"),
            False,
            _("隐去提出人"),
            _("异议内容随公示记录保留"),
        ),
    ]
    return {
        pid: [DataHeld(label, found.get(pid, 0), kept, action, rule) for label, found, kept, action, rule in kinds]
        for pid in person_ids
    }


def deletions_to_decide(viewer: User) -> QuerySet[DeletionRequest]:
    """Deletion requests of the people a viewer is responsible for (as for evaluations)."""
    if not (viewer.is_superuser or viewer.has_role(Role.PROVINCE_ADMIN, Role.CITY_ADMIN)):
        return DeletionRequest.objects.none()
    qs = DeletionRequest.objects.select_related("person", "processed_by")
    if viewer.is_superuser or viewer.has_role(Role.PROVINCE_ADMIN):
        return qs
    return qs.filter(person__in=people_visible_to(viewer))


def access_deletion(viewer: User, pk: int) -> DeletionRequest:
    try:
        return deletions_to_decide(viewer).get(pk=pk)
    except DeletionRequest.DoesNotExist:
        raise Http404 from None
