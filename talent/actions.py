"""Every change of state in talent: the achievements ledger, skill evaluations, KPI targets, the
leader shortlist, enterprise demand matching and a person's own data.

The functions live in topical modules (ledger, evaluations, targets, shortlist, demands, privacy)
and are gathered here, the one place views, the admin, the spreadsheet import, commands and the
other apps call them from: source apps call `record_achievement` from their own actions. Each
checks its permissions, writes its audit record and keeps the boards and the index in step.
Reads and "what may this person do here" answers are in `talent.selectors`; the index formula
is in `talent.formula`.
"""

from __future__ import annotations

from talent.demands import answer_match, invite_match, post_demand, reveal_contact
from talent.evaluations import (
    approve_evaluation,
    propose_evaluation,
    reject_evaluation,
    withdraw_evaluation,
)
from talent.ledger import record_achievement, revoke_achievement
from talent.privacy import decide_deletion, request_deletion, set_consent
from talent.shortlist import (
    add_plan_item,
    complete_plan_item,
    create_round,
    decline_candidate,
    file_objection,
    finalize_round,
    generate_candidates,
    nominate_candidate,
    remove_objection,
    resolve_objection,
    review_candidate,
    start_notice,
)
from talent.targets import set_kpi_target

__all__ = [
    "add_plan_item",
    "answer_match",
    "approve_evaluation",
    "complete_plan_item",
    "create_round",
    "decide_deletion",
    "decline_candidate",
    "file_objection",
    "finalize_round",
    "generate_candidates",
    "invite_match",
    "nominate_candidate",
    "post_demand",
    "propose_evaluation",
    "record_achievement",
    "reject_evaluation",
    "remove_objection",
    "request_deletion",
    "resolve_objection",
    "reveal_contact",
    "review_candidate",
    "revoke_achievement",
    "set_consent",
    "set_kpi_target",
    "start_notice",
    "withdraw_evaluation",
]
