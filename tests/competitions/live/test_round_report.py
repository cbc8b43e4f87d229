"""The round report: exact figures on a small known round (3 contestants, 2 questions), for the
round's hosts only; its xlsx export through the exchange has the page's figures, escaped."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.choices import Role
from accounts.models import AuditEvent
from competitions.live import actions, report, selectors, setup
from competitions.live.models import LiveRound, Participant
from exchange.models import ExchangeJob, JobStatus
from tests.exchange.conftest import read_xlsx

pytestmark = pytest.mark.django_db(transaction=True)

# Q1 single (key A), Q2 multiple (key A, B, D); (response, ms after opening) per contestant.
PLAYED = [
    [("A", 1000), ("A", 3000), ("B", 2000)],
    [(["A", "B", "D"], 4000), (["A", "B"], 1500), None],
]


@pytest.fixture
def exchange_root(tmp_path: Path, settings) -> Path:
    settings.EXCHANGE_ROOT = tmp_path / "exchange-files"
    return settings.EXCHANGE_ROOT


@pytest.fixture
def played(arena) -> LiveRound:
    """A two-question round of the arena's contest, played and ended through the actions."""
    single, _tf, multiple = (setup.bank_question(*q) for q in setup.SAMPLE_QUESTIONS[:3])
    live_round = setup.create_round(arena.round.contest, title="报告测试场", questions=[single, multiple])
    seats = [Participant.objects.create(round=live_round, registration=t.registration) for t in arena.tickets]
    for answers in PLAYED:
        actions.open_next(arena.organizer, live_round.pk)
        lq = LiveRound.objects.get(pk=live_round.pk).current
        batch = [
            actions.PendingAnswer(
                seat.pk, live_round.pk, uuid.uuid4(), lq.pk, given[0], lq.opens_at + timedelta(milliseconds=given[1])
            )
            for seat, given in zip(seats, answers, strict=True)
            if given is not None
        ]
        assert all(r.ack for r in actions.submit_answers(batch))
        actions.close_question(arena.organizer, live_round.pk)
    actions.end_round(arena.organizer, live_round.pk)
    return LiveRound.objects.get(pk=live_round.pk)


def test_per_question_figures_are_exact(played) -> None:
    first, second = report.round_report(played).questions

    assert (first.position, first.qtype_label, first.answered, first.correct, first.seated) == (1, "单选题", 3, 2, 3)
    assert (first.rate_answered, first.rate_seated) == (Decimal("66.7"), Decimal("66.7"))
    assert (first.avg_ms, first.median_ms) == (2000, 2000)
    assert [(b.key, b.count, b.correct) for b in first.distribution] == [
        ("A", 2, True),
        ("B", 1, False),
        ("C", 0, False),
        ("D", 0, False),
    ]
    assert (second.qtype_label, second.answered, second.correct) == ("多选题", 2, 1)
    assert (second.rate_answered, second.rate_seated) == (Decimal("50.0"), Decimal("33.3"))
    assert (second.avg_ms, second.median_ms) == (2750, 2750)
    assert [(b.key, b.count, b.correct) for b in second.distribution] == [
        ("A", 2, True),
        ("B", 2, True),
        ("C", 0, False),
        ("D", 1, True),
    ]


def test_contestants_follow_the_true_standings_with_each_answer(played, arena) -> None:
    LiveRound.objects.filter(pk=played.pk).update(frozen=True)  # a frozen board must not matter
    Participant.objects.filter(round=played).update(public_score=0)
    rows = report.round_report(LiveRound.objects.get(pk=played.pk)).contestants

    assert [(r.rank, r.name, r.total, r.correct) for r in rows] == [
        (1, "甲选手", Decimal(20), 2),
        (2, "乙选手", Decimal(10), 1),
        (3, "丙选手", Decimal(0), 0),
    ]
    true_ranks = selectors.standings(played, public=False)
    assert [true_ranks[str(r.participant_id)][0] for r in rows] == [1, 2, 3]
    assert rows[0].ticket == arena.tickets[0].number
    a, b = rows[0].cells
    assert (a.response, a.options, a.correct, a.elapsed_ms, a.points) == ("A", "可编程逻辑控制器", True, 1000, 10)
    assert (b.response, b.correct, b.elapsed_ms, b.seconds) == ("A、B、D", True, 4000, "4.00")
    wrong, missing = rows[2].cells
    assert (wrong.response, wrong.correct, wrong.points) == ("B", False, 0)
    assert missing is None


