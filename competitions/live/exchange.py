"""Spreadsheet record types of live rounds (a plugin module of `exchange`, see docs/exchange.md).

- 现场赛场次报告 (`live_report`): export only, within one round (the context kind `live_round`,
  a round's id, for the round's hosts: `report.access_report`). The exchange writes one sheet,
  so the report is one row per contestant × question, in the order of the report page
  (contestants by true rank, then questions by position); each row repeats the contestant's
  total and the question's figures, so either table of the page can be rebuilt with a filter.
  The cells are those of the page (`competitions.live.report`), escaped against formulas by the
  exchange like every export.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from competitions.live import report
from competitions.live.events import DB_BIGINT_MAX
from competitions.live.models import LiveRound
from exchange.registry import Column, ContextKind, Exporter, RecordType, register, register_context

REPORT_COLUMNS = (
    Column("round", "场次"),
    Column("rank", "名次"),
    Column("ticket", "准考证号", text=True),
    Column("real_name", "姓名"),
    Column("organization", "单位"),
    Column("position", "题序"),
    Column("qtype", "题型"),
    Column("stem", "题干"),
    Column("response", "作答"),
    Column("chosen", "所选内容"),
    Column("correct", "是否正确"),
    Column("seconds", "用时（秒）"),
    Column("points", "得分"),
    Column("right_total", "答对题数"),
    Column("total", "总分"),
    Column("rate_answered", "本题正确率（作答）"),
    Column("rate_seated", "本题正确率（全部选手）"),
    Column("avg_seconds", "本题平均用时（秒）"),
    Column("median_seconds", "本题中位用时（秒）"),
    Column("distribution", "本题答案分布"),
)

Line = tuple[report.ContestantRow, report.QuestionStats, report.Cell | None]


def access_round_ref(user: User, ref: str) -> LiveRound:
    """The round a page's reference (its id) names, if `user` may read its report; Http404 else."""
    if not ref.isascii() or not ref.isdigit() or not 0 < int(ref) <= DB_BIGINT_MAX:
        raise Http404
    return report.access_report(user, int(ref))


class RoundReportExporter(Exporter):
    """The report of the round the export is limited to (never exported without one)."""

    def queryset(self) -> list[Line]:
        if self.context is None:
            return []
        built = report.round_report(self.context)
        return [
            (row, question, cell)
            for row in built.contestants
            for question, cell in zip(built.questions, row.cells, strict=True)
        ]

    def rows(self, objects: Iterable[Line]) -> Iterator[dict[str, object]]:
        title = self.context.title if self.context is not None else ""
        for row, question, cell in objects:
            values: dict[str, Any] = {
                "round": title,
                "rank": row.rank,
                "ticket": row.ticket,
                "real_name": row.name,
                "organization": row.organization,
                "position": question.position,
                "qtype": question.qtype_label,
                "stem": question.stem,
                "right_total": row.correct,
                "total": row.total_text,
                "rate_answered": report.percent_text(question.rate_answered),
                "rate_seated": report.percent_text(question.rate_seated),
                "avg_seconds": question.avg_seconds,
                "median_seconds": question.median_seconds,
                "distribution": question.distribution_text,
            }
            if cell is None:
                values.update(response="", chosen="", correct=_("未作答"), seconds="", points="")
            else:
                values.update(
                    response=cell.response,
                    chosen=cell.options,
                    correct=_("正确") if cell.correct else _("错误"),
                    seconds=cell.seconds,
                    points=cell.points_text,
                )
            yield values


register_context(
    ContextKind(
        key="live_round",
        label=gettext_lazy("现场赛场次"),
        # The report page's own check: the round's hosts only (404 for anyone else).
        resolve=access_round_ref,
    )
)

register(
    RecordType(
        key="live_report",
        label=gettext_lazy("现场赛场次报告"),
        description=gettext_lazy("一个现场赛场次的逐题统计和选手作答明细（从场次报告页导出）。"),
        columns=REPORT_COLUMNS,
        natural_key=("ticket", "position"),
        exporter=RoundReportExporter,
        # Who may: the round's hosts, checked by the context (`access_round_ref`), which is required.
        can_export=lambda user: True,
        context="live_round",
        context_required=True,
    )
)
