"""The JSON API root (django-ninja). Each app mounts its router here; the schema is at /api/docs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import django_auth

from accounts.http import signed_in_user
from config.bad_input import has_nul


class StrictJSONParser(Parser):
    """JSON bodies as django-ninja reads them, refusing any string that holds a NUL character.

    The form middleware refuses NUL in form fields (config/bad_input.py); JSON bodies are read
    here instead. PostgreSQL cannot store NUL in text, so without this check an API text field
    holding one reached the database and answered 500."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if has_nul(data):
            raise ValueError("NUL character in a JSON string")
        return data


api = NinjaAPI(title="数智英才 API", version="1", urls_namespace="api", parser=StrictJSONParser())


def _validation_message(error: dict[str, Any]) -> str:
    """A pydantic error told in the request's language (zh-hans by default), from its `type`
    and `ctx`; types without a message of their own get a general one."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("缺少必填项。")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("请填写整数。")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number"):
        return _("请填写有限的数字。")
    if kind in ("bool_parsing", "bool_type"):
        return _("请填写 true 或 false。")
    if kind in ("string_type", "string_unicode"):
        return _("请填写文本。")
    if kind == "string_too_long":
        return _("最多 %(n)s 个字符。") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("至少 %(n)s 个字符。") % {"n": ctx.get("min_length")}
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = ctx.get("gt", ctx.get("ge", ctx.get("lt", ctx.get("le"))))
        message = {
            "greater_than": _("须大于 %(v)s。"),
            "greater_than_equal": _("须不小于 %(v)s。"),
            "less_than": _("须小于 %(v)s。"),
            "less_than_equal": _("须不大于 %(v)s。"),
        }[kind]
        return message % {"v": bound}
    if kind in ("literal_error", "enum"):
        return _("取值无效，可选：%(v)s。") % {"v": ctx.get("expected", "")}
    if kind in ("json_invalid", "json_type"):
        return _("请求内容不是有效的 JSON。")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("须为列表。")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("须为对象。")
    if kind == "extra_forbidden":
        return _("不接受此字段。")
    if kind in ("date_parsing", "date_from_datetime_parsing", "datetime_parsing", "time_parsing", "uuid_parsing"):
        return _("格式不正确。")
    return _("取值无效。")


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """422 with each error's location, type and a message in the user's language (django-ninja's
    own handler passes pydantic's English text through)."""
    detail = [
        {"loc": list(error.get("loc", ())), "type": error.get("type", ""), "msg": _validation_message(error)}
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """django-ninja's HttpError, with its one fixed English message (a body it cannot parse) told
    in the user's language."""
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = _("请求内容不是有效的 JSON，或含有不允许的字符（如 NUL）。请检查后重试。")
    return api.create_response(request, {"detail": message}, status=exc.status_code)


class MeOut(Schema):
    id: int
    real_name: str
    mobile_masked: str
    roles: list[str]
    region: str | None
    organization: str | None


@api.get("/me", response=MeOut, auth=django_auth, summary="The signed-in person")
def me(request: HttpRequest) -> MeOut:
    user = signed_in_user(request)
    return MeOut(
        id=user.pk,
        real_name=user.real_name,
        mobile_masked=user.mobile_masked,
        roles=sorted(user.role_set),
        region=user.region.name if user.region is not None else None,
        organization=user.organization.name if user.organization is not None else None,
    )


api.add_router("/talent/", "talent.api.router")
api.add_router("/lms/", "lms.api.router")
api.add_router("/contests/", "competitions.api.router")
