"""django-import-export's way of importing people: a ModelResource, row by row.

The platform imports through `accounts.exchange.PeopleImporter` (bulk checks and writes); this
resource is the library's default path for the same file and the same per-row rules, kept only
as the peer that `benchmarks/imports.py` measures against.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from accounts import pii
from accounts.choices import Industry, JobGroup
from accounts.models import Organization, Region, User
from accounts.validators import normalize_id_number, normalize_mobile, validate_id_number, validate_mobile
from exchange.columns import choice_lookup


class PeopleResource(resources.ModelResource):
    real_name = fields.Field(attribute="real_name", column_name="姓名")
    mobile = fields.Field(attribute="mobile", column_name="手机号")
    region = fields.Field(attribute="region", column_name="城市", widget=widgets.ForeignKeyWidget(Region, field="name"))
    organization = fields.Field(
        attribute="organization",
        column_name="单位统一社会信用代码",
        widget=widgets.ForeignKeyWidget(Organization, field="credit_code"),
    )
    job_group = fields.Field(attribute="job_group", column_name="岗位类别")
    industry = fields.Field(attribute="industry", column_name="行业")

    class Meta:
        model = User
        import_id_fields = ("mobile",)
        fields = ("real_name", "mobile", "region", "organization", "job_group", "industry")
        skip_unchanged = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_groups = choice_lookup(JobGroup)
        self.industries = choice_lookup(Industry)

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        """The same per-row rules as the platform: mobile, ID check digit, known choices."""
        row["手机号"] = normalize_mobile(str(row.get("手机号") or ""))
        validate_mobile(row["手机号"])
        row["岗位类别"] = self.job_groups.get(str(row.get("岗位类别") or ""), "")
        row["行业"] = self.industries.get(str(row.get("行业") or ""), "")
        if not str(row.get("姓名") or "").strip():
            raise ValidationError("必填项为空，请填写姓名。")

    def import_instance(self, instance: User, row: Any, **kwargs: Any) -> None:
        super().import_instance(instance, row, **kwargs)
        number = normalize_id_number(str(row.get("身份证号") or ""))
        if number:
            validate_id_number(number)
            instance.id_number_hash = pii.fingerprint(number)
            instance.id_number_cipher = pii.encrypt(number)
            instance.id_number_masked = pii.mask_id_number(number)
        if not instance.password:
            instance.set_unusable_password()
