"""Column helpers shared by the record types of every app.

Choice columns (a Chinese label or the stored value), city names, example identifiers for the
templates, the cell text of numbers and times on export, and `PersonColumns`, which finds the
person a row names by 手机号 or 身份证号 with the people import's checks. An app's
`<app>/exchange.py` imports these from here, never from another app's `exchange.py`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import pii
from accounts.choices import RegionKind
from accounts.models import Region, User
from accounts.validators import (
    credit_check_char,
    id_check_char,
    normalize_id_number,
    normalize_mobile,
    validate_id_number,
    validate_mobile,
)
from exchange.registry import Column, Row

# The help text of columns filled on export and not read on import.
EXPORT_ONLY = "仅导出时填写，导入时不读取。"

# Valid example identifiers for template rows (the check characters are computed, not typed).
EXAMPLE_ID = "37010219900307" + "123"
EXAMPLE_ID += id_check_char(EXAMPLE_ID)
EXAMPLE_CODE = "91370100MA3C5K7X0"
EXAMPLE_CODE += credit_check_char(EXAMPLE_CODE)


def first_message(exc: ValidationError) -> str:
    """The first message of a validator's error: the one a row report shows under the column."""
    return str(exc.messages[0])


def choice_lookup(choices: type[TextChoices]) -> dict[str, str]:
    """Chinese label → value, also accepting the value itself (files may carry either)."""
    with translation.override("zh-hans"):
        table = {str(label): value for value, label in choices.choices}
    table.update({value: value for value in choices.values})
    return table


def choice_labels(choices: type[TextChoices]) -> dict[str, str]:
    """Value → Chinese label, the text an export writes whatever the exporter's language."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


def city_lookup() -> dict[str, Region]:
    """City name → city, accepting 济南 and 济南市."""
    table: dict[str, Region] = {}
    for region in Region.objects.filter(kind=RegionKind.CITY):
        table[region.name] = region
        table[region.name + "市"] = region
    return table


def city_names() -> dict[int, str]:
    """Region id → the name of its city (districts and zones roll up to their city)."""
    regions = {r.pk: r for r in Region.objects.all()}
    names: dict[int, str] = {}
    for pk, region in regions.items():
        current: Region | None = region
        while current is not None and current.kind not in (RegionKind.CITY, RegionKind.PROVINCE):
            current = regions.get(current.parent_id) if current.parent_id else None
        names[pk] = current.name if current is not None else ""
    return names


def local_time(value: Any) -> str:
    """A stored time as the exporter's local "YYYY-MM-DD HH:MM"; empty for None."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def points_text(value: Decimal) -> str:
    """A decimal without trailing zeros ("36.5", "2"), as a person would type it back."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class PersonColumns:
    """Finds the people a file names by 手机号 or 身份证号 (either one; both must agree), with the
    same checks as the people import (11-digit mobile, GB 11643 check digit), and optionally
    checks the 姓名 column against the person found.

    `resolve(rows)` puts the person (or None, with an error on the row) in `row.data["person"]`.
    Messages never reveal anything stored about a person beyond "found" or "not found".
    """

    def __init__(self, mobile: Column, id_number: Column, name: Column | None = None) -> None:
        self.mobile, self.id_number, self.name = mobile, id_number, name

    def resolve(self, rows: list[Row]) -> None:
        wanted: list[tuple[Row, str, str]] = []
        for row in rows:
            mobile = normalize_mobile(row.values.get(self.mobile.key, ""))
            number = normalize_id_number(row.values.get(self.id_number.key, ""))
            if not mobile and not number and not row.has_error(self.mobile):
                row.error(self.mobile, _("请填写手机号或身份证号（至少一项），用于找到平台中的人员。"))
            if mobile and not row.has_error(self.mobile):
                try:
                    validate_mobile(mobile)
                except ValidationError as exc:
                    row.error(self.mobile, first_message(exc))
            if number and not row.has_error(self.id_number):
                try:
                    validate_id_number(number)
                except ValidationError as exc:
                    row.error(self.id_number, first_message(exc))
            if row.data is None:
                row.data = {}
            row.data.setdefault("person", None)
            if not row.errors:
                wanted.append((row, mobile, pii.fingerprint(number) if number else ""))
        mobiles = {m for _r, m, _h in wanted if m}
        hashes = {h for _r, _m, h in wanted if h}
        people = list(User.objects.filter(Q(mobile__in=mobiles) | Q(id_number_hash__in=hashes))) if wanted else []
        by_mobile = {p.mobile: p for p in people}
        by_hash = {p.id_number_hash: p for p in people if p.id_number_hash}
        for row, mobile, digest in wanted:
            found_by_mobile = by_mobile.get(mobile) if mobile else None
            found_by_id = by_hash.get(digest) if digest else None
            if mobile and found_by_mobile is None:
                row.error(self.mobile, _("平台中没有手机号为 %(m)s 的人员：请先导入人员或核对手机号。") % {"m": mobile})
                continue
            if digest and found_by_id is None:
                if found_by_mobile is None:
                    row.error(self.id_number, _("平台中没有该身份证号的人员：请先导入人员或核对身份证号。"))
                    continue
                if found_by_mobile.id_number_hash:
                    row.error(self.id_number, _("与平台中该手机号人员登记的身份证号不一致。"))
                    continue
            if found_by_mobile and found_by_id and found_by_mobile.pk != found_by_id.pk:
                row.error(self.id_number, _("手机号和身份证号属于平台中的两个不同人员，请核对。"))
                continue
            person = found_by_mobile or found_by_id
            if self.name is not None:
                name = row.values.get(self.name.key, "").strip()
                if name and person is not None and name != person.real_name:
                    row.error(self.name, _("姓名“%(n)s”与平台中该人员登记的姓名不一致，请核对。") % {"n": name})
                    continue
            row.data["person"] = person
