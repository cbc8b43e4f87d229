"""Competitions' panels on the person's home (/me/, accounts.home): a contestant's contests with
ticket (准考证), check-in number (检录号) and times; an enterprise admin's nominations and their
status; an organizer's contests by stage with what blocks each; a judge's sheets with the marks
still to give. Reads only, through the selectors; each list is capped, so the queries are bounded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.home import Panel, register
from accounts.models import User
from competitions import selectors
from competitions.models import AppealStatus, Contest, ContestStatus, Registration, RegistrationStatus

SHOWN = 4
# Stages in the order a contest goes through them; published contests are done and not shown.
STAGES = (ContestStatus.DRAFT, ContestStatus.OPEN, ContestStatus.RUNNING, ContestStatus.FINISHED)


def my_contests(person: User) -> Mapping[str, Any] | None:
    """The person's registrations (withdrawn ones left out), contests still to come first, with
    ticket, check-in number and times; and contests open for registration they have not entered."""
    registrations = list(
        Registration.objects.filter(person=person)
        .exclude(status=RegistrationStatus.WITHDRAWN)
        .select_related("contest", "event_group", "ticket")
        .order_by("-id")[:12]
    )
    registrations.sort(key=lambda r: (r.contest.status == ContestStatus.PUBLISHED, -r.pk))
    shown = registrations[:SHOWN]
    rows = [
        {
            "registration": r,
            "ticket": getattr(r, "ticket", None),
            "check_in": selectors.check_in_of(r) if r.status == RegistrationStatus.APPROVED else "",
            "approved": r.status == RegistrationStatus.APPROVED,
        }
        for r in shown
    ]
    entered = [r.contest_id for r in registrations]
    open_now = list(
        Contest.objects.filter(status=ContestStatus.OPEN)
        .exclude(pk__in=entered)
        .order_by("registration_closes", "id")[:2]
    )
    if not rows and not open_now:
        return None
    return {"rows": rows, "open": open_now}


def nominations(person: User) -> Mapping[str, Any] | None:
    """An enterprise admin's staff registrations (her organizations' people, by grant, and those
    she nominated) in contests not yet published: per contest, how many at each status."""
    org_ids = selectors.enterprise_admin_org_ids(person)
    rows = (
        Registration.objects.filter(Q(person__organization_id__in=org_ids) | Q(nominated_by=person))
        .exclude(contest__status=ContestStatus.PUBLISHED)
        .values("contest_id", "contest__title", "contest__slug", "status")
        .annotate(n=Count("id"))
        .order_by("-contest_id", "status")
    )
    labels = dict(RegistrationStatus.choices)
    contests: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = contests.setdefault(
            row["contest_id"], {"title": row["contest__title"], "slug": row["contest__slug"], "counts": []}
        )
        entry["counts"].append((str(labels.get(row["status"], row["status"])), row["n"], row["status"]))
    if not contests:
        return None
    found = list(contests.values())
    return {"contests": found[:SHOWN], "more": len(found) > SHOWN}


@dataclass
class ContestTodo:
    contest: Contest
    blockers: list[str] = field(default_factory=list)


def _blockers(contest: Contest) -> list[str]:
    """What stands between a contest and its next stage, in words for its organizer: a draft
    not open, registrations to review, practical marks missing or unsigned, appeals to decide,
    results not published."""
    found: list[str] = []
    pending = getattr(contest, "pending", 0)
    if contest.status == ContestStatus.DRAFT:
        found.append(gettext("尚未开放报名"))
    if pending:
        found.append(gettext("%(n)s 份报名待审核") % {"n": pending})
    if contest.status in (ContestStatus.RUNNING, ContestStatus.FINISHED):
        groups = selectors.unsigned_groups(contest)
        missing = sum(selectors.missing_marks(group) for group in groups)
        if missing:
            found.append(gettext("实操评分缺 %(n)s 项") % {"n": missing})
        if groups:
            found.append(gettext("%(n)s 个赛项待裁判长签字") % {"n": len(groups)})
    if contest.status in (ContestStatus.RUNNING, ContestStatus.FINISHED):
        appeals = selectors.appeals_for(contest).filter(status=AppealStatus.PENDING).count()
        if appeals:
            found.append(gettext("%(n)s 条申诉待仲裁") % {"n": appeals})
    if contest.status == ContestStatus.FINISHED:
        found.append(gettext("成绩尚未公布"))
    return found


def organizer_contests(person: User) -> Mapping[str, Any] | None:
    """The contests the person manages that are not yet published, grouped by stage, each with
    what blocks it (registrations to review, marks missing, signatures, publication)."""
    contests = list(
        selectors.managed_contests(person).exclude(status=ContestStatus.PUBLISHED).order_by("-id")[: SHOWN + 2]
    )
    if not contests:
        return None
    labels = dict(ContestStatus.choices)
    stages = []
    for status in STAGES:
        todos = [ContestTodo(c, _blockers(c)) for c in contests if c.status == status]
        if todos:
            stages.append({"label": labels[status], "status": status, "contests": todos})
    return {"stages": stages}


def sheets_to_mark(person: User) -> Mapping[str, Any] | None:
    """The judge's groups in contests under way whose sheet is not signed yet, with how many of
    the judge's own marks are still missing (absent and recused entrants need none)."""
    assignments = list(
        selectors.judge_assignments(person).filter(
            event_group__contest__status__in=(ContestStatus.OPEN, ContestStatus.RUNNING, ContestStatus.FINISHED)
        )[:SHOWN]
    )
    sheets = []
    for assignment in assignments:
        group = assignment.event_group
        if selectors.is_signed(group):
            continue
        items = selectors.sheet_items(group)
        rows = selectors.sheet_rows(group, person)
        own = selectors.own_marks(person, items)
        to_mark = sum(
            1
            for row in rows
            if not (row.absent or row.recused)
            for item in items
            if (row.entrant.key, item.pk) not in own
        )
        sheets.append({"assignment": assignment, "group": group, "entrants": len(rows), "to_mark": to_mark})
    if not sheets:
        return None
    return {"sheets": sheets, "total": sum(s["to_mark"] for s in sheets)}


