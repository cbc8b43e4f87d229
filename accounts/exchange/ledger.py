"""Export-only record type for the achievements ledger owned by `talent`.

`accounts` sits left of `talent`, so `talent` is imported only inside these functions (when a
person exports), never at module import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from accounts.exchange.registry import Column, Exporter, RecordType
from accounts.selectors import people_visible_to

EXPORTERS = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE_ADMIN)

COLUMNS = (
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

    def queryset(self) -> QuerySet[Any]:
        from talent.models import Achievement

        people = people_visible_to(self.actor).values("pk")
        return (
            Achievement.objects.filter(person__in=people)
            .select_related("person", "person__organization")
            .order_by("person_id", "occurred_at", "pk")
        )

    def rows(self, objects: Iterable[Any]) -> Iterator[dict[str, object]]:
        from accounts.exchange.records import choice_labels
        from talent.models import AchievementKind

        kinds = choice_labels(AchievementKind)
        for item in objects:
            person = item.person
            yield {
                "real_name": person.real_name,
                "mobile": person.mobile,
                "organization": person.organization.name if person.organization_id else "",
                "kind": kinds.get(item.kind, item.kind),
                "title": item.title,
                "source": item.source,
                "occurred_at": timezone.localtime(item.occurred_at).strftime("%Y-%m-%d %H:%M"),
                "state": "已撤销" if item.revoked_at else "有效",
            }


def record_types() -> list[RecordType]:
    from django.apps import apps

    if not apps.is_installed("talent"):
        return []
    return [
        RecordType(
            key="achievements",
            label=gettext_lazy("成果台账"),
            description=gettext_lazy("人员取得的课程结业、证书、竞赛成绩与获奖、技能等级等成果（只导出）。"),
            columns=COLUMNS,
            natural_key=("mobile", "kind", "source"),
            exporter=AchievementExporter,
            can_export=lambda user: user.has_role(*EXPORTERS),
        )
    ]
