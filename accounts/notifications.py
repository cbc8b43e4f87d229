"""Notices: one `notify(person, kind, ...)` for every app, an inbox, and delivery by channel.

`notify` stores a `Notice` in the caller's transaction and, once that transaction commits
(`transaction.on_commit`), pushes it to the person's open pages over the per-person socket
(group `accounts.consumers.user_group`, message `accounts.events.Notice`) and queues the email and
SMS task (`deliver_notice`, on `settings.NOTICE_TASK_BACKEND`, queue "notices": the worker that
`make run` starts). A rolled-back action sends nothing.

Exactly once: `dedupe_key` names the subject (a registration's review, a deadline); the stored key
"<kind>:<subject>" is unique per person, so a retried action or a re-run reminder job finds the row
and sends nothing. Email and SMS are each claimed by one conditional UPDATE of `emailed_at` /
`texted_at` before sending, so a task that runs twice sends once.

Language: a notice is written once, when it is sent, so its text is built in the language of the
person it is for, not of whoever's action sent it: every caller builds title and body inside
`with in_language_of(person):`, and email and SMS go out in that language too
(tests/competitions/test_notices_are_written_in_the_readers_language.py checks every call).

Channels per kind: 站内 (the inbox and the bell) always; email and SMS as the person chose on the
preferences page, else `DEFAULTS` (email on, SMS off: a text costs money and interrupts).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from accounts import events, sms
from accounts.choices import NoticeKind, NoticeLevel
from accounts.models import Notice, NoticePreference, User

logger = logging.getLogger("shuzhi.notices")

TITLE_MAX = 200
URL_MAX = 300
DELIVERY_BATCH = 500  # notices per delivery task from notify_many


@dataclass(frozen=True)
class Channels:
    email: bool
    sms: bool


# What a person gets before they choose: every kind by email (when they gave an address), no SMS.
DEFAULTS: dict[str, Channels] = {kind: Channels(email=True, sms=False) for kind in NoticeKind.values}


def is_offered(language: str) -> bool:
    """Whether the site offers `language` (a code of settings.LANGUAGES)."""
    return language in dict(settings.LANGUAGES)


def language_of(person: User | None) -> str:
    """The language `person` reads: the one they chose, else (or for no account) the platform's."""
    if person is not None and is_offered(person.language):
        return person.language
    return settings.LANGUAGE_CODE


@contextmanager
def in_language_of(person: User | None) -> Iterator[None]:
    """Build a message for `person` inside this block: gettext answers in their language (for
    someone without an account yet, in the platform's, not in the sender's)."""
    with translation.override(language_of(person)):
        yield


def set_language(person: User, language: str) -> None:
    """Store the person's own choice of language (no audit: like notice preferences, theirs alone)."""
    if not is_offered(language):
        raise ValueError(f"unknown language {language!r}")
    if person.language != language:
        person.language = language
        User.objects.filter(pk=person.pk).update(language=language)


def notify(
    person: User,
    kind: str,
    *,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
    level: str = NoticeLevel.INFO,
) -> Notice | None:
    """Store one notice for `person` and deliver it after the surrounding transaction commits.

    `url` is a path on this site ("/competitions/…"), where the person acts on the notice.
    `dedupe_key` names the subject (e.g. f"registration:{pk}:{decision_id}"); a second call with
    the same kind and key for the same person returns None and sends nothing. Without a key every
    call stores a new notice. Safe inside `transaction.atomic` (a savepoint guards the insert).
    """
    key = _checked_key(kind, url, dedupe_key)
    if key is not None and Notice.objects.filter(person=person, dedupe_key=key).exists():
        return None
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                person=person,
                kind=kind,
                level=level,
                title=title[:TITLE_MAX],
                body=body,
                url=url[:URL_MAX],
                dedupe_key=key,
            )
    except IntegrityError:
        # A concurrent call with the same key won the insert: it delivers, this one does not.
        return None
    transaction.on_commit(lambda: _after_commit(notice.pk))
    return notice


@dataclass(frozen=True)
class Message:
    """One person's notice for `notify_many` (built, like notify's, in the person's language)."""

    person: User
    title: str
    body: str = ""
    url: str = ""
    dedupe_key: str | None = None
    level: str = NoticeLevel.INFO


