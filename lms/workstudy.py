"""Work-study (工学一体): learners log sessions with photos, mentors approve or return them.

Re-exported by lms.actions. Photos are opened with Pillow (a non-image is refused), size-capped,
re-encoded as JPEG without EXIF (no GPS location leaks) and thumbnailed.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import warnings
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.actions import audit, in_language_of, notify
from accounts.choices import NoticeKind, NoticeLevel, Role
from accounts.models import User
from accounts.selectors import enterprise_admin_org_ids, mentor_org_ids
from accounts.validators import check_length
from lms.models import Enrollment, LogStatus, WorkLog, WorkLogPhoto, WorkStudyTask
from lms.progress import refresh
from talent.actions import record_achievement, revoke_achievement
from talent.models import AchievementKind

# Photo size and count limits are settings (LMS_PHOTO_MAX_BYTES, LMS_PHOTOS_PER_LOG), read when
# a photo is checked so a deployment's or a test's value applies.
PHOTO_MAX_SIDE = 1600
THUMB_SIDE = 320
# No work-study session predates the platform's first programme year: an older date is a typo or
# an attempt to inflate hours (0001-01-01 used to count).
WORKLOG_FLOOR = dt.date(2020, 1, 1)
# Longest texts (the forms' max_length); longer ones are refused with their length, never cut.
WORKLOG_CONTENT_MAX = 5000
REVIEW_COMMENT_MAX = 2000


def process_photo(upload: Any) -> tuple[ContentFile, ContentFile, int, int]:
    """Check an upload is a real image and return (image, thumbnail, width, height) as clean JPEGs.

    An image of more than IMAGE_MAX_PIXELS pixels is refused from its header, before any pixel
    is decoded (a small file can declare a huge image: a decompression bomb)."""
    max_bytes = settings.LMS_PHOTO_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("照片“%(n)s”超过 %(mb)d MB，请压缩后再上传。") % {"n": upload.name[:60], "mb": max_bytes // 2**20}
        )
    try:
        # Pillow's own bomb check runs inside open(); made an error here whatever the process's
        # warning filters are, so the limit holds in every context.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            probe = Image.open(upload)  # reads the header only
            if probe.width * probe.height > settings.IMAGE_MAX_PIXELS:
                raise ValidationError(_too_many_pixels(upload.name))
            probe.verify()  # detects truncated or non-image files
            upload.seek(0)
            image: Image.Image = Image.open(upload)
            image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError(_too_many_pixels(upload.name)) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(
            _("“%(n)s”不是有效的图片文件，请上传 JPG 或 PNG 照片。") % {"n": upload.name[:60]}
        ) from None
    image = ImageOps.exif_transpose(image).convert("RGB")  # apply the camera's rotation, then drop EXIF
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    clean = io.BytesIO()
    image.save(clean, "JPEG", quality=85)  # no exif= argument: the saved file carries no metadata
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    small = io.BytesIO()
    thumb.save(small, "JPEG", quality=80)
    stem = uuid.uuid4().hex
    return ContentFile(clean.getvalue(), f"{stem}.jpg"), ContentFile(small.getvalue(), f"{stem}-t.jpg"), *image.size


def _too_many_pixels(name: str) -> str:
    return _("照片“%(n)s”像素过多（上限 %(m)d 百万像素），请缩小尺寸后再上传。") % {
        "n": name[:60],
        "m": settings.IMAGE_MAX_PIXELS // 1_000_000,
    }


def effective_mentor(enrollment: Enrollment) -> int | None:
    if enrollment.mentor_id:
        return enrollment.mentor_id
    return enrollment.cohort.mentor_id if enrollment.cohort is not None else None


def earliest_log_date(enrollment: Enrollment) -> dt.date:
    """The first day a work log of this enrollment may carry: the cohort's start when the
    enrollment belongs to a cohort, and never before WORKLOG_FLOOR. A date outside
    [earliest, today] is refused, so hours dated 0001-01-01 never count."""
    starts = enrollment.cohort.starts_on if enrollment.cohort is not None else None
    return max(starts, WORKLOG_FLOOR) if starts else WORKLOG_FLOOR


@transaction.atomic
def log_session(
    enrollment: Enrollment,
    *,
    learner: User,
    task: WorkStudyTask,
    date: dt.date,
    hours: Any,
    content: str,
    photos: list[Any] | None = None,
) -> WorkLog:
    """The learner records one session of work-study; it waits for the mentor's review."""
    if enrollment.learner_id != learner.pk:
        raise PermissionDenied(_("只能为自己的课程填写日志。"))
    if task.module.course_id != enrollment.course_id:
        raise ValidationError(_("该任务不属于这门课程。"))
    try:
        value = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("学时请填写数字，例如 2.5。")) from None
    if value <= 0 or value > 24:
        raise ValidationError(_("单次学时应在 0.1 到 24 小时之间。"))
    earliest = earliest_log_date(enrollment)
    if date > timezone.localdate():
        raise ValidationError(_("日志日期不能晚于今天。"))
    if date < earliest:
        raise ValidationError(
            _("日志日期不能早于 %(d)s（开班日期或平台启用日期），请填写实际参加工学的日期。")
            % {"d": f"{earliest:%Y-%m-%d}"}
        )
    if not content or not content.strip():
        raise ValidationError(_("请填写本次完成的工作内容。"))
    check_length(content, WORKLOG_CONTENT_MAX, _("工作内容"))
    photos = photos or []
    if len(photos) > settings.LMS_PHOTOS_PER_LOG:
        raise ValidationError(_("每条日志最多上传 %(n)d 张照片。") % {"n": settings.LMS_PHOTOS_PER_LOG})
    processed = [process_photo(p) for p in photos]  # all checked before anything is written
    log = WorkLog.objects.create(enrollment=enrollment, task=task, date=date, hours=value, content=content.strip())
    for image, thumb, width, height in processed:
        photo = WorkLogPhoto(log=log, width=width, height=height)
        photo.image.save(image.name, image, save=False)
        photo.thumbnail.save(thumb.name, thumb, save=False)
        photo.save()
    audit(learner, "lms.worklog.create", log, after={"task": task.pk, "hours": str(value), "photos": len(processed)})
    return log


