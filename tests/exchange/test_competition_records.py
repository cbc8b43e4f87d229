"""competitions record types: registrations (bulk registration by organizers, nomination by
enterprise admins, through `check_registration`/`register`, idempotent), practical marks (a
judge's own marks through `check_mark`/`record_mark`: ranges, recusal, sign-off), and the
results export (published results only, scoped, export only)."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from accounts import pii
from accounts.choices import Role
from accounts.models import AuditEvent, Organization, User
from competitions import actions, selectors
from competitions.models import Mark, Registration, RegistrationStatus
from exchange.engine import run_import, write_export
from exchange.registry import get_record_type
from tests.competitions import conftest as contest_fixtures
from tests.conftest import valid_id_number
from tests.exchange.conftest import read_csv, read_xlsx

pytestmark = pytest.mark.django_db

# The contest fixtures of tests/competitions (built through the lifecycle actions), shared here.
contest, group, approved = contest_fixtures.contest, contest_fixtures.group, contest_fixtures.approved
judges, scheme = contest_fixtures.judges, contest_fixtures.scheme

REG_HEADER = ["竞赛", "赛项", "姓名", "手机号", "身份证号", "队名"]
MARK_HEADER = ["竞赛", "检录号", "实操任务", "评分项", "分数"]


def run(key: str, actor: User, path: Path, *, only_valid: bool = False):
    return run_import(get_record_type(key), actor, path, path.suffix[1:], commit=True, only_valid=only_valid)


def errors_by_row(report) -> dict[int, list[tuple[str, str]]]:
    table: dict[int, list[tuple[str, str]]] = {}
    for error in report.errors:
        table.setdefault(error["row"], []).append((error["column"], error["message"]))
    return table


def store_id(person: User, number: str) -> None:
    person.id_number_hash = pii.fingerprint(number)
    person.id_number_cipher = pii.encrypt(number)
    person.id_number_masked = pii.mask_id_number(number)
    person.save(update_fields=["id_number_hash", "id_number_cipher", "id_number_masked"])


# --- Registrations ----------------------------------------------------------------------------


def test_an_organizer_registers_people_in_bulk_and_a_reimport_changes_nothing(
    organizer, contest, group, make_person, make_org, write_file
) -> None:
    people = [make_person(Role.LEARNER, org=make_org(f"报名企业{i}", "济南")) for i in range(3)]
    number = valid_id_number(321)
    store_id(people[2], number)
    path = write_file(
        "reg.xlsx",
        REG_HEADER,
        [
            ["2026 年山东省数字技能大赛", "工业互联网运维", people[0].real_name, people[0].mobile, "", ""],
            ["sd-2026", "数据分析", "", people[1].mobile, "", ""],  # by the contest's slug
            ["sd-2026", "数据分析", "", "", number, ""],  # by ID number only
        ],
    )

    report = run("registrations", organizer, path)

    assert report.written, report.errors
    assert report.counts.created == 3
    registrations = Registration.objects.filter(contest=contest)
    assert {r.status for r in registrations} == {RegistrationStatus.PENDING}  # they wait for review
    assert registrations.get(person=people[0]).event_group == group
    assert AuditEvent.objects.filter(action="contest.nominate", actor=organizer).count() == 3

    again = run("registrations", organizer, path)

    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 3)
    assert Registration.objects.filter(contest=contest).count() == 3


def test_bad_registration_rows_are_reported_in_chinese_and_nothing_is_written(
    organizer, contest, group, make_person, make_org, learner, write_file
) -> None:
    people = [make_person(Role.LEARNER, org=make_org(f"报名企业{i}", "济南")) for i in range(3)]
    actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    rules = selectors.rules_for(contest)
    rules.eligible_job_groups = ["manager"]
    rules.save()
    manager = make_person(Role.LEARNER, org=make_org("管理企业", "济南"), job_group="manager")
    other = actions.create_contest(actor=make_person(Role.ORGANIZER), title="别人的竞赛", slug="other-2026")
    path = write_file(
        "bad.csv",
        REG_HEADER,
        [
            ["sd-2026", "工业互联网运维", "", manager.mobile, "", ""],  # 2: good
            ["不存在的竞赛", "工业互联网运维", "", people[0].mobile, "", ""],  # 3
            ["sd-2026", "机器人", "", people[0].mobile, "", ""],  # 4: no such event group
            ["sd-2026", "工业互联网运维", "", "13712340000", "", ""],  # 5: not on the platform
            ["sd-2026", "数据分析", "", learner.mobile, "", ""],  # 6: already registered in another group
            ["sd-2026", "工业互联网运维", "", people[1].mobile, "", ""],  # 7: job group not eligible
            ["sd-2026", "工业互联网运维", "", manager.mobile, "", ""],  # 8: duplicate of row 2
            ["sd-2026", "工业互联网运维", "", manager.mobile.replace("1", "l", 1), "", ""],  # 9: bad mobile
            ["other-2026", "任意", "", people[2].mobile, "", ""],  # 10: a contest she does not manage
            ["sd-2026", "工业互联网运维", "", "", "", "一队"],  # 11: nobody named
        ],
    )

    report = run("registrations", organizer, path)

    assert not report.written
    rows = errors_by_row(report)
    assert sorted(rows) == list(range(3, 12))
    assert rows[3][0][0] == "竞赛" and "未找到竞赛“不存在的竞赛”" in rows[3][0][1]
    assert rows[4] == [("赛项", "竞赛“2026 年山东省数字技能大赛”没有赛项“机器人”，可填写：工业互联网运维、数据分析。")]
    assert "平台中没有手机号为 13712340000 的人员" in rows[5][0][1]
    assert rows[6][0][0] == "手机号" and "已报名本竞赛" in rows[6][0][1]
    assert rows[7][0][0] == "手机号" and "岗位类别" in rows[7][0][1]
    assert rows[8] == [("手机号", "与第 2 行是同一人报名同一竞赛。")]
    assert rows[9][0][0] == "手机号"
    assert rows[10][0][0] == "竞赛"
    assert "请填写手机号或身份证号" in rows[11][0][1]
    assert not Registration.objects.filter(person=manager).exists()
    assert other.registrations.count() == 0


def test_closed_registration_and_team_rules_are_reported(organizer, contest, group, make_person, write_file) -> None:
    person = make_person(Role.LEARNER)
    path = write_file("team.csv", REG_HEADER, [["sd-2026", "工业互联网运维", "", person.mobile, "", "一队"]])

    report = run("registrations", organizer, path)

    assert errors_by_row(report) == {2: [("队名", "本竞赛为个人赛，不组队，请把队名留空。")]}
    contest.registration_closes = timezone.now() - timedelta(hours=1)
    contest.save()
    path = write_file("late.csv", REG_HEADER, [["sd-2026", "工业互联网运维", "", person.mobile, "", ""]])
    rows = errors_by_row(run("registrations", organizer, path))
    assert rows[2][0][0] == "竞赛" and "报名已于" in rows[2][0][1]


def test_an_enterprise_admin_nominates_only_her_staff(
    enterprise_admin, learner, outsider, contest, group, organizer, write_file
) -> None:
    draft = actions.create_contest(actor=organizer, title="筹备中的竞赛", slug="draft-2026")
    # Registered already: still not hers to name (the file must not learn who is registered).
    actions.register(person=outsider, contest=contest, event_group=group, actor=outsider)
    path = write_file(
        "nominate.csv",
        REG_HEADER,
        [
            ["sd-2026", "工业互联网运维", "", learner.mobile, "", ""],
            ["sd-2026", "工业互联网运维", "", outsider.mobile, "", ""],
            [draft.slug, "任意", "", learner.mobile, "", ""],
        ],
    )

    report = run("registrations", enterprise_admin, path)

    rows = errors_by_row(report)
    assert sorted(rows) == [3, 4]
    assert rows[3] == [("手机号", "只能为本人报名，或由所在单位的企业管理员推荐报名。")]
    assert "未找到竞赛“draft-2026”" in rows[4][0][1]

    only_good = run("registrations", enterprise_admin, path, only_valid=True)

    assert only_good.counts.created == 1
    assert Registration.objects.get(contest=contest, person=learner).nominated_by == enterprise_admin
    record_type = get_record_type("registrations")
    buffer = io.BytesIO()
    written, unmasked = write_export(record_type, enterprise_admin, "csv", buffer)
    table = read_csv(buffer.getvalue())
    assert table[0] == [*REG_HEADER, "状态", "准考证号"]
    assert written == 1 and not unmasked
    assert table[1][3] == learner.mobile[:3] + "****" + learner.mobile[-4:] and table[1][6] == "待审核"
    assert not record_type.importable_by(learner)


# --- Practical marks --------------------------------------------------------------------------


@pytest.fixture
def field(approved, make_person, make_org, contest, judges, scheme, organizer) -> dict:
    """Two approved contestants in 工业互联网运维, one in 数据分析, and one from the first judge's school."""
    regs = [approved(make_person(Role.LEARNER, org=make_org(f"参赛企业{i}", "济南"))) for i in range(2)]
    elsewhere = approved(make_person(Role.LEARNER), contest.event_groups.get(name="数据分析"))
    colleague = approved(make_person(Role.LEARNER, org=Organization.objects.get(pk=judges[0].organization_id)))
    actions.draw_check_in_numbers(contest, actor=organizer)
    return {"regs": regs, "elsewhere": elsewhere, "colleague": colleague}


