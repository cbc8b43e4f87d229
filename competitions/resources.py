"""Spreadsheets: bulk registration (csv/xlsx read through django-import-export's formats) and
the results export (formula cells escaped with `accounts.pii.escape_cell`)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

from accounts.models import User
from accounts.pii import escape_cell
from accounts.validators import normalize_mobile
from competitions import actions, selectors
from competitions.models import Contest

COLUMNS = ("手机号", "赛项", "队名")


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_sheet(data: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a .csv or .xlsx file as dicts keyed by the header row."""
    if filename.lower().endswith(".xlsx"):
        dataset = XLSX().create_dataset(data)
    elif filename.lower().endswith(".csv"):
        text = data.decode("utf-8-sig", errors="replace")
        dataset = CSV().create_dataset(text)
    else:
        raise ValidationError(_("请上传 .xlsx 或 .csv 文件。"))
    return [{str(k).strip(): ("" if v is None else str(v).strip()) for k, v in row.items()} for row in dataset.dict]


def import_registrations(contest: Contest, data: bytes, filename: str, *, actor: User) -> ImportReport:
    """Register every row (columns 手机号, 赛项, 队名 optional) for review, as the organizer.

    All rows are checked first; if any row is bad, nothing is written and the report lists
    each bad row (row numbers as in the spreadsheet, header = row 1) with its reason.
    """
    if not actions.can_manage(actor, contest):
        raise PermissionDenied(_("只有本竞赛的组织者可以批量报名。"))
    rows = read_sheet(data, filename)
    report = ImportReport(rows=len(rows))
    if rows and "手机号" not in rows[0]:
        report.errors.append((1, _("缺少“手机号”列；表头应为：%(c)s。") % {"c": "、".join(COLUMNS)}))
        return report
    groups = {g.name: g for g in contest.event_groups.all()}
    planned = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
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
                        r.rank,
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