register(
    Panel(
        key="competitions.mine",
        role=Role.LEARNER,
        title=_("我的竞赛"),
        template="competitions/home/mine.html",
        selector=my_contests,
        empty=_("您还没有报名竞赛，目前也没有开放报名的竞赛。以赛促学，可以先看看往届赛事。"),
        empty_url="competitions:list",
        empty_label=_("浏览竞赛"),
        order=30,
    )
)
register(
    Panel(
        key="competitions.nominations",
        role=Role.ENTERPRISE_ADMIN,
        title=_("员工参赛与推荐"),
        template="competitions/home/nominations.html",
        selector=nominations,
        empty=_("本单位员工还没有参加进行中的竞赛。竞赛开放报名时，可以在竞赛页面推荐员工。"),
        empty_url="competitions:list",
        empty_label=_("浏览竞赛"),
        order=30,
    )
)
register(
    Panel(
        key="competitions.organizer",
        role=Role.ORGANIZER,
        title=_("我负责的竞赛"),
        template="competitions/home/organizer.html",
        selector=organizer_contests,
        empty=_("您目前没有筹备或进行中的竞赛。新建一场竞赛，从草稿开始。"),
        empty_url="competitions:manage",
        empty_label=_("赛事管理"),
        order=10,
    )
)
register(
    Panel(
        key="competitions.judge",
        role=Role.JUDGE,
        title=_("待评分"),
        template="competitions/home/judge.html",
        selector=sheets_to_mark,
        empty=_("目前没有需要您评分的赛项。组委会分配赛项或您接受邀请后会出现在这里。"),
        empty_url="competitions:judge",
        empty_label=_("评分"),
        order=10,
    )
)
