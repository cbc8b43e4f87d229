"""Spreadsheet record types of competitions: registrations, practical marks, contest results.

A plugin module of the data exchange (`exchange`, see docs/exchange.md). Each
row is checked by the same rules as the pages (`competitions.actions`), and written through the
same actions, so permissions, audit records, tickets and the talent ledger behave as they do
when a person clicks:

- 竞赛报名 (`registrations`): an organizer registers people for her contests in bulk, an
  enterprise admin nominates her organization's staff (`check_registration` / `register`:
  window, eligibility, one registration per contest, teams). Idempotent: a person already
  registered for that event group is "unchanged".
- 实操评分 (`marks`): a judge imports her own marks per 检录号 and marking item; ranges,
  assignment, recusal and the sign-off lock are `check_mark`'s, the write is `record_mark`.
  Marks belong to the judge who gives them, so nobody imports marks for another judge.
- 竞赛成绩 (`results`): export only. Results and awards are computed from the signed-off
  marks and theory scores and published by `publish_results`; a file cannot replace them.

Registrations and results also work within one contest (the context kind `contest`, a
contest's slug, for those who manage it): the console's 批量报名 and 导出成绩 buttons. A file
imported there needs no 竞赛 column and cannot register anyone for another contest.

A rule that fails only at write time (a concurrent change between the check and the write: the
window closed, the chief judge signed off) is raised as IntegrityError, which the engine turns
into "nothing written, check again" for the whole file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from accounts.models import User
from accounts.selectors import people_visible_to
from competitions import actions, selectors
from competitions.models import (
    CheckIn,
    Contest,
    ContestStatus,
    EventGroup,
    JudgeAssignment,
    Mark,
    MarkingItem,
    Registration,
    RegistrationStatus,
    Result,
    TeamMember,
)
from exchange.columns import EXAMPLE_ID, EXPORT_ONLY, PersonColumns, points_text
from exchange.registry import (
    Column,
    ContextKind,
    Exporter,
    Importer,
    RecordType,
    Row,
    WriteCounts,
    register,
    register_context,
)

REGISTRANTS = (Role.ORGANIZER, Role.PROVINCE_ADMIN, Role.ENTERPRISE_ADMIN)
RESULT_VIEWERS = (Role.ORGANIZER, Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE_ADMIN)
ACTIVE = (RegistrationStatus.PENDING, RegistrationStatus.APPROVED)


def _message(exc: ValidationError | PermissionDenied) -> str:
    return " ".join(str(m) for m in exc.messages) if isinstance(exc, ValidationError) else str(exc)


class _Pk(TypedDict):
    """A row of `.values("pk")`."""

    pk: int


def managed_contest_ids(user: User) -> QuerySet[Contest, _Pk]:
    """Contests `user` manages (the rule of `selectors.can_manage`), as a subquery."""
    if user.is_superuser or user.has_role(Role.PROVINCE_ADMIN):
        return Contest.objects.values("pk")
    return Contest.objects.filter(selectors.managed_contest_filter(user)).values("pk")


# --- Registrations ----------------------------------------------------------------------------

REGISTRATION_COLUMNS = (
    Column(
        "contest",
        "竞赛",
        required=True,
        example="2026 年山东省数字技能大赛",
        help="必填，竞赛名称或网址标识（竞赛页面地址中的英文部分）；同名竞赛请填网址标识。",
    ),
    Column("event_group", "赛项", required=True, example="工业互联网运维", help="必填，该竞赛已设置的赛项名称。"),
    Column("real_name", "姓名", example="王小明", help="选填；填写时须与平台登记的姓名一致，用于核对。"),
    Column(
        "mobile",
        "手机号",
        text=True,
        pii="mobile",
        example="13800138000",
        help="手机号和身份证号至少填一项，用于找到平台中的报名人（须已注册）。",
    ),
    Column("id_number", "身份证号", text=True, pii="id_number", example=EXAMPLE_ID, help="选填，18 位，文本格式。"),
    Column("team", "队名", help="团体赛填写，同队人员填同一队名；个人赛留空。"),
    Column("status", "状态", help=EXPORT_ONLY),
    Column("ticket", "准考证号", text=True, help=EXPORT_ONLY),
)


def _one_contest(row: Row, column: Column, contests: dict[str, list[Contest]], not_found: str) -> Contest | None:
    """The one contest a row's "contest" cell names (title or slug) among `contests`; otherwise an
    error on the row: several of that title (fill in the slug), or none (`not_found`, with %(c)s)."""
    text = row.values["contest"].strip()
    matches = contests.get(text, [])
    if len(matches) > 1:
        row.error(
            column,
            _("有多个名为“%(c)s”的竞赛，请改填网址标识：%(slugs)s。")
            % {"c": text, "slugs": "、".join(c.slug for c in matches)},
        )
        return None
    if not matches:
        row.error(column, not_found % {"c": text})
        return None
    return matches[0]


class RegistrationImporter(Importer):
    """Bulk registration and nomination. Natural key: (contest, person): one registration each.

    An organizer registers anyone eligible for the contests she manages; an enterprise admin
    nominates her organization's staff for published contests (`check_registration` says who
    may register whom). New registrations wait for review, as on the page.
    """

    def __init__(self, actor: User, context: Any = None) -> None:
        super().__init__(actor, context)
        self.columns = {c.key: c for c in REGISTRATION_COLUMNS}
        self.people = PersonColumns(self.columns["mobile"], self.columns["id_number"], self.columns["real_name"])
        self.contests: dict[str, list[Contest]] = {}
        self.groups: dict[int, dict[str, EventGroup]] = {}
        self.windows: dict[int, str] = {}
        self.seen: dict[tuple[int, int], int] = {}
        self.team_sizes: dict[tuple[int, str], int] = {}
        self.team_groups: dict[tuple[int, str], int] = {}
        self.team_orgs: dict[tuple[int, str], set[int | None]] = {}

    def _may_use(self, contest: Contest) -> bool:
        if selectors.can_manage(self.actor, contest):
            return True
        return self.actor.has_role(Role.ENTERPRISE_ADMIN) and contest.status != ContestStatus.DRAFT

    def _load_contests(self, texts: set[str]) -> None:
        missing = texts - self.contests.keys()
        if not missing:
            return
        found = [
            c
            for c in Contest.objects.filter(Q(slug__in=missing) | Q(title__in=missing)).prefetch_related("event_groups")
            if self._may_use(c)
        ]
        for text in missing:
            self.contests[text] = [c for c in found if text in (c.slug, c.title)]
        for contest in found:
            self.groups[contest.pk] = {g.name: g for g in contest.event_groups.all()}

    def _contest(self, row: Row) -> Contest | None:
        return _one_contest(
            row,
            self.columns["contest"],
            self.contests,
            _("未找到竞赛“%(c)s”，或您不能为该竞赛报名：请核对竞赛名称或网址标识。"),
        )

    def clean_chunk(self, rows: list[Row]) -> None:
        col = self.columns
        self._load_contests({r.values["contest"].strip() for r in rows if r.values["contest"].strip()})
        for row in rows:
            row.data = {"contest": None, "group": None}
            if row.has_error(col["contest"]) or row.has_error(col["event_group"]):
                continue
            contest = self._contest(row)
            if contest is None:
                continue
            name = row.values["event_group"].strip()
            group = self.groups[contest.pk].get(name)
            if group is None:
                row.error(
                    col["event_group"],
                    _("竞赛“%(c)s”没有赛项“%(g)s”，可填写：%(all)s。")
                    % {
                        "c": contest.title,
                        "g": name,
                        "all": "、".join(self.groups[contest.pk]) or _("（尚未设置赛项）"),
                    },
                )
                continue
            row.data.update(contest=contest, group=group)
        self.people.resolve(rows)
        candidates = [r for r in rows if not r.errors]
        existing = {
            (r.contest_id, r.person_id): r
            for r in Registration.objects.filter(
                contest_id__in={r.data["contest"].pk for r in candidates},
                person_id__in={r.data["person"].pk for r in candidates},
            ).select_related("team_membership__team")
        }
        for row in candidates:
            self._check(row, existing.get((row.data["contest"].pk, row.data["person"].pk)))

    def _check(self, row: Row, registration: Registration | None) -> None:
        col = self.columns
        contest: Contest = row.data["contest"]
        group: EventGroup = row.data["group"]
        person: User = row.data["person"]
        first = self.seen.setdefault((contest.pk, person.pk), row.number)
        if first != row.number:
            row.error(col["mobile"], _("与第 %(n)s 行是同一人报名同一竞赛。") % {"n": first})
            return
        team = row.values["team"].strip()[:60]
        row.data["team"] = team
        if registration is not None and registration.status in ACTIVE and registration.event_group_id == group.pk:
            try:  # who may register whom comes first, so a file cannot even learn who is registered
                actions.check_registration(
                    person=person, contest=contest, event_group=group, actor=self.actor, check_window=False
                )
            except PermissionDenied as exc:
                row.error(col["mobile"], _message(exc))
                return
            except ValidationError:
                pass  # "already registered": that is what this row says
            membership = getattr(registration, "team_membership", None)
            current = membership.team.name if membership is not None else ""
            if team and team != current:
                row.error(
                    col["team"],
                    _("%(p)s 已报名该赛项（队伍：%(t)s），更换队伍请在竞赛管理页操作。")
                    % {"p": person.real_name, "t": current or _("无")},
                )
                return
            row.action = "unchanged"
            return
        try:
            actions.check_registration(person=person, contest=contest, event_group=group, actor=self.actor)
        except (ValidationError, PermissionDenied) as exc:
            if contest.pk not in self.windows:
                self.windows[contest.pk] = selectors.registration_window_problem(contest)
            message = _message(exc)
            row.error(col["contest"] if message == self.windows[contest.pk] else col["mobile"], message)
            return
        if not team and selectors.is_team_contest(contest):
            # `register` refuses it too, but only at write time, which would fail the whole file.
            row.error(col["team"], _("本竞赛为团体赛，请在“队名”列填写队名（填写新队名即组建新队伍）。"))
            return
        if team and not self._check_team(row, contest, group, team):
            return
        row.action = "update" if registration is not None else "create"

    def _check_team(self, row: Row, contest: Contest, group: EventGroup, team: str) -> bool:
        """The team rules of `join_team` (individual contests, one event group, colleagues only
        unless an organizer forms the team, size), counted across the file and the database."""
        col = self.columns
        rules = selectors.rules_for(contest)
        if rules.team_size_max < 2:
            row.error(col["team"], _("本竞赛为个人赛，不组队，请把队名留空。"))
            return False
        key = (contest.pk, team)
        if key not in self.team_sizes:
            members = TeamMember.objects.filter(team__contest=contest, team__name=team)
            orgs = list(members.values_list("registration__person__organization_id", flat=True))
            self.team_sizes[key] = len(orgs)
            self.team_orgs[key] = set(orgs)
            stored = contest.teams.filter(name=team).values_list("event_group_id", flat=True).first()
            self.team_groups[key] = stored or group.pk
        if self.team_groups[key] != group.pk:
            row.error(col["team"], _("队伍“%(t)s”属于其他赛项，同队人员须报名同一赛项。") % {"t": team})
            return False
        person: User = row.data["person"]
        colleague = person.organization_id is not None and person.organization_id in self.team_orgs[key]
        if self.team_sizes[key] and not colleague and not selectors.can_manage(self.actor, contest):
            row.error(
                col["team"],
                _("队伍“%(t)s”由其他单位的选手组建，不能自行加入；如需跨单位组队，请联系组织者编队。") % {"t": team},
            )
            return False
        if self.team_sizes[key] >= rules.team_size_max:
            row.error(col["team"], _("队伍“%(t)s”已满（最多 %(n)s 人）。") % {"t": team, "n": rules.team_size_max})
            return False
        self.team_sizes[key] += 1
        self.team_orgs[key].add(person.organization_id)
        return True

    def write(self, rows: list[Row]) -> WriteCounts:
        counts = WriteCounts()
        for row in rows:
            if row.action == "unchanged":
                counts.unchanged += 1
                continue
            data = row.data
            try:
                actions.register(
                    person=data["person"],
                    contest=data["contest"],
                    event_group=data["group"],
                    actor=self.actor,
                    team=data["team"] or None,
                )
            except (ValidationError, PermissionDenied) as exc:
                raise IntegrityError(_message(exc)) from exc
            if row.action == "update":
                counts.updated += 1
            else:
                counts.created += 1
        return counts


class RegistrationExporter(Exporter):
    """Registrations of the contests the exporter manages, and (enterprise admins) those of her
    organization's staff."""

    def queryset(self) -> QuerySet[Registration]:
        condition = Q(contest__in=managed_contest_ids(self.actor))
        if self.actor.has_role(Role.ENTERPRISE_ADMIN):
            orgs = selectors.enterprise_admin_org_ids(self.actor)
            if orgs:
                condition |= Q(person__organization_id__in=orgs)
        found = Registration.objects.filter(condition)
        if self.context is not None:
            found = found.filter(contest=self.context)
        return found.select_related("contest", "event_group", "person", "ticket", "team_membership__team").order_by(
            "contest_id", "event_group_id", "pk"
        )

    def rows(self, objects: Iterable[Registration]) -> Iterator[dict[str, object]]:
        for registration in objects:
            person = registration.person
            ticket = getattr(registration, "ticket", None)
            membership = getattr(registration, "team_membership", None)
            yield {
                "contest": registration.contest.title,
                "event_group": registration.event_group.name,
                "real_name": person.real_name,
                "mobile": person.mobile,
                "id_number": self.id_number(person),
                "team": membership.team.name if membership is not None else "",
                "status": registration.get_status_display(),
                "ticket": ticket.number if ticket is not None else "",
            }