def mark_everything(scores: dict[Registration, str], judges: list[User], scheme: dict) -> None:
    """Every judge marks every contestant (except her own school's), so the chief can sign off."""
    for registration, value in scores.items():
        for judge in judges:
            if judge.organization_id != registration.person.organization_id:
                actions.record_mark(judge=judge, registration=registration, item=scheme["measured"], value=value)
                actions.record_mark(judge=judge, registration=registration, item=scheme["judged"], value="2")


def number(registration: Registration) -> str:
    """The 检录号 the judges see (the team's in a team contest)."""
    return selectors.check_in_of(registration)


def ticket(registration: Registration) -> str:
    return Registration.objects.get(pk=registration.pk).ticket.number


def test_a_judge_imports_her_marks_and_a_reimport_changes_nothing(judges, scheme, field, write_file) -> None:
    a, b = field["regs"]
    path = write_file(
        "marks.xlsx",
        MARK_HEADER,
        [
            ["sd-2026", number(a), "设备联网与数据采集", "采集点位正确", "36.5"],
            ["sd-2026", number(a), "", "接线工艺规范", 3],
            ["sd-2026", number(b), "", "采集点位正确", "40"],
        ],
    )

    report = run("marks", judges[1], path)

    assert report.written, report.errors
    assert report.counts.created == 3
    assert Mark.objects.get(registration=a, item=scheme["measured"], judge=judges[1]).value == Decimal("36.5")
    assert AuditEvent.objects.filter(action="contest.mark", actor=judges[1]).count() == 3

    again = run("marks", judges[1], path)

    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 3)
    changed = write_file("changed.csv", MARK_HEADER, [["sd-2026", number(a), "", "采集点位正确", "30"]])
    assert run("marks", judges[1], changed).counts.updated == 1
    assert Mark.objects.get(registration=a, item=scheme["measured"], judge=judges[1]).value == Decimal(30)


