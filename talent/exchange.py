"""Record types talent exchanges as spreadsheets (a plugin module of `exchange`, found by
`exchange.registry.discover`).

Imports go through `talent.actions`, so the rules, audit records and ledger writes are the same
as on the pages:

- `evaluations` (技能评价): a person already registered (found by mobile or ID number, within
  the importer's scope, name checked) gets a proposed skill level or talent category through
  `propose_evaluation`. Whoever may decide evaluations of that person (province admin; city
  admin for her city) has it approved at once through `approve_evaluation` (certificate, ledger
  achievement); everyone else's rows wait for approval (an enterprise's own evaluation, 企业
  自主评价). Nobody approves their own evaluation, the command line without `--as` approves
  nothing, and 高技能领军人才 is never imported: it comes only from a selection round.
  Natural key: person + level/category + evaluation body.
- `demands` (企业人才需求): an enterprise admin posts her organization's demands through
  `post_demand`. Natural key: organization + job title + city among open demands; an identical
  row is unchanged, a changed one is refused (there is no action that edits a posted demand).
- Export only: `achievements` (the ledger of the people the exporter may see), `leaderboards` (top 100 of every board the exporter may see, names anonymized
  unless the person agreed, as on the public page), `shortlist` (approved and final leader
  candidates), `kpi_report` (the yearly supervision figures of `talent.kpi.build`, the numbers
  of the dashboard).

Contexts: `round` (a selection round, for city and province admins: the round page's 导出名单)
limits `shortlist`; `city` (a city the admin oversees: the dashboard's 导出年度督导报告 on a
city's board) limits `kpi_report`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, TextChoices
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import pii
from accounts.choices import Role, SkillDomain
from accounts.models import Organization, User
from accounts.selectors import enterprise_admin_org_ids, people_visible_to, scope_for
from accounts.validators import (
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)
from exchange.columns import (
    EXAMPLE_CODE,
    EXAMPLE_ID,
    choice_labels,
    choice_lookup,
    city_lookup,
    first_message,
    local_time,
)
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
from talent import actions, kpi, selectors
from talent.models import (
    Achievement,
    AchievementKind,
    Candidate,
    CandidateStatus,
    Demand,
    DemandStatus,
    Evaluation,
    EvaluationRoute,
    EvaluationStatus,
    KpiMetric,
    MatchStatus,
    SkillLevel,
    TalentCategory,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

ADMINS = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN)
EVALUATION_IMPORTERS = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE_ADMIN)
LEDGER_EXPORTERS = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE_ADMIN)
BOARD_EXPORTERS = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE_ADMIN, Role.ORGANIZER)
EVALUATION_SOURCE = "exchange.import"
BOARD_TOP = 100  # the most the public page shows
LIST_SPLIT = re.compile(r"[、,，;；/\s]+")


def _lookup(choices: type[TextChoices]) -> dict[str, str]:
    """Label or value → value, also accepting each half of a two-part label (三级/高级工 →
    三级, 高级工) and ASCII brackets for full-width ones."""
    table = choice_lookup(choices)
    for label, value in list(table.items()):
        if "/" in label:
            for part in label.split("/"):
                table.setdefault(part, value)
    return table


def _normalize(text: str) -> str:
    return text.strip().replace("(", "（").replace(")", "）").replace(" ", "")


def _labels(choices: type[TextChoices], exclude: tuple[str, ...] = ()) -> str:
    return "、".join(label for value, label in choice_labels(choices).items() if value not in exclude)


def _whole_number(text: str) -> int | None:
    """A non-negative whole number written as text ("5", "6,000"); None when it is not one."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    return int(cleaned) if cleaned.isdigit() else None


# --- The achievements ledger (export only) ----------------------------------------------------

ACHIEVEMENT_COLUMNS = (
    Column("real_name", "姓名"),
    Column("mobile", "手机号", text=True, pii="mobile"),
    Column("organization", "单位"),
    Column("kind", "类型"),
    Column("title", "名称"),
    Column("source", "来源"),
    Column("occurred_at", "取得时间"),
    Column("state", "状态"),
)