# --- Practical marks --------------------------------------------------------------------------

MARK_COLUMNS = (
    Column(
        "contest",
        "竞赛",
        required=True,
        example="2026 年山东省数字技能大赛",
        help="必填，竞赛名称或网址标识（同名竞赛请填网址标识）。",
    ),
    Column(
        "check_in",
        "检录号",
        required=True,
        text=True,
        zero_padded=3,
        example="007",
        help="必填，选手（团体赛为参赛队）抽取的检录号，如 007；请将该列设为文本格式，保留开头的 0。",
    ),
    Column("task", "实操任务", example="设备联网与数据采集", help="选填；同一赛项有同名评分项时用于区分。"),
    Column("item", "评分项", required=True, example="采集点位正确", help="必填，评分标准中的评分项内容。"),
    Column(
        "value",
        "分数",
        required=True,
        example="36.5",
        help="必填；测量项 0 到该项分值，最多两位小数；评判项只能填 0、1、2、3。",
    ),
    Column("event_group", "赛项", help=EXPORT_ONLY),
    Column("judge", "裁判", help=EXPORT_ONLY + "导入的评分一律记在导入人（本人）名下。"),
)


class MarkImporter(Importer):
    """A judge's own marks, by 检录号 as on her judging sheet (she sees no names or tickets).
    Natural key: (entrant, marking item, judge = the importer); the entrant is the contestant or,
    in a team contest, the team that drew the number.

    Only numbers of the event groups she judges are found. Every row goes through `check_mark`
    (assignment, recusal from her own organization's contestants or team members, approved
    entrant, team contests scored per team, not signed off, 0–max, whole numbers for judgement
    items, two decimals); the write is `record_mark`, audited per mark.
    """

    def __init__(self, actor: User, context: Any = None) -> None:
        super().__init__(actor, context)
        self.columns = {c.key: c for c in MARK_COLUMNS}
        assignments = JudgeAssignment.objects.filter(judge=actor).select_related("event_group__contest")
        self.group_ids = {a.event_group_id for a in assignments}
        self.contests: dict[str, list[Contest]] = {}
        for contest in {a.event_group.contest for a in assignments}:
            for text in {contest.slug, contest.title}:
                self.contests.setdefault(text, []).append(contest)
        self.seen: dict[tuple[int, int], int] = {}
        self.items: dict[int, list[MarkingItem]] = {}

    def _contest(self, row: Row) -> Contest | None:
        return _one_contest(
            row, self.columns["contest"], self.contests, _("未找到您担任裁判的竞赛“%(c)s”，请核对竞赛名称或网址标识。")
        )

    def _items(self, group_ids: set[int]) -> None:
        missing = group_ids - self.items.keys()
        for group_id in missing:
            self.items[group_id] = []
        for item in MarkingItem.objects.filter(task__event_group_id__in=missing).select_related("task"):
            self.items[item.task.event_group_id].append(item)

    def _item(self, row: Row, group: EventGroup) -> MarkingItem | None:
        col = self.columns
        description = row.values["item"].strip()
        task = row.values["task"].strip()
        matches = [
            item
            for item in self.items[group.pk]
            if item.description == description and (not task or item.task.title == task)
        ]
        if not matches:
            row.error(
                col["item"],
                _("赛项“%(g)s”的评分标准中没有评分项“%(i)s”%(t)s，请核对。")
                % {"g": group.name, "i": description, "t": (_("（实操任务“%(t)s”）") % {"t": task}) if task else ""},
            )
            return None
        if len(matches) > 1:
            row.error(col["task"], _("评分项“%(i)s”在多个实操任务中出现，请填写实操任务以区分。") % {"i": description})
            return None
        return matches[0]

    def _check_ins(self, rows: list[Row]) -> dict[tuple[int, str], CheckIn]:
        """(contest id, 检录号) → the check-in, only for entrants of the groups she judges."""
        wanted = {(r.data["contest"].pk, r.values["check_in"].strip()) for r in rows if r.data.get("contest")}
        if not wanted:
            return {}
        found: dict[tuple[int, str], CheckIn] = {}
        for check_in in CheckIn.objects.filter(
            contest_id__in={c for c, _n in wanted}, number__in={n for _c, n in wanted}
        ).select_related("registration__person", "registration__event_group", "team__event_group"):
            if check_in.entrant.event_group_id in self.group_ids:
                found[(check_in.contest_id, check_in.number)] = check_in
        return found

    def clean_chunk(self, rows: list[Row]) -> None:
        col = self.columns
        for row in rows:
            row.data = {}
            if not row.errors:
                row.data["contest"] = self._contest(row)
        check_ins = self._check_ins(rows)
        self._items(self.group_ids)
        candidates: list[Row] = []
        for row in rows:
            if row.errors:
                continue
            number = row.values["check_in"].strip()
            check_in = check_ins.get((row.data["contest"].pk, number))
            if check_in is None:
                row.error(
                    col["check_in"], _("未找到检录号 %(n)s，或该选手不在您评分的赛项中，请核对。") % {"n": number}
                )
                continue
            registration, team = check_in.registration, check_in.team
            group = check_in.entrant.event_group
            item = self._item(row, group)
            if item is None:
                continue
            first = self.seen.setdefault((check_in.pk, item.pk), row.number)
            if first != row.number:
                row.error(col["item"], _("与第 %(n)s 行是同一检录号的同一评分项。") % {"n": first})
                continue
            try:
                value = actions.check_mark(
                    judge=self.actor, registration=registration, team=team, item=item, value=row.values["value"]
                )
            except PermissionDenied as exc:
                row.error(col["check_in"], _message(exc))
                continue
            except ValidationError as exc:
                row.error(col["value"], _message(exc))
                continue
            row.data.update(registration=registration, team=team, item=item, value=value)
            candidates.append(row)
        existing = {
            (selectors.mark_key(m.registration_id, m.team_id), m.item_id): m.value
            for m in Mark.objects.filter(judge=self.actor, item_id__in={r.data["item"].pk for r in candidates})
        }
        for row in candidates:
            data = row.data
            key = selectors.mark_key(
                data["registration"].pk if data["registration"] else None, data["team"].pk if data["team"] else None
            )
            stored = existing.get((key, data["item"].pk))
            if stored is None:
                row.action = "create"
            else:
                row.action = "unchanged" if stored == data["value"] else "update"

    def write(self, rows: list[Row]) -> WriteCounts:
        counts = WriteCounts()
        for row in rows:
            if row.action == "unchanged":
                counts.unchanged += 1
                continue
            data = row.data
            try:
                actions.record_mark(
                    judge=self.actor,
                    registration=data["registration"],
                    team=data["team"],
                    item=data["item"],
                    value=data["value"],
                )
            except (ValidationError, PermissionDenied) as exc:
                raise IntegrityError(_message(exc)) from exc
            if row.action == "update":
                counts.updated += 1
            else:
                counts.created += 1
        return counts