def test_the_page_shows_the_report_to_the_rounds_hosts(client, played) -> None:
    client.force_login(played.contest.created_by)
    page = client.get(reverse("live:report", args=[played.pk])).content.decode()

    for text in (
        "逐题统计",
        "选手明细",
        "66.7%",
        "33.3%",
        "2.75",
        "甲选手",
        "A、B、D",
        "未作答",
        "20.00",
        "导出 Excel",
    ):
        assert text in page, text


def test_someone_who_does_not_host_the_round_gets_404(client, played, arena, make_person, exchange_root) -> None:
    url = reverse("live:report", args=[played.pk])
    export = reverse("exchange:export", args=["live_report"]) + "?" + urlencode({"context": played.pk})
    for person in (arena.people[0], make_person(Role.ORGANIZER), make_person(Role.JUDGE)):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(export, {"format": "xlsx"}).status_code == 404
    # A province admin manages every contest (competitions.selectors.can_manage), so hosts its rounds.
    client.force_login(make_person(Role.PROVINCE_ADMIN))
    assert client.get(url).status_code == 200
    assert client.get(reverse("live:report", args=[played.pk + 1000])).status_code == 404
    assert not ExchangeJob.objects.exists()


def test_the_export_button_writes_the_pages_figures_one_row_per_contestant_and_question(
    client, played, exchange_root
) -> None:
    host = played.contest.created_by
    client.force_login(host)
    page_url = reverse("live:report", args=[played.pk])
    export = (
        reverse("exchange:export", args=["live_report"]) + "?" + urlencode({"context": played.pk, "next": page_url})
    )
    assert escape(export) in client.get(page_url).content.decode()

    assert client.post(export, {"format": "xlsx"}).status_code == 302

    job = ExchangeJob.objects.get()
    assert job.status == JobStatus.DONE and job.context == str(played.pk)
    data = b"".join(client.get(reverse("exchange:job_download", args=[job.pk])).streaming_content)
    header, *rows = read_xlsx(data)
    built = report.round_report(played)
    assert len(rows) == 3 * 2
    col = {name: i for i, name in enumerate(header)}
    for line, (row, question) in zip(rows, [(r, q) for r in built.contestants for q in built.questions], strict=True):
        cell = row.cells[question.position - 1]
        assert line[col["名次"]] == row.rank and line[col["姓名"]] == row.name and line[col["准考证号"]] == row.ticket
        assert line[col["题序"]] == question.position and line[col["总分"]] == row.total_text
        assert line[col["本题正确率（作答）"]] == f"{question.rate_answered}%"
        assert line[col["本题中位用时（秒）"]] == question.median_seconds
        if cell is None:
            assert line[col["是否正确"]] == "未作答"
        else:
            assert (line[col["作答"]], line[col["用时（秒）"]], line[col["得分"]]) == (
                cell.response,
                cell.seconds,
                cell.points_text,
            )
    assert (
        rows[1][col["作答"]] == "A、B、D"
        and rows[1][col["本题答案分布"]] == "A 2（正确）、B 2（正确）、C 0、D 1（正确）"
    )
    event = AuditEvent.objects.get(action="exchange.export")
    assert event.target_id == str(played.pk) and event.after["rows"] == 6


def test_formula_like_names_are_escaped_in_the_export_and_shown_as_text_on_the_page(
    client, played, arena, exchange_root
) -> None:
    person = arena.people[0]
    person.real_name = '=HYPERLINK("http://x","y")'
    person.save(update_fields=["real_name"])
    client.force_login(played.contest.created_by)
    page = client.get(reverse("live:report", args=[played.pk])).content.decode()
    assert escape(person.real_name) in page

    client.post(
        reverse("exchange:export", args=["live_report"]) + "?" + urlencode({"context": played.pk}), {"format": "xlsx"}
    )

    job = ExchangeJob.objects.get()
    header, *rows = read_xlsx(b"".join(client.get(reverse("exchange:job_download", args=[job.pk])).streaming_content))
    names = {r[header.index("姓名")] for r in rows}
    assert "'" + person.real_name in names and person.real_name not in names
