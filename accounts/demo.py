"""Demo data for accounts: the 16 cities, about 20 organizations and one person per role.

Called by `manage.py seed_demo`; idempotent (natural keys: region code, credit code, mobile).
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts import actions
from accounts.choices import Industry, JobGroup, NoticeKind, OrgKind, Role, SizeClass
from accounts.models import Organization, Region, RoleGrant, User
from accounts.validators import credit_check_char

DEMO_PASSWORD = "Shuzhi@2026"

# (name, city code, kind, industry, size)
ORGANIZATIONS: list[tuple[str, str, str, str, str]] = [
    ("济南精工数控机床有限公司", "370100", OrgKind.ENTERPRISE, Industry.EQUIPMENT, SizeClass.MEDIUM),
    ("青岛海湾智能家电配件有限公司", "370200", OrgKind.ENTERPRISE, Industry.ELECTRONICS, SizeClass.SMALL),
    ("淄博鲁中精细化工有限公司", "370300", OrgKind.ENTERPRISE, Industry.CHEMICAL, SizeClass.MEDIUM),
    ("枣庄恒达新型建材有限公司", "370400", OrgKind.ENTERPRISE, Industry.BUILDING, SizeClass.SMALL),
    ("东营黄河口石化装备有限公司", "370500", OrgKind.ENTERPRISE, Industry.EQUIPMENT, SizeClass.MEDIUM),
    ("烟台芝罘汽车零部件有限公司", "370600", OrgKind.ENTERPRISE, Industry.AUTO, SizeClass.MEDIUM),
    ("潍坊滨海动力机械有限公司", "370700", OrgKind.ENTERPRISE, Industry.EQUIPMENT, SizeClass.LARGE),
    ("济宁运河纺织科技有限公司", "370800", OrgKind.ENTERPRISE, Industry.TEXTILE, SizeClass.SMALL),
    ("泰安泰山食品加工有限公司", "370900", OrgKind.ENTERPRISE, Industry.FOOD, SizeClass.SMALL),
    ("威海高区医疗器械有限公司", "371000", OrgKind.ENTERPRISE, Industry.PHARMA, SizeClass.MEDIUM),
    ("日照港湾钢构制造有限公司", "371100", OrgKind.ENTERPRISE, Industry.METALLURGY, SizeClass.MEDIUM),
    ("临沂沂蒙轻工机械有限公司", "371300", OrgKind.ENTERPRISE, Industry.LIGHT, SizeClass.SMALL),
    ("德州新能源装备有限公司", "371400", OrgKind.ENTERPRISE, Industry.EQUIPMENT, SizeClass.SMALL),
    ("聊城轴承精密制造有限公司", "371500", OrgKind.ENTERPRISE, Industry.EQUIPMENT, SizeClass.MICRO),
    ("滨州铝业深加工有限公司", "371600", OrgKind.ENTERPRISE, Industry.METALLURGY, SizeClass.MEDIUM),
    ("菏泽木业智能家居有限公司", "371700", OrgKind.ENTERPRISE, Industry.LIGHT, SizeClass.SMALL),
    ("山东工业职业技术学院（演示）", "370300", OrgKind.SCHOOL, Industry.EDUCATION, ""),
    ("齐鲁数字技能培训中心", "370100", OrgKind.TRAINING, Industry.EDUCATION, SizeClass.SMALL),
    ("山东省中小企业数字化转型促进会", "370100", OrgKind.ASSOCIATION, Industry.OTHER, ""),
    ("山东省工业和信息化厅（演示）", "370100", OrgKind.GOVERNMENT, Industry.PUBLIC, ""),
]

# (mobile, name, role, organization index, job group)
PEOPLE: list[tuple[str, str, str, int, str]] = [
    ("13800000001", "王小明", Role.LEARNER, 0, JobGroup.OPERATOR),
    ("13800000002", "李建国", Role.MENTOR, 0, JobGroup.BACKBONE),
    ("13800000003", "张慧", Role.ENTERPRISE_ADMIN, 0, JobGroup.MANAGER),
    ("13800000004", "赵志强", Role.ORGANIZER, 18, JobGroup.MANAGER),
    ("13800000005", "刘卫东", Role.JUDGE, 16, JobGroup.BACKBONE),
    ("13800000006", "陈晓雯", Role.EDITOR, 18, JobGroup.MANAGER),
    ("13800000007", "孙立新", Role.CITY_ADMIN, 19, JobGroup.MANAGER),
    ("13800000008", "周敏", Role.PROVINCE_ADMIN, 19, JobGroup.MANAGER),
    ("13800000009", "吕文静", Role.EDITOR, 16, JobGroup.MANAGER),
    ("13800000011", "马晓燕", Role.LEARNER, 1, JobGroup.BACKBONE),
    ("13800000012", "黄海波", Role.LEARNER, 5, JobGroup.OPERATOR),
    ("13800000013", "郭静", Role.LEARNER, 6, JobGroup.MANAGER),
    ("13800000014", "钱国栋", Role.JUDGE, 17, JobGroup.BACKBONE),
    ("13800000015", "吴振华", Role.JUDGE, 16, JobGroup.MANAGER),
]


# Editors limited to one city's news and case sections (mobile → city division code); the cms
# demo applies the limit (cms.actions.set_city_limit), since the sections are cms pages.
CITY_EDITORS: dict[str, str] = {"13800000009": "370300"}


def demo_credit_code(index: int, city_code: str) -> str:
    body = f"91{city_code}MA{index:07d}"
    return body + credit_check_char(body)


def seed(command: BaseCommand) -> None:
    actions.ensure_regions()
    orgs: list[Organization] = []
    for i, (name, city_code, kind, industry, size) in enumerate(ORGANIZATIONS, start=1):
        org, _created = Organization.objects.update_or_create(
            credit_code=demo_credit_code(i, city_code),
            defaults={
                "name": name,
                "kind": kind,
                "industry": industry,
                "size_class": size,
                "region": Region.objects.get(code=city_code),
            },
        )
        orgs.append(org)
    # The demo password is public: one hash serves every demo account (each hash is a deliberate
    # quarter second of PBKDF2, which fourteen times over made the first `make run` wait).
    hashed = ""
    for mobile, name, role, org_index, job_group in PEOPLE:
        org = orgs[org_index]
        user = User.objects.filter(mobile=mobile).first()
        if user is None:
            user = actions.register_user(
                mobile=mobile,
                real_name=name,
                password=None,
                region=org.region,
                organization=org,
                job_group=job_group,
                roles=(),
            )
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            User.objects.filter(pk=user.pk).update(password=hashed)
        if not RoleGrant.objects.filter(user=user, role=role).exists():  # a scope set since (a city limit) stays
            actions.grant_role(
                None,
                user,
                role,
                region=org.region if role == Role.CITY_ADMIN else None,
                organization=org if role in (Role.MENTOR, Role.ENTERPRISE_ADMIN) else None,
            )
        if role == Role.PROVINCE_ADMIN and not user.is_superuser:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        # Every demo person's inbox starts with a welcome (once: the key); the other apps' seeds add
        # the notices their actions send (registration approved, ticket issued, ...).
        with actions.in_language_of(user):
            actions.notify(
                user,
                NoticeKind.SYSTEM,
                title=str(_("欢迎使用数智英才平台")),
                body=str(
                    _(
                        "报名审核、准考证、阅卷结果、日志审核和截止提醒都会通知您。可在通知设置中选择同时发送邮件或短信。"
                    )
                ),
                url="/accounts/notices/preferences/",
                dedupe_key="demo:welcome",
            )
    command.stdout.write(
        f"accounts: {Region.objects.count()} regions, {len(orgs)} organizations, {len(PEOPLE)} demo people"
    )


def logins() -> list[tuple[str, str, str]]:
    """(role label, mobile, name) for the README and `make run`'s banner."""
    cities = dict(Region.objects.filter(code__in=CITY_EDITORS.values()).values_list("code", "name"))

    def label(mobile: str, role: str) -> str:
        code = CITY_EDITORS.get(mobile)
        return f"{Role(role).label}（仅{cities.get(code, code)}栏目）" if code else str(Role(role).label)

    return [(label(mobile, role), mobile, name) for mobile, name, role, _org, _job in PEOPLE]