class MarkExporter(Exporter):
    """A judge's own marks; every mark of the contests an organizer manages. By 检录号 only, as
    on the judging sheet: no names or tickets."""

    def queryset(self) -> QuerySet[Mark]:
        managed = managed_contest_ids(self.actor)
        return (
            Mark.objects.filter(Q(judge=self.actor) | Q(item__task__event_group__contest__in=managed))
            .select_related("item__task__event_group__contest", "registration__check_in", "team__check_in", "judge")
            .order_by("item__task__event_group__contest_id", "item__task__event_group_id", "pk")
        )

    def rows(self, objects: Iterable[Mark]) -> Iterator[dict[str, object]]:
        for mark in objects:
            entrant = mark.registration if mark.registration_id else mark.team
            check_in = getattr(entrant, "check_in", None) if entrant is not None else None
            group = mark.item.task.event_group
            yield {
                "contest": group.contest.title,
                "check_in": check_in.number if check_in is not None else "",
                "task": mark.item.task.title,
                "item": mark.item.description,
                "value": points_text(mark.value),
                "event_group": group.name,
                "judge": mark.judge.real_name,
            }


# --- Results and awards (export only) ---------------------------------------------------------

RESULT_COLUMNS = (
    Column("contest", "竞赛"),
    Column("event_group", "赛项"),
    Column("rank", "名次"),
    Column("ticket", "准考证号", text=True),
    Column("real_name", "姓名"),
    Column("organization", "单位"),
    Column("team", "参赛队"),
    Column("theory", "理论成绩"),
    Column("practical", "实操成绩"),
    Column("final", "总成绩"),
    Column("award", "奖项"),
    Column("certificate", "获奖证书编号", text=True),
)


