"""Building ready-to-run live rounds: used by tests, `seed_contest` and the demo.

Contests, registrations and tickets go through the lifecycle actions
(`competitions.actions`), except `bulk_seat`, which `seed_contest` uses to seat thousands of
generated contestants in a few seconds for load tests.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import User
from competitions import actions as contest_actions
from competitions import selectors as contest_selectors
from competitions.live.models import LiveQuestion, LiveRound, ScoringMode
from competitions.models import Contest, EventGroup, Registration, RegistrationStatus, Ticket
from lms.grading import question_fingerprint
from lms.models import Question

# (qtype, stem, options, answer, explanation)
SAMPLE_QUESTIONS: list[tuple[str, str, list[str], object, str]] = [
    (
        "single",
        "PLC 的中文全称是？",
        ["可编程逻辑控制器", "个人计算机", "工业交换机", "变频器"],
        "A",
        "PLC（Programmable Logic Controller）即可编程逻辑控制器。",
    ),
    (
        "truefalse",
        "工业互联网标识解析体系可以为每个产品赋予唯一的“身份证”。",
        [],
        True,
        "标识解析为机器、物料、产品赋予唯一标识，实现跨企业追溯。",
    ),
    (
        "multiple",
        "以下哪些属于 MES（制造执行系统）的典型功能？",
        ["生产排程", "质量追溯", "财务总账", "设备状态监控"],
        ["A", "B", "D"],
        "财务总账属于 ERP 的范畴。",
    ),
    (
        "single",
        "数字孪生最核心的特征是？",
        ["三维建模", "物理实体与虚拟模型的实时双向映射", "使用云服务器", "大屏展示"],
        "B",
        "数字孪生强调物理实体与虚拟模型之间的数据实时交互。",
    ),
    (
        "truefalse",
        "OPC UA 只能在 Windows 系统上使用。",
        [],
        False,
        "OPC UA 是跨平台的工业通信标准。",
    ),
]


def bank_question(qtype: str, stem: str, options: list[str], answer: object, explanation: str) -> Question:
    """The bank question with this identity, created if missing (idempotent by fingerprint)."""
    fingerprint = question_fingerprint(qtype, stem, options)
    question = Question.objects.filter(fingerprint=fingerprint).first()
    if question is None:
        question = Question.objects.create(
            qtype=qtype, stem=stem, options=options, answer=answer, explanation=explanation, points=10
        )
    return question


def create_round(
    contest: Contest,
    *,
    title: str = "理论赛第一场",
    questions: Sequence[Question] | None = None,
    seconds: int = 20,
    points: Decimal = Decimal(10),
    scoring_mode: str = ScoringMode.ACCURACY,
    streak_bonus: bool = False,
) -> LiveRound:
    live_round = LiveRound.objects.create(
        contest=contest, title=title, scoring_mode=scoring_mode, streak_bonus=streak_bonus
    )
    if questions is None:
        questions = [bank_question(*q) for q in SAMPLE_QUESTIONS]
    LiveQuestion.objects.bulk_create(
        LiveQuestion(round=live_round, question=q, position=i, seconds=seconds, points=points)
        for i, q in enumerate(questions, start=1)
    )
    return live_round


def create_contest(organizer: User, *, title: str = "数字技能理论竞赛", slug: str = "") -> tuple[Contest, EventGroup]:
    contest = contest_actions.create_contest(
        actor=organizer, title=title, slug=slug or f"live-{secrets.token_hex(4)}", status="running"
    )
    group = contest_actions.add_event_group(contest, actor=organizer, name="工业互联网运维")
    return contest, group


def seat(organizer: User, contest: Contest, group: EventGroup, person: User) -> Ticket:
    """Register, approve and ticket one person through the lifecycle actions."""
    registration = Registration.objects.filter(contest=contest, person=person).first()
    if registration is None:
        registration = contest_actions.register(
            person=person, contest=contest, event_group=group, actor=organizer, check_window=False
        )
    if registration.status == RegistrationStatus.PENDING:
        contest_actions.review_registration(registration, actor=organizer, approve=True)
    return contest_actions.issue_ticket(registration, actor=organizer)


@dataclass
class Seat:
    mobile: str
    name: str
    ticket: str
    access_code: str
    user_id: int


@transaction.atomic
def bulk_seat(contest: Contest, group: EventGroup, count: int, *, password: str, mobile_start: int) -> list[Seat]:
    """Create `count` contestants (mobiles from `mobile_start`) with approved registrations and
    tickets, in bulk (one password hash for all). For load tests and large demos only."""
    hashed = make_password(password)
    mobiles = [str(mobile_start + i) for i in range(count)]
    existing = set(User.objects.filter(mobile__in=mobiles).values_list("mobile", flat=True))
    User.objects.bulk_create(
        [User(mobile=m, real_name=f"选手{m[-4:]}", password=hashed) for m in mobiles if m not in existing],
        batch_size=1000,
    )
    users = {u.mobile: u for u in User.objects.filter(mobile__in=mobiles)}
    have = set(Registration.objects.filter(contest=contest).values_list("person_id", flat=True))
    Registration.objects.bulk_create(
        [
            Registration(contest=contest, event_group=group, person=users[m], status=RegistrationStatus.APPROVED)
            for m in mobiles
            if users[m].pk not in have
        ],
        batch_size=1000,
    )
    regs = Registration.objects.filter(contest=contest, person__mobile__in=mobiles).select_related("person")
    ticketed = set(Ticket.objects.filter(registration__contest=contest).values_list("registration_id", flat=True))
    start = Ticket.objects.filter(registration__event_group=group).count() + 1
    fresh = []
    for i, reg in enumerate(r for r in regs if r.pk not in ticketed):
        fresh.append(Ticket(registration=reg, number=contest_selectors.ticket_number(contest, group, start + i)))
    Ticket.objects.bulk_create(fresh, batch_size=1000)
    tickets = Ticket.objects.filter(registration__in=regs).select_related("registration__person")
    return sorted(
        (
            Seat(
                t.registration.person.mobile,
                t.registration.person.real_name,
                t.number,
                t.access_code,
                t.registration.person_id,
            )
            for t in tickets
        ),
        key=lambda s: s.mobile,
    )


def organizers_of(contest: Contest) -> Iterable[User]:
    return contest.organizers.all()