def can_review(mentor: User, log: WorkLog) -> bool:
    enrollment = log.enrollment
    return (
        mentor.has_role(Role.MENTOR)
        and effective_mentor(enrollment) == mentor.pk
        and enrollment.learner.organization_id is not None
        and enrollment.learner.organization_id in mentor_org_ids(mentor)
    )


def mentor_queue(mentor: User) -> QuerySet[WorkLog]:
    """Logs waiting for this mentor: learners they mentor directly or through a cohort, same organization."""
    return (
        WorkLog.objects.filter(
            status=LogStatus.PENDING, enrollment__learner__organization_id__in=mentor_org_ids(mentor)
        )
        .filter(Q(enrollment__mentor=mentor) | Q(enrollment__mentor__isnull=True, enrollment__cohort__mentor=mentor))
        .select_related("enrollment__learner", "enrollment__course", "task")
        .prefetch_related("photos")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def review_log(log: WorkLog, *, mentor: User, approve: bool, comment: str = "") -> WorkLog:
    """Approve (hours count toward completion and the talent record) or return with a comment.

    Only the learner's own mentor, of the learner's organization, may review; a returned log
    needs a comment so the learner knows what to fix.
    """
    locked = (
        WorkLog.objects.select_for_update(of=("self",))
        .select_related("enrollment__learner", "enrollment__cohort", "enrollment__course", "task")
        .get(pk=log.pk)
    )
    if not can_review(mentor, locked):
        raise PermissionDenied(_("您不是该学员的企业导师，或不属于同一单位，不能审核此日志。"))
    if locked.status != LogStatus.PENDING:
        raise ValidationError(_("该日志已审核（%(s)s）。") % {"s": locked.get_status_display()})
    if not approve and not comment.strip():
        raise ValidationError(_("退回日志时请填写意见，告诉学员需要补充什么。"))
    check_length(comment, REVIEW_COMMENT_MAX, _("审核意见"))
    before = locked.status
    locked.status = LogStatus.APPROVED if approve else LogStatus.RETURNED
    locked.mentor_comment = comment.strip()
    locked.reviewed_by = mentor
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=["status", "mentor_comment", "reviewed_by", "reviewed_at"])
    decision = audit(
        mentor,
        "lms.worklog.review",
        locked,
        before={"status": before},
        after={"status": locked.status},
        reason=locked.mentor_comment,
    )
    enrollment = locked.enrollment
    values = {"task": locked.task.title, "date": locked.date.isoformat(), "comment": locked.mentor_comment}
    with in_language_of(enrollment.learner):
        notify(
            enrollment.learner,
            NoticeKind.WORKLOG,
            title=(_("工学日志已通过：%(task)s（%(date)s）") if approve else _("工学日志被退回：%(task)s（%(date)s）"))
            % values,
            body=(_("导师意见：%(comment)s") % values) if locked.mentor_comment else "",
            url=reverse("lms:workstudy", args=[enrollment.course_id]),
            dedupe_key=f"{locked.pk}:{decision.pk}",
            level=NoticeLevel.SUCCESS if approve else NoticeLevel.WARNING,
        )
    if approve:
        record_achievement(
            person=enrollment.learner,
            kind=AchievementKind.WORKSTUDY_HOURS,
            source="lms.worklog",
            source_id=locked.pk,
            title=f"{enrollment.course.title} · {locked.task.title}",
            data={
                "hours": str(locked.hours),
                "course_id": enrollment.course_id,
                "task_id": locked.task_id,
                "date": locked.date.isoformat(),
            },
            actor=mentor,
        )
        refresh(enrollment)
    log.status, log.mentor_comment = locked.status, locked.mentor_comment
    return locked


@transaction.atomic
def withdraw_approval(log: WorkLog, *, actor: User, reason: str) -> WorkLog:
    """Undo a mistaken approval (the mentor's own or an enterprise admin's); revokes the hours."""
    locked = (
        WorkLog.objects.select_for_update(of=("self",))
        .select_related("enrollment__learner", "enrollment__cohort")
        .get(pk=log.pk)
    )
    if not (
        can_review(actor, locked)
        or (
            locked.enrollment.learner.organization_id is not None
            and locked.enrollment.learner.organization_id in enterprise_admin_org_ids(actor)
        )
    ):
        raise PermissionDenied(_("您无权撤销该日志的审核。"))
    if locked.status != LogStatus.APPROVED or not reason.strip():
        raise ValidationError(_("只能撤销已通过的日志，并须填写原因。"))
    locked.status = LogStatus.RETURNED
    locked.mentor_comment = reason.strip()
    locked.save(update_fields=["status", "mentor_comment"])
    revoke_achievement(
        person=locked.enrollment.learner,
        kind=AchievementKind.WORKSTUDY_HOURS,
        source="lms.worklog",
        source_id=locked.pk,
        reason=reason,
        actor=actor,
    )
    audit(actor, "lms.worklog.withdraw", locked, reason=reason)
    return locked