class ResultExporter(Exporter):
    """Published results of the contests the exporter manages, and (province, city and
    enterprise admins) those of the people they may see."""

    def queryset(self) -> QuerySet[Result]:
        condition = Q(registration__contest__in=managed_contest_ids(self.actor))
        if self.actor.has_role(Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE_ADMIN):
            condition |= Q(registration__person__in=people_visible_to(self.actor).values("pk"))
        found = Result.objects.filter(condition, registration__contest__lifecycle__results_published_at__isnull=False)
        if self.context is not None:
            found = found.filter(registration__contest=self.context)
        return (
            found.select_related("registration__contest", "registration__person__organization", "registration__ticket")
            .select_related("event_group", "team")
            .order_by("registration__contest_id", "event_group_id", "absent", F("rank").asc(nulls_last=True), "pk")
        )

    def rows(self, objects: Iterable[Result]) -> Iterator[dict[str, object]]:
        from lms.models import Certificate

        # Award certificates are few (one per awardee): one query for all of them.
        certificates = {
            (source_id, holder_id): number
            for source_id, holder_id, number in Certificate.objects.filter(source="competitions.award").values_list(
                "source_id", "holder_id", "number"
            )
        }
        for result in objects:
            registration = result.registration
            person = registration.person
            ticket = getattr(registration, "ticket", None)
            yield {
                "contest": registration.contest.title,
                "event_group": result.event_group.name,
                "rank": result.standing if result.absent else result.rank,
                "ticket": ticket.number if ticket is not None else "",
                "real_name": person.real_name,
                "organization": person.organization.name if person.organization is not None else "",
                "team": result.team.name if result.team is not None else "",
                "theory": points_text(result.theory),
                "practical": points_text(result.practical),
                "final": points_text(result.final),
                "award": result.get_award_display() if result.award else "",
                "certificate": certificates.get((str(registration.pk), person.pk), "") if result.award else "",
            }