def notify_many(kind: str, messages: Iterable[Message]) -> list[Notice]:
    """`notify` for many people at once (a contest's results to every contestant): the same
    rules (a path on this site, one notice per person and key), in a bounded number of queries:
    one for the keys already sent, one INSERT; after commit one pass of pushes and a delivery
    task per DELIVERY_BATCH notices. If a concurrent sender inserts one of the same keys first,
    the batch falls back to `notify` one by one (which skips what is already there).
    Returns the notices stored."""
    wanted = [(message, _checked_key(kind, message.url, message.dedupe_key)) for message in messages]
    keys = [key for _message, key in wanted if key is not None]
    taken = set(Notice.objects.filter(dedupe_key__in=keys).values_list("person_id", "dedupe_key")) if keys else set()
    fresh: list[Notice] = []
    for message, key in wanted:
        if key is not None:
            if (message.person.pk, key) in taken:
                continue
            taken.add((message.person.pk, key))
        fresh.append(
            Notice(
                person=message.person,
                kind=kind,
                level=message.level,
                title=message.title[:TITLE_MAX],
                body=message.body,
                url=message.url[:URL_MAX],
                dedupe_key=key,
            )
        )
    if not fresh:
        return []
    try:
        with transaction.atomic():
            notices = Notice.objects.bulk_create(fresh)
    except IntegrityError:
        one_by_one = (
            notify(m.person, kind, title=m.title, body=m.body, url=m.url, dedupe_key=m.dedupe_key, level=m.level)
            for m, _key in wanted
        )
        return [notice for notice in one_by_one if notice is not None]
    ids = [notice.pk for notice in notices]
    transaction.on_commit(lambda: _after_commit_many(ids))
    return notices


def _checked_key(kind: str, url: str, dedupe_key: str | None) -> str | None:
    """The stored dedupe key of a notice ("<kind>:<subject>", None without a subject), once its
    kind is known and its link is a path on this site."""
    if kind not in NoticeKind.values:
        raise ValueError(f"unknown notice kind {kind!r}")
    if url and not url.startswith("/"):
        raise ValueError("a notice links to a path on this site")
    return f"{kind}:{dedupe_key}"[:200] if dedupe_key is not None else None


def _after_commit_many(ids: list[int]) -> None:
    push_many(list(Notice.objects.filter(pk__in=ids)))
    for start in range(0, len(ids), DELIVERY_BATCH):
        batch = ids[start : start + DELIVERY_BATCH]
        try:
            deliver_notices.using(backend=settings.NOTICE_TASK_BACKEND, queue_name="notices").enqueue(batch)
        except Exception:  # stored and shown; a failed queue must not fail the action
            logger.exception("could not queue delivery of %s notices", len(batch))


def _after_commit(notice_id: int) -> None:
    notice = Notice.objects.filter(pk=notice_id).select_related("person").first()
    if notice is None:
        return
    push(notice)
    try:
        deliver_notice.using(backend=settings.NOTICE_TASK_BACKEND, queue_name="notices").enqueue(notice_id)
    except Exception:  # the notice is stored and shown; a failed queue must not fail the action
        logger.exception("could not queue delivery of notice %s", notice_id)


def push(notice: Notice) -> None:
    """Send the notice and the new unread count to the person's open pages (a hint: the inbox is the truth)."""
    push_many([notice])