class AchievementExporter(Exporter):
    """Achievements of the people the exporter may see (`people_visible_to`)."""

    def queryset(self) -> QuerySet[Achievement]:
        people = people_visible_to(self.actor).values("pk")
        return (
            Achievement.objects.filter(person__in=people)
            .select_related("person", "person__organization")
            .order_by("person_id", "occurred_at", "pk")
        )

    def rows(self, objects: Iterable[Achievement]) -> Iterator[dict[str, object]]:
        kinds = choice_labels(AchievementKind)
        for item in objects:
            person = item.person
            yield {
                "real_name": person.real_name,
                "mobile": person.mobile,
                "organization": person.organization.name if person.organization else "",
                "kind": kinds.get(item.kind, item.kind),
                "title": item.title,
                "source": item.source,
                "occurred_at": local_time(item.occurred_at),
                "state": "已撤销" if item.revoked_at else "有效",
            }


# --- Evaluations ------------------------------------------------------------------------------

EVALUATION_COLUMNS = (
    Column("real_name", "姓名", required=True, example="王小明", help="必填，须与平台登记的姓名一致。"),
    Column(
        "mobile",
        "手机号",
        text=True,
        pii="mobile",
        example="13800138000",
        help="手机号与身份证号至少填写一项，用于找到已在平台登记的人员（请先导入人员）。",
    ),
    Column(
        "id_number",
        "身份证号",
        text=True,
        pii="id_number",
        example=EXAMPLE_ID,
        help="18 位居民身份证号，请将该列设为文本格式；与手机号都填写时须属于同一人员。",
    ),
    Column(
        "level",
        "技能等级",
        example="三级/高级工",
        help="技能等级与人才类别须填写且只填写一项。技能等级："
        + "、".join(str(label) for label in SkillLevel.labels)
        + "（也可只写“三级”或“高级工”）。",
    ),
    Column(
        "category",
        "人才类别",
        example="",
        help="人才类别：数字技能人才、数字化解决方案设计师、数字技术工程师（初级/中级/高级）。"
        "高技能领军人才须经遴选批次产生，不能导入。",
    ),
    Column(
        "domain", "技能领域", example="工业机器人", help="选填：" + "、".join(str(x) for x in SkillDomain.labels) + "。"
    ),
    Column("route", "评价方式", required=True, example="技能考核", help="必填：技能考核、以赛代评 或 业绩认定。"),
    Column(
        "body",
        "评价机构",
        required=True,
        example="济南市职业技能鉴定指导中心",
        help="必填，最多 120 个字。同一人员、同一等级（类别）、同一评价机构只记一条，重复导入不会重复创建。",
    ),
    Column("note", "佐证说明", example="2026 年第二期考核，理论 86 分、实操 90 分", help="选填，最多 500 个字。"),
    Column("status", "状态", help="仅导出时填写（待审核、已通过、未通过），导入时忽略。"),
    Column("certificate_no", "证书编号", text=True, help="仅导出时填写：审核通过后由平台生成，导入时忽略。"),
)


def evaluation_key(subject: str, body: str) -> str:
    """The source id of an imported evaluation: the level or category and the body (hashed, as
    bodies may be long), so the same row imported again finds the same record."""
    return f"{subject}:{hashlib.sha256(body.encode()).hexdigest()[:24]}"


