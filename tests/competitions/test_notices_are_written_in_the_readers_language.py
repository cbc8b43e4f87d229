"""A notice is written once, when an action sends it, so it is written in the language of the
person it is for, not of the person acting: an organizer working in Chinese approves an
English-reading learner's registration, and the learner's inbox, email and reminder are in
English (and the other way round). Every call in the apps builds its text that way."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import reminders, sms
from accounts.actions import set_language
from accounts.choices import NoticeKind
from accounts.models import Notice
from competitions import actions
from competitions.models import StaffRole
from tests.notice_helpers import notices_of, with_email

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "competitions", "lms", "talent", "cms", "exchange")
EXEMPT = {
    "accounts/notifications.py",  # defines notify
    "accounts/reminders.py",  # sends what the apps' sources built, each in its reader's language
}


def _in(language: str, text: str, **values: object) -> str:
    with translation.override(language):
        return _(text) % values


def test_an_approval_by_a_chinese_speaking_organizer_reaches_an_english_reader_in_english(
    contest, group, organizer, learner, django_capture_on_commit_callbacks
) -> None:
    set_language(with_email(learner), "en")
    registration = actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        actions.review_registration(registration, actor=organizer, approve=True)
    approval = notices_of(learner, NoticeKind.REGISTRATION)[0]
    english = _in("en", "报名已通过：%(contest)s", contest=contest.title)
    assert approval.title == english != _in("zh-hans", "报名已通过：%(contest)s", contest=contest.title)
    assert notices_of(learner, NoticeKind.TICKET)[0].title.startswith(
        _in("en", "准考证已生成：%(contest)s", contest="")
    )
    # The email says it in English too (subject and the text around the notice).
    subjects = [m.subject for m in mail.outbox if learner.email in m.to]
    assert _in("en", "【数智英才】%(title)s", title=english) in subjects


def test_a_chinese_reader_gets_chinese_whatever_language_the_organizer_uses(
    contest, group, organizer, learner, django_capture_on_commit_callbacks
) -> None:
    registration = actions.register(person=learner, contest=contest, event_group=group, actor=learner)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        actions.review_registration(registration, actor=organizer, approve=False, reason="照片不清晰")
    returned = notices_of(learner, NoticeKind.REGISTRATION)[0]
    assert returned.title == _in("zh-hans", "报名被退回：%(contest)s", contest=contest.title)


def test_a_deadline_reminder_is_in_each_readers_language(contest, group, organizer, learner, make_person) -> None:
    other = make_person(org=learner.organization)
    set_language(learner, "en")
    for person in (learner, other):
        registration = actions.register(person=person, contest=contest, event_group=group, actor=person)
        actions.review_registration(registration, actor=organizer, approve=False, reason="缺少单位证明")
    contest.registration_closes = timezone.now() + dt.timedelta(hours=5)
    contest.save(update_fields=["registration_closes"])
    with translation.override("zh-hans"):
        assert reminders.run()["competitions.registration_closing"] == 2
    titles = {n.person_id: n.title for n in Notice.objects.filter(kind=NoticeKind.DEADLINE)}
    assert titles == {
        learner.pk: _in("en", "报名即将截止：%(contest)s", contest=contest.title),
        other.pk: _in("zh-hans", "报名即将截止：%(contest)s", contest=contest.title),
    }


def test_an_invitation_texted_to_a_new_number_is_in_the_platforms_language(contest, group, organizer, settings) -> None:
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    sms.outbox.clear()
    with translation.override("en"):  # the organizer works in English
        actions.invite_staff(
            contest,
            actor=organizer,
            mobile="13900001111",
            real_name="新裁判",
            role=StaffRole.JUDGE,
            event_groups=[group],
        )
    (text,) = [message for number, message in sms.outbox if number == "13900001111"]
    assert text.startswith("【数智英才】") and "邀请您担任" in text


def _unwrapped(path: Path) -> list[int]:
    """Lines where a notice's text is built outside `with in_language_of(...)`: notify() calls,
    Message(...) for notify_many, and Reminder(...) made by the apps' reminder sources."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    covered: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.With) and any(
            isinstance(item.context_expr, ast.Call) and "in_language_of" in ast.unparse(item.context_expr.func)
            for item in node.items
        ):
            covered.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and ast.unparse(node.func).split(".")[-1] in {"notify", "Reminder", "Message"}
        and node.lineno not in covered
    ]


def test_every_notice_the_apps_send_is_built_in_its_readers_language() -> None:
    checked = [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and str(path.relative_to(ROOT)) not in EXEMPT
    ]
    assert any(path.name == "registration.py" for path in checked)
    found = {str(path.relative_to(ROOT)): lines for path in checked if (lines := _unwrapped(path))}
    assert found == {}


def test_the_check_finds_a_notice_built_in_the_senders_language(tmp_path: Path) -> None:
    source = tmp_path / "x.py"
    source.write_text(
        "with in_language_of(p):\n    notify(p, k, title=_('a'))\nnotify(p, k, title=_('b'))\n"
        "yield Reminder(person=p, title=_('c'))\n"
    )
    assert _unwrapped(source) == [3, 4]