def test_bad_marks_are_reported_with_ranges_recusal_and_assignment(judges, scheme, field, write_file) -> None:
    a, b = field["regs"]
    path = write_file(
        "bad.csv",
        MARK_HEADER,
        [
            ["sd-2026", number(a), "", "采集点位正确", "40"],  # 2: good
            ["sd-2026", number(a), "", "采集点位正确", "39"],  # 3: same contestant and item as row 2
            ["sd-2026", number(b), "", "采集点位正确", "41"],  # 4: above the item's points
            ["sd-2026", number(b), "", "接线工艺规范", "2.5"],  # 5: judgement items take whole numbers
            ["sd-2026", number(a), "", "接线工艺规范", "很好"],  # 6: not a number
            ["sd-2026", number(b), "", "外观整洁", "1"],  # 7: no such item
            ["sd-2026", "999", "", "采集点位正确", "1"],  # 8: no such number
            ["sd-2026", number(field["colleague"]), "", "采集点位正确", "30"],  # 9: her own school's contestant
            ["sd-2026", number(field["elsewhere"]), "", "采集点位正确", "30"],  # 10: another event group
            ["sd-2026", "1.2e3", "", "采集点位正确", "30"],  # 11: Excel's scientific notation
            ["sd-2026", number(b), "别的任务", "采集点位正确", "3"],  # 12: the task does not match
        ],
    )

    report = run("marks", judges[0], path)

    assert not report.written and not Mark.objects.exists()
    rows = errors_by_row(report)
    assert sorted(rows) == list(range(3, 13))
    assert rows[3] == [("评分项", "与第 2 行是同一检录号的同一评分项。")]
    assert rows[4] == [("分数", "“采集点位正确”的分数应在 0 到 40 之间。")]
    assert rows[5] == [("分数", "评判项只能给 0、1、2、3 分。")]
    assert rows[6] == [("分数", "分数必须是数字。")]
    assert rows[7][0][0] == "评分项" and "没有评分项“外观整洁”" in rows[7][0][1]
    assert rows[8][0][0] == "检录号" and "未找到检录号 999" in rows[8][0][1]
    assert rows[9] == [("检录号", "回避：裁判不能为本单位选手评分。")]
    assert rows[10][0][0] == "检录号" and "不在您评分的赛项中" in rows[10][0][1]  # she does not judge 数据分析
    assert rows[11][0][0] == "检录号" and "科学计数法" in rows[11][0][1]
    assert rows[12][0][0] == "评分项" and "别的任务" in rows[12][0][1]