class EvaluationImporter(Importer):
    """Proposed (or, for deciders, approved) skill levels and talent categories of registered
    people in the importer's scope. See the module docstring for the status rules."""

    chunk_size = 500

    def __init__(self, actor: User, context: Any = None) -> None:
        super().__init__(actor, context)
        self.col = {c.key: c for c in EVALUATION_COLUMNS}
        self.levels = _lookup(SkillLevel)
        self.categories = _lookup(TalentCategory)
        self.domains = _lookup(SkillDomain)
        self.routes = _lookup(EvaluationRoute)
        self.visible = people_visible_to(actor).select_related(None)
        # `can_decide_evaluation` for people in scope, without a query per row; an approval
        # needs a named approver, so the command line without --as only proposes.
        self.decides = bool(actor.pk) and actor.has_role(Role.PROVINCE_ADMIN, Role.CITY_ADMIN)
        self.seen: dict[tuple[int, str], int] = {}

    def _parse(self, row: Row) -> dict[str, Any]:
        col, v = self.col, row.values
        data: dict[str, Any] = {"real_name": v["real_name"].strip(), "mobile": "", "id_hash": ""}
        mobile = normalize_mobile(v["mobile"])
        if mobile and not row.has_error(col["mobile"]):
            try:
                validate_mobile(mobile)
            except ValidationError as exc:
                row.error(col["mobile"], first_message(exc))
            else:
                data["mobile"] = mobile
        number = normalize_id_number(v["id_number"])
        if number and not row.has_error(col["id_number"]):
            try:
                validate_id_number(number)
            except ValidationError as exc:
                row.error(col["id_number"], first_message(exc))
            else:
                data["id_hash"] = pii.fingerprint(number)
        if not mobile and not number:
            row.error(col["mobile"], _("手机号和身份证号至少填写一项，用于找到该人员。"))
        level_text, category_text = _normalize(v["level"]), _normalize(v["category"])
        data["level"] = data["category"] = ""
        if bool(level_text) == bool(category_text):
            row.error(col["level"], _("技能等级和人才类别须填写且只填写一项。"))
        elif level_text:
            data["level"] = self.levels.get(level_text, "")
            if not data["level"]:
                row.error(
                    col["level"],
                    _("未知技能等级“%(v)s”：应为 %(all)s 之一。") % {"v": level_text, "all": _labels(SkillLevel)},
                )
        else:
            data["category"] = self.categories.get(category_text, "")
            if data["category"] == TalentCategory.LEADER:
                row.error(col["category"], _("高技能领军人才须经遴选批次审核、公示后产生，不能通过导入认定。"))
            elif not data["category"]:
                row.error(
                    col["category"],
                    _("未知人才类别“%(v)s”：应为 %(all)s 之一。")
                    % {"v": category_text, "all": _labels(TalentCategory, exclude=(TalentCategory.LEADER,))},
                )
        domain = v["domain"].strip()
        data["domain"] = self.domains.get(domain, "") if domain else ""
        if domain and not data["domain"]:
            row.error(
                col["domain"],
                _("未知技能领域“%(v)s”：应为 %(all)s 之一。") % {"v": domain, "all": _labels(SkillDomain)},
            )
        route = v["route"].strip()
        data["route"] = self.routes.get(route, "")
        if route and not data["route"]:
            row.error(col["route"], _("未知评价方式“%(v)s”：应为 技能考核、以赛代评 或 业绩认定。") % {"v": route})
        data["body"] = v["body"].strip()
        if len(data["body"]) > 120:
            row.error(col["body"], _("评价机构最多 120 个字。"))
        data["note"] = v["note"].strip()
        if len(data["note"]) > 500:
            row.error(col["note"], _("佐证说明最多 500 个字。"))
        return data

    def clean_chunk(self, rows: list[Row]) -> None:
        col = self.col
        for row in rows:
            row.data = self._parse(row)
        mobiles = {r.data["mobile"] for r in rows if r.data["mobile"]}
        hashes = {r.data["id_hash"] for r in rows if r.data["id_hash"]}
        # Only people in scope are found: someone outside it reads as "not found", not as a
        # person who exists elsewhere.
        by_mobile = {u.mobile: u for u in self.visible.filter(mobile__in=mobiles)} if mobiles else {}
        by_hash = {u.id_number_hash: u for u in self.visible.filter(id_number_hash__in=hashes)} if hashes else {}
        for row in rows:
            data = row.data
            person: User | None = None
            if data["mobile"]:
                person = by_mobile.get(data["mobile"])
                if person is None:
                    row.error(col["mobile"], _("未找到使用该手机号的人员，或该人员不在您的管理范围内：请先导入人员。"))
            if data["id_hash"]:
                other = by_hash.get(data["id_hash"])
                if other is None:
                    row.error(col["id_number"], _("未找到该身份证号的人员，或该人员不在您的管理范围内：请先导入人员。"))
                elif person is not None and other.pk != person.pk:
                    row.error(col["id_number"], _("身份证号与手机号不属于同一人员，请核对。"))
                    person = None
                else:
                    person = person or other
            if person is not None and data["real_name"] and person.real_name != data["real_name"]:
                row.error(col["real_name"], _("姓名“%(n)s”与平台登记的姓名不一致，请核对。") % {"n": data["real_name"]})
            data["person"] = person
            subject = data["level"] or data["category"]
            if row.errors:
                continue  # a row that is wrong anyway is not also reported as a duplicate
            # A row without errors names a person: _parse asks for a mobile or an ID number, and
            # each one given that is not found is an error.
            assert person is not None
            data["source_id"] = evaluation_key(subject, data["body"])
            first = self.seen.setdefault((person.pk, data["source_id"]), row.number)
            if first != row.number:
                row.error(
                    col["body"], _("与第 %(n)s 行重复（同一人员、同一等级或类别、同一评价机构）。") % {"n": first}
                )
        keyed = [r for r in rows if not r.errors]
        existing = set(
            Evaluation.objects.filter(
                person__in=[r.data["person"].pk for r in keyed],
                source=EVALUATION_SOURCE,
                source_id__in={r.data["source_id"] for r in keyed},
            ).values_list("person_id", "source_id")
        )
        for row in keyed:
            data = row.data
            row.action = "unchanged" if (data["person"].pk, data["source_id"]) in existing else "create"
            data["approve"] = self.decides and data["person"].pk != self.actor.pk

    def write(self, rows: list[Row]) -> WriteCounts:
        counts = WriteCounts()
        actor = self.actor if self.actor.pk else None
        for row in rows:
            data = row.data
            if row.action == "unchanged":
                counts.unchanged += 1
                continue
            evaluation = actions.propose_evaluation(
                person=data["person"],
                level=data["level"],
                category=data["category"],
                domain=data["domain"],
                route=data["route"],
                body=data["body"],
                evidence={"note": data["note"], "imported": True},
                source=EVALUATION_SOURCE,
                source_id=data["source_id"],
                actor=actor,
            )
            if data["approve"] and evaluation.status == EvaluationStatus.PENDING:
                actions.approve_evaluation(evaluation, actor=self.actor, reason=_("批量导入"))
            counts.created += 1
        return counts


