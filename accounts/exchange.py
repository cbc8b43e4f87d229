"""Record types of accounts: people and organizations.

This is a plugin module of the data exchange (`exchange`, see docs/exchange.md), found by
`exchange.registry.discover` as Django admin finds `admin.py`. It is the one module of accounts
allowed to import `exchange`, which sits to the right of accounts: everything else in accounts
stays unaware of spreadsheets.

Both record types follow `accounts.actions` semantics: the same validators (GB 11643 ID check
digit, 11-digit mobile, GB 32100 credit code), the same derived fields (ID fingerprint,
ciphertext and masked copy; a person's industry defaults to the organization's), the same
uniqueness rules and the same scopes (`accounts.selectors`). Rows are checked and written in
bulk so that 100,000 rows import in seconds; one audit record per import (written by the
engine) says who imported what.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import pii
from accounts.actions import audit
from accounts.choices import Industry, JobGroup, OrgKind, Role, SizeClass
from accounts.models import AuditEvent, Organization, RoleGrant, User
from accounts.roles import groups_for_role
from accounts.selectors import organizations_visible_to, people_visible_to, scope_for
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
    city_names,
    first_message,
)
from exchange.registry import Column, Exporter, Importer, RecordType, Row, WriteCounts, register

IMPORTERS_OF_PEOPLE = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE_ADMIN)
IMPORTERS_OF_ORGANIZATIONS = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN)
EXPORTERS_OF_ORGANIZATIONS = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE_ADMIN, Role.ORGANIZER)

# --- People -----------------------------------------------------------------------------------

PEOPLE_COLUMNS = (
    Column("real_name", "姓名", required=True, example="王小明", help="必填，最多 50 个字。"),
    Column(
        "mobile",
        "手机号",
        required=True,
        text=True,
        pii="mobile",
        example="13800138000",
        help="必填，11 位手机号，作为登录账号；同一手机号再次导入时更新该人员，不会重复创建。",
    ),
    Column(
        "id_number",
        "身份证号",
        text=True,
        pii="id_number",
        example=EXAMPLE_ID,
        help="选填，18 位居民身份证号（末位可为 X），请将该列设为文本格式。",
    ),
    Column("city", "城市", example="济南", help="所在地级市，如 济南、青岛；填写了单位时可留空（取单位所在城市）。"),
    Column(
        "org_code",
        "单位统一社会信用代码",
        text=True,
        example=EXAMPLE_CODE,
        help="选填，18 位；单位须已在平台登记。企业管理员只能导入本单位人员，可留空。",
    ),
    Column("job_group", "岗位类别", example="一线操作人员", help="一线操作人员、技术骨干 或 管理人员。"),
    Column("industry", "行业", example="装备制造", help="选填，如 装备制造、化工、电子信息；留空取单位所属行业。"),
)


class PeopleImporter(Importer):
    """Learners and staff. Natural key: the mobile number.

    A new mobile creates a learner (unusable password: the person sets one through password
    reset). A known mobile in the importer's scope updates name, city, organization, job group
    and industry; identical rows are "unchanged". Errors: bad ID check digit, mobile not 11
    digits, unknown city or organization, duplicates within the file (the later row is bad) or
    against the database (a mobile or ID number that belongs to someone else), missing
    required fields, and rows outside the importer's scope.
    """

    def __init__(self, actor: User, context: Any = None) -> None:
        super().__init__(actor, context)
        self.everything, self.region_scope, self.org_scope = scope_for(actor)
        self.cities = city_lookup()
        self.job_groups = choice_lookup(JobGroup)
        self.industries = choice_lookup(Industry)
        self.orgs: dict[str, Organization | None] = {}
        self.seen_mobiles: dict[str, int] = {}
        self.seen_ids: dict[str, int] = {}
        self.columns = {c.key: c for c in PEOPLE_COLUMNS}
        # An enterprise admin (without a wider role) imports only her organization's people.
        self.only_orgs = None if self.everything or self.region_scope else self.org_scope
        self.default_org: Organization | None = None
        self._learner_groups: list[int] | None = None
        if self.only_orgs and len(self.only_orgs) == 1:
            self.default_org = Organization.objects.filter(pk=next(iter(self.only_orgs))).first()

    def _load_orgs(self, codes: set[str]) -> None:
        missing = codes - self.orgs.keys()
        if not missing:
            return
        found = {o.credit_code: o for o in Organization.objects.filter(credit_code__in=missing)}
        for code in missing:
            self.orgs[code] = found.get(code)

    def clean_chunk(self, rows: list[Row]) -> None:
        col = self.columns
        codes: set[str] = set()
        for row in rows:
            v = row.values
            data: dict[str, Any] = {"real_name": v["real_name"].strip()}
            if len(data["real_name"]) > 50:
                row.error(col["real_name"], _("姓名最多 50 个字。"))
            mobile = normalize_mobile(v["mobile"])
            if mobile and not row.has_error(col["mobile"]):
                try:
                    validate_mobile(mobile)
                except ValidationError as exc:
                    row.error(col["mobile"], first_message(exc))
                else:
                    first = self.seen_mobiles.setdefault(mobile, row.number)
                    if first != row.number:
                        row.error(col["mobile"], _("与第 %(n)s 行的手机号重复。") % {"n": first})
            data["mobile"] = mobile
            number = normalize_id_number(v["id_number"])
            data["id_number"] = ""
            data["id_hash"] = None
            if number and not row.has_error(col["id_number"]):
                try:
                    validate_id_number(number)
                except ValidationError as exc:
                    row.error(col["id_number"], first_message(exc))
                else:
                    digest = pii.fingerprint(number)
                    first = self.seen_ids.setdefault(digest, row.number)
                    if first != row.number:
                        row.error(col["id_number"], _("与第 %(n)s 行的身份证号重复。") % {"n": first})
                    data["id_number"] = number
                    data["id_hash"] = digest
            city = v["city"].strip()
            data["region"] = None
            if city:
                region = self.cities.get(city)
                if region is None:
                    row.error(
                        col["city"], _("未知城市“%(c)s”：请填写山东省的地级市名称，如 济南、青岛。") % {"c": city}
                    )
                data["region"] = region
            code = normalize_credit_code(v["org_code"])
            data["org_code"] = code
            if code and not row.has_error(col["org_code"]):
                try:
                    validate_credit_code(code)
                except ValidationError as exc:
                    row.error(col["org_code"], first_message(exc))
                    data["org_code"] = ""
                else:
                    codes.add(code)
            job = v["job_group"].strip()
            data["job_group"] = ""
            if job:
                data["job_group"] = self.job_groups.get(job, "")
                if not data["job_group"]:
                    row.error(
                        col["job_group"],
                        _("未知岗位类别“%(v)s”：应为 一线操作人员、技术骨干 或 管理人员。") % {"v": job},
                    )
            industry = v["industry"].strip()
            data["industry"] = ""
            if industry:
                data["industry"] = self.industries.get(industry, "")
                if not data["industry"]:
                    row.error(
                        col["industry"], _("未知行业“%(v)s”，请按模板“填写说明”中的行业名称填写。") % {"v": industry}
                    )
            row.data = data
        self._load_orgs(codes)
        for row in rows:
            self._resolve_organization(row)
        self._check_database(rows)

    def _resolve_organization(self, row: Row) -> None:
        col = self.columns
        data = row.data
        org: Organization | None = None
        if data["org_code"]:
            org = self.orgs.get(data["org_code"])
            if org is None:
                row.error(
                    col["org_code"],
                    _("未找到统一社会信用代码为 %(c)s 的单位：请先在平台登记该单位，或核对代码。")
                    % {"c": data["org_code"]},
                )
        elif self.default_org is not None:
            org = self.default_org
        data["organization"] = org
        outside = org is None or org.pk not in (self.only_orgs or ())
        if self.only_orgs is not None and not row.has_error(col["org_code"]) and outside:
            name = self.default_org.name if self.default_org else ""
            row.error(col["org_code"], _("您只能导入本单位（%(org)s）的人员。") % {"org": name})
        if data["region"] is None and org is not None:
            data["region"] = org.region
        if data["region"] is None and not row.has_error(col["city"]) and org is None:
            row.error(col["city"], _("必填项为空：没有填写单位时，请填写城市。"))
        if not self.everything and self.region_scope and data["region"] is not None:
            home = org.region_id if org is not None else data["region"].pk
            if home not in self.region_scope:
                row.error(col["city"], _("超出您的管理范围：市级管理员只能导入本市的人员。"))
        if not data["industry"] and org is not None:
            data["industry"] = org.industry

    def _check_database(self, rows: list[Row]) -> None:
        col = self.columns
        candidates = [r for r in rows if r.data["mobile"] and not r.has_error(col["mobile"])]
        mobiles = [r.data["mobile"] for r in candidates]
        existing = {
            u.mobile: u
            for u in User.objects.filter(mobile__in=mobiles).only(
                "pk", "mobile", "real_name", "region_id", "organization_id", "job_group", "industry", "id_number_hash"
            )
        }
        visible = (
            set(
                people_visible_to(self.actor)
                .filter(pk__in=[u.pk for u in existing.values()])
                .values_list("pk", flat=True)
            )
            if existing
            else set()
        )
        hashes = [r.data["id_hash"] for r in rows if r.data["id_hash"]]
        owners = (
            dict(User.objects.filter(id_number_hash__in=hashes).values_list("id_number_hash", "mobile"))
            if hashes
            else {}
        )
        for row in rows:
            data = row.data
            digest = data["id_hash"]
            if digest and digest in owners and owners[digest] != data["mobile"] and not row.has_error(col["id_number"]):
                row.error(col["id_number"], _("该身份证号已被平台中的其他人员（手机号不同）使用。"))
            person = existing.get(data["mobile"])
            if person is None:
                row.action = "create"
                continue
            if person.pk not in visible:
                row.error(col["mobile"], _("该手机号已被平台中不在您管理范围内的人员使用。"))
                continue
            if digest and person.id_number_hash and person.id_number_hash != digest:
                row.error(col["id_number"], _("与平台中该手机号人员登记的身份证号不一致。"))
                continue
            data["person"] = person
            org = data["organization"]
            wanted = {
                "real_name": data["real_name"],
                "region_id": data["region"].pk if data["region"] else None,
                "organization_id": org.pk if org else None,
                "job_group": data["job_group"] or person.job_group,
                "industry": data["industry"] or person.industry,
            }
            changes = {k: v for k, v in wanted.items() if getattr(person, k) != v}
            if digest and not person.id_number_hash:
                changes["id_number"] = data["id_number"]
            data["changes"] = changes
            row.action = "update" if changes else "unchanged"

    def write(self, rows: list[Row]) -> WriteCounts:
        counts = WriteCounts()
        changed: list[tuple[User, dict[str, Any]]] = []
        batch: list[User] = []
        for row in rows:
            data = row.data
            if row.action == "create":
                batch.append(self._new_person(data))
                if len(batch) >= 2000:
                    counts.created += self._create(batch)
                    batch = []
            elif row.action == "update":
                changed.append((data["person"], data["changes"]))
            else:
                counts.unchanged += 1
            row.data = None  # written: let it go, so a 100,000-row import stays flat in memory
        counts.created += self._create(batch)
        if changed:
            self._update(changed)
            counts.updated = len(changed)
        return counts

    @staticmethod
    def _new_person(data: dict[str, Any]) -> User:
        number = data["id_number"]
        return User(
            mobile=data["mobile"],
            real_name=data["real_name"],
            region=data["region"],
            organization=data["organization"],
            job_group=data["job_group"],
            industry=data["industry"],
            id_number_hash=data["id_hash"],
            id_number_cipher=pii.encrypt(number) if number else "",
            id_number_masked=pii.mask_id_number(number),
            # Unusable password (as make_password(None)): the person sets one through reset.
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
        )

    def _create(self, people: list[User]) -> int:
        if not people:
            return 0
        User.objects.bulk_create(people)
        if any(u.pk is None for u in people):
            ids = dict(User.objects.filter(mobile__in=[u.mobile for u in people]).values_list("mobile", "pk"))
            for u in people:
                u.pk = ids[u.mobile]
        self._grant_learner_role([u.pk for u in people])
        return len(people)

    def _grant_learner_role(self, user_ids: list[int]) -> None:
        """What `grant_role(None, user, "learner")` does, for many new people at once: a role
        grant and the role's groups. Plain executemany: these two-column rows are where the
        ORM's per-object bulk_create overhead would dominate a 100,000-row import."""
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        if self._learner_groups is None:
            self._learner_groups = [g.pk for g in groups_for_role(Role.LEARNER)]
        groups = self._learner_groups
        grants = RoleGrant._meta.db_table
        membership = User.groups.through._meta.db_table
        with connection.cursor() as cursor:
            for start in range(0, len(user_ids), 5000):
                batch = user_ids[start : start + 5000]
                cursor.executemany(
                    f"INSERT INTO {grants} (user_id, role, granted_at) VALUES (%s, %s, %s)",  # noqa: S608
                    [(pk, Role.LEARNER.value, now) for pk in batch],
                )
                cursor.executemany(
                    f"INSERT INTO {membership} (user_id, group_id) VALUES (%s, %s)",  # noqa: S608
                    [(pk, group) for pk in batch for group in groups],
                )

    def _update(self, changed: list[tuple[User, dict[str, Any]]]) -> None:
        events = []
        fields = {"real_name", "region_id", "organization_id", "job_group", "industry"}
        for person, changes in changed:
            before = {k: str(getattr(person, k)) for k in changes if k != "id_number"}
            for key, value in changes.items():
                if key == "id_number":
                    person.id_number_hash = pii.fingerprint(value)
                    person.id_number_cipher = pii.encrypt(value)
                    person.id_number_masked = pii.mask_id_number(value)
                    before["id_number"] = "(empty)"
                else:
                    setattr(person, key, value)
            events.append(
                AuditEvent(
                    actor=self.actor if self.actor.pk else None,
                    action="account.import_update",
                    target_type=person._meta.label_lower,
                    target_id=str(person.pk),
                    before=before,
                    after={k: ("(set)" if k == "id_number" else str(v)) for k, v in changes.items()},
                )
            )
        User.objects.bulk_update(
            [p for p, _c in changed],
            [f.removesuffix("_id") for f in fields] + ["id_number_hash", "id_number_cipher", "id_number_masked"],
            batch_size=500,
        )
        AuditEvent.objects.bulk_create(events, batch_size=1000)


