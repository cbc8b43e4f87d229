"""Every change of state in the contest lifecycle: setup, registration, tickets and 检录号,
teams, judging, results, awards, appeals, 以赛代评 promotions and staff invitations.

The functions live in topical modules (setup, registration, teams, judging, results, appeals,
promotions, staff) and are gathered here, the one place views, the admin, the spreadsheet import,
commands and the live engine call them from, so permission checks, the Chinese refusal reasons
and the audit records live in one place. Refusals raise `ValidationError` (bad input, with a
reason to show) or `PermissionDenied`. Reads are in `competitions.selectors`, the pure scoring
rules in `competitions.scoring`.
"""

from __future__ import annotations

from competitions.appeals import answer_clarification, ask_clarification, decide_appeal, file_appeal
from competitions.judging import (
    MarkEntry,
    check_mark,
    record_mark,
    record_marks,
    set_practical_absence,
    set_theory_mark,
    set_theory_marks,
    sign_off,
)
from competitions.promotions import set_promotion_rule
from competitions.registration import (
    check_registration,
    draw_check_in_numbers,
    issue_ticket,
    register,
    review_registration,
    withdraw_registration,
)
from competitions.results import correct_results, publish_results, recompute_results
from competitions.setup import add_event_group, add_item, add_task, assign_judge, create_contest, update_contest
from competitions.staff import (
    SentInvitation,
    accept_invitation,
    activate_and_accept,
    decline_invitation,
    invite_staff,
    remove_co_organizer,
    remove_judge,
    resend_invitation,
    revoke_invitation,
    send_activation_code,
)
from competitions.teams import join_team

__all__ = [
    "MarkEntry",
    "SentInvitation",
    "accept_invitation",
    "activate_and_accept",
    "add_event_group",
    "add_item",
    "add_task",
    "answer_clarification",
    "ask_clarification",
    "assign_judge",
    "check_mark",
    "check_registration",
    "correct_results",
    "create_contest",
    "decide_appeal",
    "decline_invitation",
    "draw_check_in_numbers",
    "file_appeal",
    "invite_staff",
    "issue_ticket",
    "join_team",
    "publish_results",
    "recompute_results",
    "record_mark",
    "record_marks",
    "register",
    "remove_co_organizer",
    "remove_judge",
    "resend_invitation",
    "review_registration",
    "revoke_invitation",
    "send_activation_code",
    "set_practical_absence",
    "set_promotion_rule",
    "set_theory_mark",
    "set_theory_marks",
    "sign_off",
    "update_contest",
    "withdraw_registration",
]