class EvaluationExporter(Exporter):
    """Evaluations of the people the exporter may see."""

    def queryset(self) -> QuerySet[Evaluation]:
        people = people_visible_to(self.actor).values("pk")
        return Evaluation.objects.filter(person__in=people).select_related("person").order_by("person_id", "pk")

    def rows(self, objects: Iterable[Evaluation]) -> Iterator[dict[str, object]]:
        levels, categories = choice_labels(SkillLevel), choice_labels(TalentCategory)
        domains, routes = choice_labels(SkillDomain), choice_labels(EvaluationRoute)
        statuses = choice_labels(EvaluationStatus)
        for item in objects:
            person = item.person
            yield {
                "real_name": person.real_name,
                "mobile": person.mobile,
                "id_number": self.id_number(person),
                "level": levels.get(item.level, ""),
                "category": categories.get(item.category, ""),
                "domain": domains.get(item.domain, item.domain),
                "route": routes.get(item.route, item.route),
                "body": item.body,
                "note": str(item.evidence.get("note", "")) if isinstance(item.evidence, dict) else "",
                "status": statuses.get(item.status, item.status),
                "certificate_no": item.certificate_no,
            }


# --- Enterprise demands -------------------------------------------------------------------------

DEMAND_COLUMNS = (
    Column(
        "org_code",
        "单位统一社会信用代码",
        text=True,
        example="",
        help="企业管理员留空即为本单位（管理多个单位时须填写 18 位代码，如 "
        + EXAMPLE_CODE
        + "）；只能导入本单位的人才需求。",
    ),
    Column(
        "title",
        "岗位名称",
        required=True,
        example="工业机器人运维工程师",
        help="必填，最多 120 个字。同一单位、同一工作城市招募中的岗位按名称识别，重复导入不会重复创建。",
    ),
    Column(
        "domains",
        "技能领域",
        required=True,
        example="工业机器人、智能制造",
        help="必填，可填多个，用“、”或逗号分隔：" + "、".join(str(x) for x in SkillDomain.labels) + "。",
    ),
    Column("skills", "技能要求", example="熟悉 PLC 编程与机器人示教", help="选填，最多 300 个字。"),
    Column("min_level", "最低技能等级", example="三级/高级工", help="选填，如 四级/中级工、三级/高级工、二级/技师。"),
    Column("headcount", "需求人数", required=True, example="5", help="必填，1—10000 的整数。"),
    Column("city", "工作城市", required=True, example="济南", help="必填，山东省的地级市，如 济南、青岛。"),
    Column("pay_min", "月薪下限（元）", example="6000", help="选填，整数。"),
    Column("pay_max", "月薪上限（元）", example="9000", help="选填，整数，不低于下限。"),
    Column("organization", "单位名称", help="仅导出时填写，导入时忽略。"),
    Column("status", "状态", help="仅导出时填写（招募中、已结束），导入时忽略。"),
    Column("accepted", "已确认人数", help="仅导出时填写：双方确认的对接人数，导入时忽略。"),
)