def test_marks_are_locked_after_sign_off_and_only_judges_import_marks(
    judges, scheme, field, group, organizer, write_file
) -> None:
    mark_everything({**dict.fromkeys(field["regs"], "20"), field["colleague"]: "5"}, judges, scheme)
    actions.sign_off(group, actor=judges[0])
    path = write_file("late.csv", MARK_HEADER, [["sd-2026", number(field["regs"][0]), "", "采集点位正确", "10"]])

    report = run("marks", judges[1], path)

    assert errors_by_row(report) == {2: [("分数", "裁判长已签字，评分已锁定；如需改分请通过申诉仲裁。")]}
    record_type = get_record_type("marks")
    assert not record_type.importable_by(organizer)
    assert record_type.importable_by(judges[1])


def test_marks_export_a_judges_own_marks_and_every_mark_for_the_organizer(
    judges, scheme, field, organizer, write_file
) -> None:
    a, _b = field["regs"]
    for judge, value in zip(judges[:2], ["20", "25"], strict=True):
        actions.record_mark(judge=judge, registration=a, item=scheme["measured"], value=value)
    record_type = get_record_type("marks")

    buffer = io.BytesIO()
    write_export(record_type, judges[1], "csv", buffer)
    table = read_csv(buffer.getvalue())
    assert table[0] == [*MARK_HEADER, "赛项", "裁判"]
    assert table[1:] == [  # by 检录号, as on her sheet: no name, no ticket
        [
            "2026 年山东省数字技能大赛",
            number(a),
            "设备联网与数据采集",
            "采集点位正确",
            "25",
            "工业互联网运维",
            judges[1].real_name,
        ]
    ]
    buffer = io.BytesIO()
    written, _unmasked = write_export(record_type, organizer, "xlsx", buffer)
    assert written == 2 and {r[6] for r in read_xlsx(buffer.getvalue())[1:]} == {j.real_name for j in judges[:2]}


# --- Results and awards (export only) ---------------------------------------------------------


def test_results_export_lists_published_results_with_awards_scoped_to_the_exporter(
    judges, scheme, field, group, contest, organizer, enterprise_admin, learner, approved, province_admin
) -> None:
    mine = approved(learner)
    a, b = field["regs"]
    mark_everything({a: "40", b: "30", mine: "10", field["colleague"]: "5"}, judges, scheme)
    record_type = get_record_type("results")
    assert record_type.importer is None and not record_type.importable_by(organizer)
    assert not record_type.exportable_by(learner)
    buffer = io.BytesIO()
    assert write_export(record_type, organizer, "csv", buffer)[0] == 0  # nothing before publication

    actions.sign_off(group, actor=judges[0])
    actions.publish_results(contest, actor=organizer)

    buffer = io.BytesIO()
    written, unmasked = write_export(record_type, organizer, "xlsx", buffer)
    table = read_xlsx(buffer.getvalue())
    assert table[0] == [
        "竞赛",
        "赛项",
        "名次",
        "准考证号",
        "姓名",
        "单位",
        "参赛队",
        "理论成绩",
        "实操成绩",
        "总成绩",
        "奖项",
        "获奖证书编号",
    ]
    by_ticket = {r[3]: r for r in table[1:]}
    winner = by_ticket[ticket(field["regs"][0])]
    assert winner[2] == 1 and winner[10] == "一等奖"  # 4 contestants at 10 %: the minimum one first prize
    assert str(winner[11]).startswith("SZHJ") and winner[6] is None  # no team in an individual contest
    assert written == 5 and not unmasked  # four in 工业互联网运维, one in 数据分析

    buffer = io.BytesIO()
    write_export(record_type, enterprise_admin, "csv", buffer)
    rows = read_csv(buffer.getvalue())[1:]
    assert [r[4] for r in rows] == [learner.real_name]  # only her organization's people
    buffer = io.BytesIO()
    assert write_export(record_type, province_admin, "csv", buffer)[0] == 5


