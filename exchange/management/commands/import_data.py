"""Import a spreadsheet from the command line: the same checks and row report as the web page.

python manage.py import_data people staff.xlsx --dry-run
python manage.py import_data people staff.xlsx --only-valid --as 13800000003
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from exchange.engine import run_import
from exchange.files import FileProblemError, sniff_format
from exchange.registry import all_record_types, get_record_type


class Command(BaseCommand):
    help = "导入数据文件（xlsx 或 csv）：先逐行校验并打印错误报告；有错误时不写入，除非指定 --only-valid。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("record_type", help="数据类型，例如 people、organizations")
        parser.add_argument("file", help="xlsx 或 csv 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只校验并打印报告，不写入")
        parser.add_argument("--only-valid", action="store_true", help="跳过有错误的行，只导入有效行")
        parser.add_argument(
            "--as",
            dest="as_mobile",
            default="",
            help="以该手机号用户的身份和权限范围导入（默认：运维人员，全省范围）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        record_type = get_record_type(options["record_type"])
        if record_type is None or record_type.importer is None:
            keys = ", ".join(r.key for r in all_record_types() if r.importer is not None)
            raise CommandError(f"未知的数据类型“{options['record_type']}”，可用：{keys}")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        if options["as_mobile"]:
            actor = User.objects.filter(mobile=options["as_mobile"]).first()
            if actor is None:
                raise CommandError(f"没有手机号为 {options['as_mobile']} 的用户。")
            if not record_type.importable_by(actor):
                raise CommandError(f"{actor} 没有导入“{record_type.label}”的权限。")
        else:
            # The operator at the console acts with province-wide scope; audit records name no person.
            actor = User(real_name="命令行", is_superuser=True, is_active=True)
        with path.open("rb") as handle:
            head = handle.read(4096)
        try:
            fmt = sniff_format(path.name, head)
            report = run_import(
                record_type,
                actor,
                path,
                fmt,
                commit=not options["dry_run"],
                only_valid=options["only_valid"],
            )
        except FileProblemError as exc:
            raise CommandError(str(exc)) from None
        if report.total == 0:
            # No data rows is an error on every import path, the dry run included.
            raise CommandError(report.message)
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"共 {report.total} 行：有效 {report.valid} 行，有错误 {report.error_rows} 行（{report.error_count} 处错误）。"
        )
        if report.message:
            self.stdout.write(report.message)
        if report.written:
            c = report.counts
            self.stdout.write(self.style.SUCCESS(f"已导入：新增 {c.created}，更新 {c.updated}，未变化 {c.unchanged}。"))
        elif options["dry_run"]:
            self.stdout.write("校验完成（--dry-run），未写入任何数据。")
        if not options["dry_run"] and not report.written:
            raise CommandError("未写入任何数据。")