DEMAND_FIELDS = ("domains", "skills", "min_level", "headcount", "pay_min", "pay_max")


class DemandImporter(Importer):
    """An enterprise admin's talent demands, posted through `post_demand` (which checks that she
    administers the organization)."""

    def __init__(self, actor: User, context: Any = None) -> None:
        super().__init__(actor, context)
        self.col = {c.key: c for c in DEMAND_COLUMNS}
        self.cities = city_lookup()
        self.domains = _lookup(SkillDomain)
        self.levels = _lookup(SkillLevel)
        orgs = enterprise_admin_org_ids(actor)  # not mentor grants: only her organization posts demands
        self.any_org = actor.is_superuser
        self.own = {o.pk: o for o in Organization.objects.filter(pk__in=orgs)} if not self.any_org else {}
        self.default_org = next(iter(self.own.values())) if len(self.own) == 1 else None
        self.orgs: dict[str, Organization | None] = {}
        self.seen: dict[tuple[int, str, int], int] = {}

    def _organization(self, row: Row) -> Organization | None:
        col = self.col
        if not self.actor.pk:
            row.error(col["org_code"], _("人才需求须以企业管理员身份导入：命令行请用 --as 指定该管理员的手机号。"))
            return None
        code = normalize_credit_code(row.values["org_code"])
        if not code:
            if self.default_org is None:
                row.error(col["org_code"], _("您管理多个单位（或不属于任何单位），请填写单位统一社会信用代码。"))
            return self.default_org
        if row.has_error(col["org_code"]):
            return None
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            row.error(col["org_code"], first_message(exc))
            return None
        if code not in self.orgs:
            self.orgs[code] = Organization.objects.filter(credit_code=code).first()
        org = self.orgs[code]
        if org is None:
            row.error(col["org_code"], _("未找到统一社会信用代码为 %(c)s 的单位，请核对。") % {"c": code})
        elif not self.any_org and org.pk not in self.own:
            names = "、".join(o.name for o in self.own.values())
            row.error(col["org_code"], _("只能导入本单位（%(n)s）的人才需求。") % {"n": names})
            return None
        return org

    def _parse(self, row: Row) -> dict[str, Any]:
        col, v = self.col, row.values
        data: dict[str, Any] = {"organization": self._organization(row), "title": v["title"].strip()}
        if len(data["title"]) > 120:
            row.error(col["title"], _("岗位名称最多 120 个字。"))
        domains: list[str] = []
        for part in LIST_SPLIT.split(v["domains"].strip()):
            if not part:
                continue
            code = self.domains.get(part)
            if code is None:
                row.error(
                    col["domains"],
                    _("未知技能领域“%(v)s”：应为 %(all)s 之一。") % {"v": part, "all": _labels(SkillDomain)},
                )
            elif code not in domains:
                domains.append(code)
        data["domains"] = domains
        data["skills"] = v["skills"].strip()
        if len(data["skills"]) > 300:
            row.error(col["skills"], _("技能要求最多 300 个字。"))
        level = _normalize(v["min_level"])
        data["min_level"] = self.levels.get(level, "") if level else ""
        if level and not data["min_level"]:
            row.error(
                col["min_level"],
                _("未知技能等级“%(v)s”：应为 %(all)s 之一。") % {"v": level, "all": _labels(SkillLevel)},
            )
        headcount = _whole_number(v["headcount"]) if v["headcount"] else 0
        if v["headcount"] and (headcount is None or not 1 <= headcount <= 10000):
            row.error(col["headcount"], _("需求人数应为 1—10000 的整数，现为“%(v)s”。") % {"v": v["headcount"]})
        data["headcount"] = headcount
        city = v["city"].strip()
        data["city"] = self.cities.get(city) if city else None
        if city and data["city"] is None:
            row.error(col["city"], _("未知城市“%(c)s”：请填写山东省的地级市名称，如 济南、青岛。") % {"c": city})
        for key in ("pay_min", "pay_max"):
            text = v[key].strip()
            data[key] = _whole_number(text) if text else None
            if text and data[key] is None:
                row.error(col[key], _("月薪应为不带小数的元数，如 6000，现为“%(v)s”。") % {"v": text})
        if data["pay_min"] is not None and data["pay_max"] is not None and data["pay_min"] > data["pay_max"]:
            row.error(col["pay_max"], _("月薪上限不能低于下限。"))
        return data

    def clean_chunk(self, rows: list[Row]) -> None:
        for row in rows:
            row.data = self._parse(row)
        keyed = [r for r in rows if not r.errors]
        existing = {
            (d.organization_id, d.title, d.city_id): d
            for d in Demand.objects.filter(
                status=DemandStatus.OPEN,
                organization__in={r.data["organization"].pk for r in keyed},
                title__in={r.data["title"] for r in keyed},
            )
        }
        for row in keyed:
            data = row.data
            key = (data["organization"].pk, data["title"], data["city"].pk)
            first = self.seen.setdefault(key, row.number)
            if first != row.number:
                row.error(
                    self.col["title"], _("与第 %(n)s 行重复（同一单位、同一工作城市、同一岗位名称）。") % {"n": first}
                )
                continue
            current = existing.get(key)
            if current is None:
                row.action = "create"
            elif all(getattr(current, f) == data[f] for f in DEMAND_FIELDS):
                row.action = "unchanged"
            else:
                row.error(
                    self.col["title"],
                    _(
                        "本单位在该城市已有招募中的同名岗位，但内容不同：导入不会修改已发布的需求。"
                        "请在“人才需求”页面处理，或换一个岗位名称。"
                    ),
                )

    def write(self, rows: list[Row]) -> WriteCounts:
        counts = WriteCounts()
        for row in rows:
            if row.action == "unchanged":
                counts.unchanged += 1
                continue
            data = row.data
            actions.post_demand(
                actor=self.actor,
                organization=data["organization"],
                title=data["title"],
                domains=data["domains"],
                headcount=data["headcount"],
                city=data["city"],
                skills=data["skills"],
                min_level=data["min_level"],
                pay_min=data["pay_min"],
                pay_max=data["pay_max"],
            )
            counts.created += 1
        return counts


