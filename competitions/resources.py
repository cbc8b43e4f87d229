"""Spreadsheets: bulk registration (csv/xlsx read by the data exchange's guarded reader, which
parses uploads in a capped child process) and the results export (formula cells escaped with
`accounts.pii.escape_cell`)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.pii import escape_cell
from accounts.validators import normalize_mobile
from competitions import actions, selectors
from competitions.models import Contest
from exchange.files import FileProblemError, read_upload

COLUMNS = ("手机号", "赛项", "队名")
# The page is for a contest's list; larger files go through the data exchange (竞赛报名).
MAX_ROWS = 5000


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_sheet(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """(Excel row number, row keyed by the header) for each non-empty row of a .csv or .xlsx.

    Raises ValidationError in Chinese for a file that is not a readable spreadsheet, breaks the
    exchange's limits, has more than MAX_ROWS rows, lacks the 手机号 column or has no data rows.
    """
    try:
        header, rows = read_upload(data, filename, max_rows=MAX_ROWS)
    except FileProblemError as exc:
        raise ValidationError(str(exc)) from None
    names = [h.strip() for h in header]
    if "手机号" not in names:
        raise ValidationError(_("缺少“手机号”列；第 1 行应为列标题：%(c)s。") % {"c": "、".join(COLUMNS)})
    return [(number, dict(zip(names, texts, strict=False))) for number, texts in rows]


def import_registrations(contest: Contest, data: bytes, filename: str, *, actor: User) -> ImportReport:
    """Register every row (columns 手机号, 赛项, 队名 optional) for review, as the organizer.

    All rows are checked first; if any row is bad, nothing is written and the report lists
    each bad row (row numbers as in the spreadsheet, header = row 1) with its reason. A file that
    cannot be read, lacks the 手机号 column or has no data rows raises ValidationError: "0
    registrations imported" is never reported as a success.
    """
    if not actions.can_manage(actor, contest):
        raise PermissionDenied(_("只有本竞赛的组织者可以批量报名。"))
    rows = read_sheet(data, filename)
    report = ImportReport(rows=len(rows))
    groups = {g.name: g for g in contest.event_groups.all()}
    planned = []
    seen: set[str] = set()
    for number, row in rows:
        mobile = normalize_mobile(row.get("手机号", ""))
        person = User.objects.filter(mobile=mobile).first() if mobile else None
        group = groups.get(row.get("赛项", ""))
        if person is None:
            report.errors.append((number, _("手机号 %(m)s 未注册平台账号。") % {"m": mobile or _("（空）")}))
            continue
        if group is None:
            report.errors.append((number, _("赛项“%(g)s”不存在。") % {"g": row.get("赛项", "")}))
            continue
        if mobile in seen:
            report.errors.append((number, _("手机号 %(m)s 在表格中重复出现。") % {"m": mobile}))
            continue
        seen.add(mobile)
        if actions.is_team_contest(contest) and not row.get("队名", ""):
            report.errors.append((number, _("本竞赛为团体赛，请在“队名”列填写队名。")))
            continue
        try:
            actions.check_registration(person=person, contest=contest, event_group=group, actor=actor)
        except (ValidationError, PermissionDenied) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            report.errors.append((number, message))
            continue
        planned.append((number, person, group, row.get("队名", "")))
    if report.errors:
        return report
    try:
        with transaction.atomic():
            for number, person, group, team in planned:
                try:
                    actions.register(person=person, contest=contest, event_group=group, actor=actor, team=team or None)
                except ValidationError as exc:
                    report.errors.append((number, " ".join(exc.messages)))
                    raise
                report.created += 1
    except ValidationError:
        report.created = 0
    return report


def results_csv(contest: Contest) -> str:
    """The published results as CSV (UTF-8 with BOM for Excel); every cell escaped."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["赛项", "名次", "队名", "准考证号", "姓名", "单位", "理论成绩", "实操成绩", "总成绩", "奖项"])
    for group, rows in selectors.results_by_group(contest):
        for r in rows:
            person = r.registration.person
            ticket = getattr(r.registration, "ticket", None)
            writer.writerow(
                [
                    escape_cell(v)
                    for v in (
                        group.name,
                        r.standing,
                        r.team.name if r.team_id else "",
                        ticket.number if ticket else "",
                        person.real_name,
                        person.organization.name if person.organization_id else "",
                        r.theory,
                        r.practical,
                        r.final,
                        r.get_award_display(),
                    )
                ]
            )
    return out.getvalue()
