"""notify(): stored with the action, delivered after commit by the person's channels, once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from accounts import sms
from accounts.actions import notify, set_preferences
from accounts.choices import NoticeKind
from accounts.models import Notice
from accounts.notifications import Channels, deliver
from tests.notice_helpers import exactly_one_after_commit, with_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    sms.outbox.clear()
    return sms.outbox


def test_a_notice_is_stored_with_the_action_and_emailed_only_after_commit(
    learner, django_capture_on_commit_callbacks
) -> None:
    notice = exactly_one_after_commit(
        django_capture_on_commit_callbacks,
        learner,
        NoticeKind.SYSTEM,
        lambda: notify(learner, NoticeKind.SYSTEM, title="平台将于周六维护", url="/news/"),
    )
    assert notice.read_at is None and notice.emailed_at is not None and notice.texted_at is None


def test_a_rolled_back_action_leaves_no_notice_and_sends_nothing(learner, django_capture_on_commit_callbacks) -> None:
    with_email(learner)

    def failing_action() -> None:
        with transaction.atomic():
            notify(learner, NoticeKind.SYSTEM, title="不会送达")
            raise RuntimeError("the action failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_action()
    assert callbacks == [] and not Notice.objects.exists() and mail.outbox == []


def test_by_default_email_goes_out_and_sms_does_not(learner, sms_outbox, django_capture_on_commit_callbacks) -> None:
    with_email(learner)
    with django_capture_on_commit_callbacks(execute=True):
        notify(learner, NoticeKind.TICKET, title="准考证已生成")
    assert len(mail.outbox) == 1 and sms_outbox == []


def test_a_person_who_chose_sms_and_not_email_gets_a_text_only(
    learner, sms_outbox, django_capture_on_commit_callbacks
) -> None:
    with_email(learner)
    set_preferences(learner, {NoticeKind.TICKET: Channels(email=False, sms=True)})
    with django_capture_on_commit_callbacks(execute=True):
        notify(learner, NoticeKind.TICKET, title="准考证已生成")
        notify(learner, NoticeKind.GRADING, title="阅卷完成")  # other kinds keep the defaults
    assert sms_outbox == [(learner.mobile, "【数智英才】准考证已生成")]
    assert [m.subject for m in mail.outbox] == ["【数智英才】阅卷完成"]


def test_without_an_email_address_nothing_is_mailed_but_the_inbox_has_it(
    learner, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(learner, NoticeKind.SYSTEM, title="欢迎")
    assert mail.outbox == [] and Notice.objects.get(person=learner).emailed_at is None


def test_a_retried_action_with_the_same_key_stores_and_sends_once(
    learner, sms_outbox, django_capture_on_commit_callbacks
) -> None:
    with_email(learner)
    set_preferences(learner, {NoticeKind.REGISTRATION: Channels(email=True, sms=True)})
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(learner, NoticeKind.REGISTRATION, title="报名已通过", dedupe_key="7:1")
        again = notify(learner, NoticeKind.REGISTRATION, title="报名已通过", dedupe_key="7:1")
    assert first is not None and again is None
    assert Notice.objects.filter(person=learner).count() == 1
    assert len(mail.outbox) == 1 and len(sms_outbox) == 1


def test_the_same_key_for_another_person_or_kind_is_another_notice(learner, mentor) -> None:
    assert notify(learner, NoticeKind.REGISTRATION, title="a", dedupe_key="7") is not None
    assert notify(mentor, NoticeKind.REGISTRATION, title="a", dedupe_key="7") is not None
    assert notify(learner, NoticeKind.TICKET, title="a", dedupe_key="7") is not None


def test_delivering_the_same_notice_twice_sends_each_channel_once(learner, sms_outbox) -> None:
    with_email(learner)
    set_preferences(learner, {NoticeKind.SYSTEM: Channels(email=True, sms=True)})
    notice = notify(learner, NoticeKind.SYSTEM, title="重复投递")  # no transaction: delivered at once
    assert notice is not None
    deliver(notice.pk)  # a task that ran again after a worker restart
    deliver(notice.pk)
    assert len(mail.outbox) == 1 and len(sms_outbox) == 1


def test_a_notice_links_only_to_a_path_of_this_site(learner) -> None:
    with pytest.raises(ValueError):
        notify(learner, NoticeKind.SYSTEM, title="钓鱼", url="https://evil.example.com/")
