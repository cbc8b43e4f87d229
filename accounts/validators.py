"""Validators for Chinese identifiers: mobile numbers, national ID numbers, credit codes."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def normalize_mobile(value: str) -> str:
    return re.sub(r"[\s-]", "", str(value or "")).removeprefix("+86")


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(normalize_mobile(value)):
        raise ValidationError(
            _("手机号应为 11 位数字、以 1 开头（例如 13800138000），请检查后重新输入。"), code="mobile"
        )


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return re.sub(r"\s", "", str(value or "")).upper()


def validate_id_number(value: str) -> None:
    """GB 11643-1999: 17 digits, a valid birth date, and the ISO 7064 MOD 11-2 check character."""
    number = normalize_id_number(value)
    if not ID_RE.match(number):
        raise ValidationError(_("身份证号应为 18 位：17 位数字加 1 位数字或 X。"), code="id_format")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效，请核对第 7–14 位。"), code="id_birth") from None
    if birth.year < 1900 or birth > dt.date.today():
        raise ValidationError(_("身份证号中的出生日期无效，请核对第 7–14 位。"), code="id_birth")
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对最后一位。"), code="id_check")


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return re.sub(r"\s", "", str(value or "")).upper()


def validate_credit_code(value: str) -> None:
    """GB 32100-2015 unified social credit code: 18 characters and the MOD 31 check character."""
    code = normalize_credit_code(value)
    if not CREDIT_RE.match(code):
        raise ValidationError(
            _("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）。"), code="credit_format"
        )
    if credit_check_char(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对最后一位。"), code="credit_check")


def check_length(text: str, limit: int, what: str) -> None:
    """Refuse a text longer than `limit` characters once trimmed, naming the field (`what`, e.g.
    "评语"), the limit and the text's length, so the person knows how much to cut. Never cuts.

    Actions call this for every free text they store; forms carry the same limit as max_length."""
    length = len(text.strip())
    if length > limit:
        raise ValidationError(
            _("%(what)s最多 %(max)d 字（当前 %(n)d 字），请精简后再提交。") % {"what": what, "max": limit, "n": length}
        )