register_context(
    ContextKind(
        key="contest",
        label=gettext_lazy("竞赛"),
        # The console's own check: only those who manage the contest (404 for anyone else).
        resolve=lambda user, slug: selectors.access_managed_contest(slug, user),
        cell_values=lambda contest: (contest.slug, contest.title),
    )
)

register(
    RecordType(
        key="registrations",
        label=gettext_lazy("竞赛报名"),
        description=gettext_lazy(
            "组织者为所管理的竞赛批量报名，企业管理员推荐本单位员工报名（报名后待审核）；导出报名名单。"
        ),
        columns=REGISTRATION_COLUMNS,
        natural_key=("contest", "mobile"),
        importer=RegistrationImporter,
        exporter=RegistrationExporter,
        context="contest",
        context_column="contest",
        can_import=lambda user: user.has_role(*REGISTRANTS) or selectors.may_open_console(user),
        can_export=lambda user: user.has_role(*REGISTRANTS) or selectors.may_open_console(user),
    )
)

register(
    RecordType(
        key="marks",
        label=gettext_lazy("实操评分"),
        description=gettext_lazy("裁判按检录号和评分项导入本人的实操评分（裁判长签字前）；导出评分明细。"),
        columns=MARK_COLUMNS,
        natural_key=("contest", "check_in", "task", "item"),
        importer=MarkImporter,
        exporter=MarkExporter,
        can_import=lambda user: user.has_role(Role.JUDGE) or selectors.judges_any_group(user),
        can_export=lambda user: (
            user.has_role(Role.JUDGE, Role.ORGANIZER, Role.PROVINCE_ADMIN)
            or selectors.judges_any_group(user)
            or selectors.may_open_console(user)
        ),
    )
)

register(
    RecordType(
        key="results",
        label=gettext_lazy("竞赛成绩"),
        description=gettext_lazy("已公布的竞赛成绩、名次、奖项和获奖证书编号（只导出：成绩由评分计算并公布）。"),
        columns=RESULT_COLUMNS,
        natural_key=("contest", "ticket"),
        exporter=ResultExporter,
        context="contest",
        can_export=lambda user: user.has_role(*RESULT_VIEWERS) or selectors.may_open_console(user),
    )
)