def push_many(notices: list[Notice]) -> None:
    """`push` for many notices: the unread counts in one query, the sends in one event-loop pass."""
    layer = get_channel_layer()
    if layer is None or not notices:
        return
    from accounts.consumers import user_group

    unread = dict(
        Notice.objects.filter(person_id__in={n.person_id for n in notices}, read_at__isnull=True)
        .values("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    frames = [
        (
            user_group(notice.person_id),
            {
                "type": "notify",
                "notice": events.Notice(
                    id=notice.pk,
                    kind=notice.kind,
                    level=notice.level,  # type: ignore[arg-type]
                    text=notice.title,
                    url=notice.url,
                    unread=unread.get(notice.person_id, 0),
                ).model_dump(),
            },
        )
        for notice in notices
    ]

    async def send_all() -> None:
        for group, frame in frames:
            await layer.group_send(group, frame)

    try:
        async_to_sync(send_all)()
    except Exception:  # Redis down: the people see them on the next page load
        logger.warning("could not push %s notices", len(notices), exc_info=True)


@task(backend="exchange", queue_name="notices")
def deliver_notice(notice_id: int) -> None:
    """Send a notice's email and SMS as its person chose; each at most once, whoever runs this."""
    deliver(notice_id)


@task(backend="exchange", queue_name="notices")
def deliver_notices(notice_ids: list[int]) -> None:
    """`deliver_notice` for a batch from notify_many; one failure does not stop the rest."""
    for notice_id in notice_ids:
        try:
            deliver(notice_id)
        except Exception:
            logger.exception("delivery of notice %s failed", notice_id)


def deliver(notice_id: int) -> None:
    notice = Notice.objects.filter(pk=notice_id).select_related("person").first()
    if notice is None or not notice.person.is_active:
        return
    chosen = channels_for(notice.person, notice.kind)
    with in_language_of(notice.person):
        if chosen.email and notice.person.email and _claim(notice, "emailed_at"):
            try:
                send_mail(
                    subject=_("【数智英才】%(title)s") % {"title": notice.title},
                    message=_email_text(notice),
                    from_email=None,
                    recipient_list=[notice.person.email],
                )
            except Exception:
                logger.exception("email for notice %s failed", notice.pk)
        if chosen.sms and notice.person.mobile and _claim(notice, "texted_at"):
            try:
                sms.send(notice.person.mobile, _("【数智英才】%(title)s") % {"title": notice.title})
            except Exception:
                logger.exception("SMS for notice %s failed", notice.pk)


def _claim(notice: Notice, field: str) -> bool:
    """True for the one caller that marks `field` sent; everyone else sees it taken."""
    lookup: dict[str, Any] = {"pk": notice.pk, f"{field}__isnull": True}
    return Notice.objects.filter(**lookup).update(**{field: timezone.now()}) == 1


def _email_text(notice: Notice) -> str:
    lines = [notice.title]
    if notice.body:
        lines += ["", notice.body]
    if notice.url:
        lines += ["", _("查看详情：%(url)s") % {"url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + notice.url}]
    lines += ["", _("您可以在“通知设置”中选择哪些通知发送邮件或短信。")]
    return "\n".join(lines)


# --- Preferences -----------------------------------------------------------------------------


def preferences(person: User) -> dict[str, Channels]:
    """Every kind's channels for `person`: their choices over the defaults (one query)."""
    chosen = dict(DEFAULTS)
    for pref in NoticePreference.objects.filter(person=person):
        chosen[pref.kind] = Channels(email=pref.email, sms=pref.sms)
    return chosen


def channels_for(person: User, kind: str) -> Channels:
    pref = NoticePreference.objects.filter(person=person, kind=kind).first()
    if pref is None:
        return DEFAULTS.get(kind, Channels(email=True, sms=False))
    return Channels(email=pref.email, sms=pref.sms)


@transaction.atomic
def set_preferences(person: User, choices: dict[str, Channels]) -> None:
    """Store the person's channels for the given kinds (the person's own choice; no audit)."""
    for kind, chosen in choices.items():
        if kind not in NoticeKind.values:
            raise ValueError(f"unknown notice kind {kind!r}")
        NoticePreference.objects.update_or_create(
            person=person, kind=kind, defaults={"email": chosen.email, "sms": chosen.sms}
        )


# --- Inbox ------------------------------------------------------------------------------------


def inbox(person: User) -> QuerySet[Notice]:
    return Notice.objects.filter(person=person).order_by("-created_at", "-id")


def unread_count(person: User) -> int:
    return Notice.objects.filter(person=person, read_at__isnull=True).count()


def mark_read(notice: Notice, *, person: User) -> Notice:
    """Mark one of the person's own notices read (idempotent)."""
    if notice.person_id != person.pk:
        raise PermissionError("not this person's notice")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def mark_all_read(person: User) -> int:
    """Mark every unread notice of the person read; returns how many."""
    return Notice.objects.filter(person=person, read_at__isnull=True).update(read_at=timezone.now())