class PeopleExporter(Exporter):
    def queryset(self) -> QuerySet[User]:
        return people_visible_to(self.actor).select_related(None).select_related("organization").order_by("pk")

    def rows(self, objects: Iterable[User]) -> Iterator[dict[str, object]]:
        cities = city_names()
        jobs = choice_labels(JobGroup)
        industries = choice_labels(Industry)
        for person in objects:
            yield {
                "real_name": person.real_name,
                "mobile": person.mobile,
                "id_number": self.id_number(person),
                "city": cities.get(person.region_id, "") if person.region_id else "",
                "org_code": person.organization.credit_code if person.organization else "",
                "job_group": jobs.get(person.job_group, ""),
                "industry": industries.get(person.industry, ""),
            }


# --- Organizations ----------------------------------------------------------------------------

ORGANIZATION_COLUMNS = (
    Column("name", "名称", required=True, example="济南示例智能制造有限公司", help="必填，单位全称，最多 120 个字。"),
    Column(
        "credit_code",
        "统一社会信用代码",
        required=True,
        text=True,
        example=EXAMPLE_CODE,
        help="必填，18 位；同一代码再次导入时更新该单位，不会重复创建。",
    ),
    Column("city", "城市", required=True, example="济南", help="必填，单位所在地级市。"),
    Column("kind", "类型", example="企业", help="企业、院校、培训机构、行业协会 或 政府部门；留空为企业。"),
    Column("industry", "行业", example="装备制造", help="如 装备制造、化工、电子信息；留空为其他。"),
    Column("size_class", "规模", example="中型", help="微型、小型、中型 或 大型；选填。"),
)


