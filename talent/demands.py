"""Enterprise demand matching: an enterprise posts a demand, invites ranked people, and sees a
person's contact only after they accept."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import audit, in_language_of, notify
from accounts.choices import NoticeKind, NoticeLevel, Role, SkillDomain
from accounts.models import Organization, Region, User
from accounts.selectors import scope_for
from talent.matching import explain
from talent.models import (
    Demand,
    DemandStatus,
    Match,
    MatchStatus,
    SkillLevel,
    TalentProfile,
)


def _enterprise_admin_of(actor: User, organization: Organization) -> None:
    if actor.is_superuser:
        return
    if not actor.has_role(Role.ENTERPRISE_ADMIN):
        raise PermissionDenied(_("只有企业管理员可以发布和处理人才需求。"))
    _everything, _regions, orgs = scope_for(actor)
    if organization.pk not in orgs:
        raise PermissionDenied(_("只能处理本单位的人才需求。"))


@transaction.atomic
def post_demand(
    *,
    actor: User,
    organization: Organization,
    title: str,
    domains: list[str],
    headcount: int,
    city: Region,
    skills: str = "",
    min_level: str = "",
    pay_min: int | None = None,
    pay_max: int | None = None,
) -> Demand:
    _enterprise_admin_of(actor, organization)
    if not title.strip():
        raise ValidationError(_("请填写岗位名称。"))
    if not domains or any(d not in SkillDomain.values for d in domains):
        raise ValidationError(_("请至少选择一个技能领域。"))
    if headcount < 1:
        raise ValidationError(_("需求人数至少为 1。"))
    if min_level and min_level not in SkillLevel.values:
        raise ValidationError(_("未知的技能等级。"))
    if headcount > 10_000:
        raise ValidationError(_("需求人数最多 10000 人；更多请分岗位发布。"))
    if any(pay is not None and not 0 <= pay <= 1_000_000 for pay in (pay_min, pay_max)):
        raise ValidationError(_("月薪请填写 0 到 1000000 元之间的整数。"))
    if pay_min is not None and pay_max is not None and pay_min > pay_max:
        raise ValidationError(_("月薪下限不能高于上限。"))
    demand = Demand.objects.create(
        organization=organization,
        title=title.strip(),
        domains=list(domains),
        skills=skills.strip(),
        min_level=min_level,
        headcount=headcount,
        city=city,
        pay_min=pay_min,
        pay_max=pay_max,
        created_by=actor,
    )
    audit(actor, "talent.demand_post", demand, after={"title": demand.title, "headcount": headcount})
    return demand


@transaction.atomic
def invite_match(demand: Demand, person: User, *, actor: User) -> Match:
    """The enterprise invites a matched, opted-in person. Idempotent per (demand, person)."""
    _enterprise_admin_of(actor, demand.organization)
    if demand.status != DemandStatus.OPEN:
        raise ValidationError(_("该需求已结束。"))
    profile = TalentProfile.objects.filter(person=person, match_opt_in=True).first()
    if profile is None:
        raise ValidationError(_("此人未同意参与企业对接。"))
    score, reasons = explain(demand, profile)
    match, created = Match.objects.get_or_create(
        demand=demand, person=person, defaults={"score": score, "explanation": reasons, "invited_by": actor}
    )
    if created:
        audit(actor, "talent.match_invite", match, after={"score": score})
        with in_language_of(person):
            notify(
                person,
                NoticeKind.MATCH,
                title=_("企业邀请：%(org)s · %(title)s") % {"org": demand.organization.name, "title": demand.title},
                body=_("该企业根据您的人才档案向您发出岗位对接邀请。接受后对方可以看到您的联系方式。"),
                url=reverse("talent:me"),
                dedupe_key=f"invite:{match.pk}",
            )
    return match


@transaction.atomic
def answer_match(match: Match, *, person: User, accept: bool) -> Match:
    """The invited person accepts (contact details become visible) or declines."""
    locked = Match.objects.select_for_update().get(pk=match.pk)
    if locked.person_id != person.pk:
        raise PermissionDenied(_("只能答复发给自己的邀请。"))
    if locked.status != MatchStatus.INVITED:
        raise ValidationError(_("该邀请已答复或已撤回。"))
    locked.status = MatchStatus.ACCEPTED if accept else MatchStatus.DECLINED
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "answered_at"])
    audit(person, "talent.match_answer", locked, after={"status": locked.status})
    if locked.invited_by is not None:
        values = {"person": person.real_name, "title": locked.demand.title}
        with in_language_of(locked.invited_by):
            notify(
                locked.invited_by,
                NoticeKind.MATCH,
                title=(
                    _("%(person)s 接受了岗位对接邀请：%(title)s")
                    if accept
                    else _("%(person)s 婉拒了岗位对接邀请：%(title)s")
                )
                % values,
                body=_("接受后可在需求详情中查看联系方式。") if accept else "",
                url=reverse("talent:demand", args=[locked.demand_id]),
                dedupe_key=f"answer:{locked.pk}",
                level=NoticeLevel.SUCCESS if accept else NoticeLevel.INFO,
            )
    return locked


def reveal_contact(match: Match, *, viewer: User) -> dict[str, str]:
    """Contact details of an accepted match for the demand's enterprise admin (audited)."""
    _enterprise_admin_of(viewer, match.demand.organization)
    if match.status != MatchStatus.ACCEPTED:
        raise PermissionDenied(_("对方接受邀请后才能查看联系方式。"))
    audit(viewer, "talent.match_contact", match)
    return {"real_name": match.person.real_name, "mobile": match.person.mobile, "email": match.person.email}