def test_a_judge_uses_the_exchange_pages_for_her_marks_only(
    client, judges, scheme, field, exchange_root, organizer
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from exchange.models import ExchangeJob, JobStatus
    from tests.exchange.conftest import csv_bytes

    judge = judges[1]
    a, b = field["regs"]
    client.force_login(judge)
    page = client.get(reverse("exchange:index")).content.decode()
    assert "实操评分" in page and "竞赛报名" not in page and "人员" not in page
    assert client.get(reverse("exchange:upload", args=["registrations"])).status_code == 404
    data = csv_bytes(
        MARK_HEADER, [["sd-2026", number(a), "", "采集点位正确", "38"], ["sd-2026", number(b), "", "接线工艺规范", "5"]]
    )

    response = client.post(reverse("exchange:upload", args=["marks"]), {"file": SimpleUploadedFile("marks.csv", data)})

    job = ExchangeJob.objects.get()
    page = client.get(response.url).content.decode()
    assert "评判项只能给 0、1、2、3 分" not in page  # 5 is out of range, not a fraction
    assert "“接线工艺规范”的分数应在 0 到 3 之间。" in page
    client.post(reverse("exchange:job_confirm", args=[job.pk]), {"mode": "only_valid"})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.created_rows == 1
    assert Mark.objects.get(judge=judge).value == Decimal(38)
    client.force_login(organizer)
    assert client.get(reverse("exchange:job", args=[job.pk])).status_code == 404  # not hers


def test_in_a_team_contest_the_judge_marks_the_team_by_its_number(
    contest, group, organizer, judges, scheme, make_person, make_org, write_file
) -> None:
    rules = selectors.rules_for(contest)
    rules.team_size_max = 3
    rules.save()
    members = []
    company = make_org("团队企业", "济南")
    for _i in range(2):
        person = make_person(Role.LEARNER, org=company)
        registration = actions.register(person=person, contest=contest, event_group=group, actor=person, team="一队")
        members.append(actions.review_registration(registration, actor=organizer, approve=True))
    actions.draw_check_in_numbers(contest, actor=organizer)
    team_number = number(members[0])
    assert team_number == number(members[1])
    path = write_file(
        "team.csv",
        MARK_HEADER,
        [["sd-2026", team_number, "", "接线工艺规范", "2"], ["sd-2026", "7", "", "采集点位正确", "1"]],
    )

    report = run("marks", judges[1], path, only_valid=True)

    mark = Mark.objects.get(judge=judges[1])
    assert mark.team.name == "一队" and mark.registration is None
    assert errors_by_row(report)[3][0][0] == "检录号"  # 7 typed without its zeros


def test_team_rules_are_counted_across_the_file(
    contest, group, organizer, enterprise_admin, acme, make_person, make_org, write_file
) -> None:
    rules = selectors.rules_for(contest)
    rules.team_size_max = 2
    rules.save()
    stranger = make_person(Role.LEARNER, org=make_org("别家企业", "济南"))
    actions.register(person=stranger, contest=contest, event_group=group, actor=stranger, team="别家队")
    staff = [make_person(Role.LEARNER, org=acme) for _i in range(5)]
    path = write_file(
        "teams.csv",
        REG_HEADER,
        [
            ["sd-2026", "工业互联网运维", "", staff[0].mobile, "", "精工队"],
            ["sd-2026", "工业互联网运维", "", staff[1].mobile, "", "精工队"],
            ["sd-2026", "工业互联网运维", "", staff[2].mobile, "", "精工队"],  # 4: a third member
            ["sd-2026", "数据分析", "", staff[3].mobile, "", "精工队"],  # 5: the team's group is the other one
            ["sd-2026", "工业互联网运维", "", staff[4].mobile, "", "别家队"],  # 6: not her colleagues' team
        ],
    )

    report = run("registrations", enterprise_admin, path)

    rows = errors_by_row(report)
    assert rows[4] == [("队名", "队伍“精工队”已满（最多 2 人）。")]
    assert rows[5] == [("队名", "队伍“精工队”属于其他赛项，同队人员须报名同一赛项。")]
    assert rows[6][0][0] == "队名" and "由其他单位的选手组建" in rows[6][0][1]
    assert sorted(rows) == [4, 5, 6]
    written = run("registrations", enterprise_admin, path, only_valid=True)
    assert written.counts.created == 2
    assert {
        m.registration.person for m in selectors.team_of(Registration.objects.get(person=staff[0])).members.all()
    } == set(staff[:2])