class OrganizationImporter(Importer):
    """Organizations. Natural key: the unified social credit code. A city admin imports only
    organizations in her city; a known code in scope is updated, identical rows are unchanged."""

    def __init__(self, actor: User, context: Any = None) -> None:
        super().__init__(actor, context)
        self.everything, self.region_scope, _orgs = scope_for(actor)
        self.cities = city_lookup()
        self.kinds = choice_lookup(OrgKind)
        self.industries = choice_lookup(Industry)
        self.sizes = choice_lookup(SizeClass)
        self.seen: dict[str, int] = {}
        self.columns = {c.key: c for c in ORGANIZATION_COLUMNS}

    def _choice(self, row: Row, key: str, table: dict[str, str], default: str) -> str:
        value = row.values[key].strip()
        if not value:
            return default
        if value not in table:
            row.error(
                self.columns[key],
                _("无法识别“%(v)s”，可填写：%(options)s。")
                % {"v": value, "options": "、".join(k for k in table if not k.isascii())},
            )
            return default
        return table[value]

    def clean_chunk(self, rows: list[Row]) -> None:
        col = self.columns
        for row in rows:
            v = row.values
            data: dict[str, Any] = {"name": v["name"].strip()}
            if len(data["name"]) > 120:
                row.error(col["name"], _("名称最多 120 个字。"))
            code = normalize_credit_code(v["credit_code"])
            if code and not row.has_error(col["credit_code"]):
                try:
                    validate_credit_code(code)
                except ValidationError as exc:
                    row.error(col["credit_code"], first_message(exc))
                else:
                    first = self.seen.setdefault(code, row.number)
                    if first != row.number:
                        row.error(col["credit_code"], _("与第 %(n)s 行的统一社会信用代码重复。") % {"n": first})
            data["credit_code"] = code
            city = v["city"].strip()
            data["region"] = self.cities.get(city) if city else None
            if city and data["region"] is None:
                row.error(col["city"], _("未知城市“%(c)s”：请填写山东省的地级市名称，如 济南、青岛。") % {"c": city})
            if data["region"] is not None and not self.everything and data["region"].pk not in self.region_scope:
                row.error(col["city"], _("超出您的管理范围：市级管理员只能导入本市的单位。"))
            data["kind"] = self._choice(row, "kind", self.kinds, OrgKind.ENTERPRISE)
            data["industry"] = self._choice(row, "industry", self.industries, Industry.OTHER)
            data["size_class"] = self._choice(row, "size_class", self.sizes, "")
            row.data = data
        codes = [r.data["credit_code"] for r in rows if r.data["credit_code"]]
        existing = {o.credit_code: o for o in Organization.objects.filter(credit_code__in=codes)}
        visible = set(
            organizations_visible_to(self.actor)
            .filter(pk__in=[o.pk for o in existing.values()])
            .values_list("pk", flat=True)
        )
        for row in rows:
            org = existing.get(row.data["credit_code"])
            if org is None:
                row.action = "create"
                continue
            if org.pk not in visible or (not self.everything and org.region_id not in self.region_scope):
                row.error(col["credit_code"], _("该统一社会信用代码已被不在您管理范围内的单位登记。"))
                continue
            data = row.data
            wanted = {
                "name": data["name"],
                "region_id": data["region"].pk if data["region"] else org.region_id,
                "kind": data["kind"],
                "industry": data["industry"],
                "size_class": data["size_class"],
            }
            changes = {k: val for k, val in wanted.items() if getattr(org, k) != val}
            data["org"] = org
            data["changes"] = changes
            row.action = "update" if changes else "unchanged"

    def write(self, rows: list[Row]) -> WriteCounts:
        counts = WriteCounts()
        new = []
        for row in rows:
            data = row.data
            if row.action == "create":
                new.append(
                    Organization(
                        name=data["name"],
                        credit_code=data["credit_code"],
                        region=data["region"],
                        kind=data["kind"],
                        industry=data["industry"],
                        size_class=data["size_class"],
                    )
                )
            elif row.action == "update":
                org = data["org"]
                before = {k: str(getattr(org, k)) for k in data["changes"]}
                for key, value in data["changes"].items():
                    setattr(org, key, value)
                org.save(update_fields=[k.removesuffix("_id") for k in data["changes"]])
                audit(self.actor, "organization.import_update", org, before=before, after=data["changes"])
                counts.updated += 1
            else:
                counts.unchanged += 1
        Organization.objects.bulk_create(new, batch_size=1000)
        counts.created = len(new)
        return counts