class _Accepted(TypedDict):
    n_accepted: int


class DemandExporter(Exporter):
    """The demands the exporter may see (`selectors.demands_visible_to`)."""

    def queryset(self) -> QuerySet[WithAnnotations[Demand, _Accepted]]:
        return (
            selectors.demands_visible_to(self.actor)
            .annotate(n_accepted=Count("matches", filter=Q(matches__status=MatchStatus.ACCEPTED)))
            .order_by("organization_id", "-created_at", "pk")
        )

    def rows(self, objects: Iterable[WithAnnotations[Demand, _Accepted]]) -> Iterator[dict[str, object]]:
        domains, levels, statuses = choice_labels(SkillDomain), choice_labels(SkillLevel), choice_labels(DemandStatus)
        for item in objects:
            yield {
                "org_code": item.organization.credit_code,
                "title": item.title,
                "domains": "、".join(domains.get(d, d) for d in item.domains),
                "skills": item.skills,
                "min_level": levels.get(item.min_level, ""),
                "headcount": item.headcount,
                "city": item.city.name,
                "pay_min": item.pay_min,
                "pay_max": item.pay_max,
                "organization": item.organization.name,
                "status": statuses.get(item.status, item.status),
                "accepted": item.n_accepted,
            }


# --- Leaderboards, shortlist, KPI report (export only) ------------------------------------------

