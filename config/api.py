"""The JSON API root (django-ninja). Each app mounts its router here; the schema is at /api/docs."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

api = NinjaAPI(title="数智英才 API", version="1", urls_namespace="api")


class MeOut(Schema):
    id: int
    real_name: str
    mobile_masked: str
    roles: list[str]
    region: str | None
    organization: str | None


@api.get("/me", response=MeOut, auth=django_auth, summary="The signed-in person")
def me(request: HttpRequest) -> MeOut:
    user = request.auth
    return MeOut(
        id=user.pk,
        real_name=user.real_name,
        mobile_masked=user.mobile_masked,
        roles=sorted(user.role_set),
        region=user.region.name if user.region_id else None,
        organization=user.organization.name if user.organization_id else None,
    )


api.add_router("/talent/", "talent.api.router")
api.add_router("/lms/", "lms.api.router")
api.add_router("/contests/", "competitions.api.router")