class OrganizationExporter(Exporter):
    def queryset(self) -> QuerySet[Organization]:
        return organizations_visible_to(self.actor).select_related(None).order_by("pk")

    def rows(self, objects: Iterable[Organization]) -> Iterator[dict[str, object]]:
        cities = city_names()
        kinds = choice_labels(OrgKind)
        industries = choice_labels(Industry)
        sizes = choice_labels(SizeClass)
        for org in objects:
            yield {
                "name": org.name,
                "credit_code": org.credit_code,
                "city": cities.get(org.region_id, ""),
                "kind": kinds.get(org.kind, ""),
                "industry": industries.get(org.industry, ""),
                "size_class": sizes.get(org.size_class, ""),
            }


register(
    RecordType(
        key="people",
        label=gettext_lazy("人员"),
        description=gettext_lazy("学员和企业员工：姓名、手机号、身份证号、城市、单位、岗位类别、行业。"),
        columns=PEOPLE_COLUMNS,
        natural_key=("mobile",),
        importer=PeopleImporter,
        exporter=PeopleExporter,
        can_import=lambda user: user.has_role(*IMPORTERS_OF_PEOPLE),
        can_export=lambda user: user.has_role(*IMPORTERS_OF_PEOPLE),
    )
)

register(
    RecordType(
        key="organizations",
        label=gettext_lazy("单位"),
        description=gettext_lazy("企业、院校、培训机构等单位：名称、统一社会信用代码、城市、类型、行业、规模。"),
        columns=ORGANIZATION_COLUMNS,
        natural_key=("credit_code",),
        importer=OrganizationImporter,
        exporter=OrganizationExporter,
        can_import=lambda user: user.has_role(*IMPORTERS_OF_ORGANIZATIONS),
        can_export=lambda user: user.has_role(*EXPORTERS_OF_ORGANIZATIONS),
    )
)
