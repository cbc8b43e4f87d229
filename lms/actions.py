"""Every change of state in lms: enrollment, progress, attempts, grading, work-study, certificates.

The functions live in topical modules (certificates, progress, quizzes, sittings, workstudy) and
are gathered here, the one place other apps and the views import actions from.
"""

from __future__ import annotations

from lms.authoring import delete_quiz, save_course_settings, save_quiz
from lms.certificates import issue_certificate, revoke_certificate
from lms.proctoring import extend_attempt, record_signal
from lms.progress import (
    assign_mentor,
    complete_lesson,
    create_cohort,
    enroll,
    refresh,
    report_reading,
    report_video,
    visit_lesson,
)
from lms.quizzes import (
    LateSubmissionError,
    close_expired_attempts,
    close_if_expired,
    flag_question,
    grade_answer,
    save_answer,
    save_upload,
    start_attempt,
    submit_attempt,
)
from lms.sittings import open_papers, store_answers, submit_papers
from lms.workstudy import log_session, review_log, withdraw_approval

__all__ = [
    "LateSubmissionError",
    "assign_mentor",
    "close_expired_attempts",
    "close_if_expired",
    "complete_lesson",
    "create_cohort",
    "delete_quiz",
    "enroll",
    "extend_attempt",
    "flag_question",
    "grade_answer",
    "issue_certificate",
    "log_session",
    "open_papers",
    "record_signal",
    "refresh",
    "report_reading",
    "report_video",
    "review_log",
    "revoke_certificate",
    "save_answer",
    "save_course_settings",
    "save_quiz",
    "save_upload",
    "start_attempt",
    "store_answers",
    "submit_attempt",
    "submit_papers",
    "visit_lesson",
    "withdraw_approval",
]