BOARD_COLUMNS = (
    Column("board", "榜单"),
    Column("rank", "名次"),
    Column("name", "姓名"),
    Column("city", "城市"),
    Column("level", "技能等级"),
    Column("index", "人才指数"),
)


class LeaderboardExporter(Exporter):
    """The top of every board the exporter may see, as the public page shows it: people who have
    not agreed to appear publicly are counted and ranked but named 王** (`selectors.leaderboard`).
    Province admins and organizers get every board; city and enterprise admins the province
    board and their own city's (an enterprise admin's: the city of the organization her grant
    names)."""

    def boards(self) -> list[tuple[str, str]]:
        everything, _regions, _orgs = scope_for(self.actor)
        if everything or self.actor.has_role(Role.ORGANIZER):
            return selectors.board_choices()
        cities = {c.pk: c.name for c in selectors.admin_cities(self.actor)}
        for org in Organization.objects.filter(pk__in=enterprise_admin_org_ids(self.actor)).select_related("region"):
            city = org.region.city
            if city is not None:
                cities.setdefault(city.pk, city.name)
        return [("province", _("全省")), *((f"city:{pk}", name) for pk, name in cities.items())]

    def queryset(self) -> list[tuple[str, selectors.BoardRow]]:
        return [
            (str(label), row)
            for board, label in self.boards()
            for row in selectors.leaderboard(board, BOARD_TOP, self.actor)
        ]

    def rows(self, objects: Iterable[tuple[str, selectors.BoardRow]]) -> Iterator[dict[str, object]]:
        for label, row in objects:
            yield {
                "board": label,
                "rank": row.rank,
                "name": row.name,
                "city": row.city,
                "level": row.level,
                "index": row.index,
            }


SHORTLIST_COLUMNS = (
    Column("year", "年度"),
    Column("round", "遴选批次"),
    Column("real_name", "姓名"),
    Column("mobile", "手机号", text=True, pii="mobile"),
    Column("city", "城市"),
    Column("organization", "单位"),
    Column("index", "人才指数"),
    Column("reasons", "入围理由"),
    Column("city_reason", "市级意见"),
    Column("status", "状态"),
)


class ShortlistExporter(Exporter):
    """Leader candidates approved by the province or finally selected (the list as published),
    of every round for the province admin and of her city for a city admin."""

    def queryset(self) -> QuerySet[Candidate]:
        found = Candidate.objects.filter(status__in=(CandidateStatus.APPROVED, CandidateStatus.FINAL))
        if self.context is not None:
            found = found.filter(round=self.context)
        if not (self.actor.is_superuser or self.actor.has_role(Role.PROVINCE_ADMIN)):
            found = found.filter(city__in=selectors.admin_cities(self.actor))
        return found.select_related("round", "person", "person__organization", "city").order_by(
            "-round__year", "round_id", "-index", "pk"
        )

    def rows(self, objects: Iterable[Candidate]) -> Iterator[dict[str, object]]:
        statuses = choice_labels(CandidateStatus)
        for item in objects:
            person = item.person
            yield {
                "year": item.round.year,
                "round": item.round.name,
                "real_name": person.real_name,
                "mobile": person.mobile,
                "city": item.city.name if item.city is not None else "",
                "organization": person.organization.name if person.organization is not None else "",
                "index": item.index,
                "reasons": "；".join(item.reasons),
                "city_reason": item.city_reason,
                "status": statuses.get(item.status, item.status),
            }


KPI_COLUMNS = (
    Column("scope", "范围"),
    Column("metric", "指标"),
    Column("year", "年度"),
    Column("actual", "实际"),
    Column("target", "目标"),
    Column("percent", "完成率（%）"),
)


