"""Teams of a team contest (2–3 members of one event group): forming and joining them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actions import audit
from accounts.models import User
from competitions.models import Registration, Team, TeamMember
from competitions.selectors import can_manage, rules_for


@transaction.atomic
def join_team(registration: Registration, team: Team | str, *, actor: User) -> Team:
    """Put a registration in a team (created by name if needed). Teams belong to one event group
    and hold between `team_size_min` and `team_size_max` members; individual contests refuse.
    Only a colleague (same organization as the team's members) joins an existing team by its
    name; the contest's organizers may put anyone in any team (bulk import)."""
    contest = registration.contest
    rules = rules_for(contest)
    if rules.team_size_max < 2:
        raise ValidationError(_("本竞赛为个人赛，不组队。"))
    if isinstance(team, str):
        name = team.strip()
        if not name:
            raise ValidationError(_("请填写队名。"))
        team, _created = Team.objects.get_or_create(
            contest=contest, name=name[:60], defaults={"event_group": registration.event_group}
        )
    team = Team.objects.select_for_update().get(pk=team.pk)
    if team.contest_id != contest.pk or team.event_group_id != registration.event_group_id:
        raise ValidationError(_("队伍“%(t)s”不属于该报名的赛项。") % {"t": team.name})
    if TeamMember.objects.filter(registration=registration).exclude(team=team).exists():
        raise ValidationError(_("%(p)s 已在其他队伍中。") % {"p": registration.person.real_name})
    others = team.members.exclude(registration=registration)
    if others.exists() and not can_manage(actor, contest):
        org_ids = set(others.values_list("registration__person__organization_id", flat=True))
        if registration.person.organization_id is None or registration.person.organization_id not in org_ids:
            raise ValidationError(
                _("队伍“%(t)s”由其他单位的选手组建，不能自行加入；如需跨单位组队，请联系组织者编队。")
                % {"t": team.name}
            )
    if others.count() >= rules.team_size_max:
        raise ValidationError(_("队伍“%(t)s”已满（最多 %(n)s 人）。") % {"t": team.name, "n": rules.team_size_max})
    TeamMember.objects.get_or_create(team=team, registration=registration)
    audit(actor, "contest.team.join", registration, after={"team": team.name})
    return team