class KpiReportExporter(Exporter):
    """The yearly supervision report (年度督导评估): actual against target per metric and year,
    from `talent.kpi.build` (the dashboard's figures), for the province and each city the
    province admin oversees, or for a city admin's own city; within a city context, that city."""

    def queryset(self) -> list[tuple[str, kpi.Row]]:
        cities = selectors.admin_cities(self.actor)
        everything = self.actor.is_superuser or self.actor.has_role(Role.PROVINCE_ADMIN)
        scopes: list[Any] = [None, *cities] if everything else cities
        if self.context is not None:
            scopes = [self.context]
        found = []
        for city in scopes:
            board = kpi.build(city, [])
            label = city.name if city is not None else _("全省")
            found += [(label, board.rows[(year, str(metric))]) for metric in KpiMetric for year in kpi.YEARS]
        return found

    def rows(self, objects: Iterable[tuple[str, kpi.Row]]) -> Iterator[dict[str, object]]:
        for scope, row in objects:
            yield {
                "scope": scope,
                "metric": row.label,
                "year": row.year,
                "actual": row.actual,
                "target": row.target,
                "percent": row.percent,
            }


def _admin_city(user: User, ref: str) -> Any:
    """A city the user oversees (the dashboard's city boards), by id; Http404 otherwise."""
    city = next((c for c in selectors.admin_cities(user) if str(c.pk) == ref), None)
    if city is None:
        raise Http404
    return city


register_context(
    ContextKind(
        key="round",
        label=gettext_lazy("遴选批次"),
        resolve=lambda user, ref: selectors.access_round(user, int(ref)),
    )
)

register_context(ContextKind(key="city", label=gettext_lazy("城市"), resolve=_admin_city))

register(
    RecordType(
        key="achievements",
        label=gettext_lazy("成果台账"),
        description=gettext_lazy("人员取得的课程结业、证书、竞赛成绩与获奖、技能等级等成果（只导出）。"),
        columns=ACHIEVEMENT_COLUMNS,
        natural_key=("mobile", "kind", "source"),
        exporter=AchievementExporter,
        can_export=lambda user: user.has_role(*LEDGER_EXPORTERS),
    )
)

register(
    RecordType(
        key="evaluations",
        label=gettext_lazy("技能评价"),
        description=gettext_lazy(
            "已登记人员的技能等级与人才类别评价。省、市管理员导入即审核通过并发证；企业管理员导入的评价待市级审核。"
        ),
        columns=EVALUATION_COLUMNS,
        natural_key=("mobile", "id_number", "level", "category", "body"),
        importer=EvaluationImporter,
        exporter=EvaluationExporter,
        can_import=lambda user: user.has_role(*EVALUATION_IMPORTERS),
        can_export=lambda user: user.has_role(*EVALUATION_IMPORTERS),
    )
)

register(
    RecordType(
        key="demands",
        label=gettext_lazy("企业人才需求"),
        description=gettext_lazy(
            "企业发布的人才需求：岗位、技能领域、人数、城市、薪酬。企业管理员只能导入本单位的需求。"
        ),
        columns=DEMAND_COLUMNS,
        natural_key=("org_code", "title", "city"),
        importer=DemandImporter,
        exporter=DemandExporter,
        can_import=lambda user: user.has_role(Role.ENTERPRISE_ADMIN),
        can_export=lambda user: user.has_role(Role.ENTERPRISE_ADMIN, *ADMINS),
    )
)

register(
    RecordType(
        key="leaderboards",
        label=gettext_lazy("人才榜"),
        description=gettext_lazy("各榜单前 100 名（只导出），与公开页面一致：未同意公开的人员以“王**”显示。"),
        columns=BOARD_COLUMNS,
        natural_key=("board", "rank"),
        exporter=LeaderboardExporter,
        can_export=lambda user: user.has_role(*BOARD_EXPORTERS),
    )
)

register(
    RecordType(
        key="shortlist",
        label=gettext_lazy("领军人才名单"),
        description=gettext_lazy("各遴选批次省级审核通过及最终入选的高技能领军人才（只导出）。"),
        columns=SHORTLIST_COLUMNS,
        natural_key=("year", "round", "mobile"),
        exporter=ShortlistExporter,
        context="round",
        can_export=lambda user: user.has_role(*ADMINS),
    )
)

register(
    RecordType(
        key="kpi_report",
        label=gettext_lazy("年度目标完成情况"),
        description=gettext_lazy("数字技能人才培育年度督导评估：各指标 2026—2030 年的实际、目标与完成率（只导出）。"),
        columns=KPI_COLUMNS,
        natural_key=("scope", "metric", "year"),
        exporter=KpiReportExporter,
        context="city",
        can_export=lambda user: user.has_role(*ADMINS),
    )
)
