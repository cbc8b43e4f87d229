"""The competitions models, one module per subject; every model is importable from here.

- `core`: contests, event groups, registrations and tickets (what `competitions.live` builds on);
- `lifecycle`: rules, teams, check-in, judging and marks, results, clarifications, appeals, 以赛代评;
- `staff`: invitations of co-organizers and judges.
"""

from __future__ import annotations

from competitions.models.core import (
    Contest as Contest,
)
from competitions.models.core import (
    ContestLevel as ContestLevel,
)
from competitions.models.core import (
    ContestStatus as ContestStatus,
)
from competitions.models.core import (
    EventGroup as EventGroup,
)
from competitions.models.core import (
    Registration as Registration,
)
from competitions.models.core import (
    RegistrationStatus as RegistrationStatus,
)
from competitions.models.core import (
    Ticket as Ticket,
)
from competitions.models.core import (
    new_access_code as new_access_code,
)
from competitions.models.lifecycle import (
    AWARD_ORDER as AWARD_ORDER,
)
from competitions.models.lifecycle import (
    Aggregation as Aggregation,
)
from competitions.models.lifecycle import (
    Appeal as Appeal,
)
from competitions.models.lifecycle import (
    AppealStatus as AppealStatus,
)
from competitions.models.lifecycle import (
    Award as Award,
)
from competitions.models.lifecycle import (
    AwardMode as AwardMode,
)
from competitions.models.lifecycle import (
    CheckIn as CheckIn,
)
from competitions.models.lifecycle import (
    Clarification as Clarification,
)
from competitions.models.lifecycle import (
    ContestRules as ContestRules,
)
from competitions.models.lifecycle import (
    ItemKind as ItemKind,
)
from competitions.models.lifecycle import (
    JudgeAssignment as JudgeAssignment,
)
from competitions.models.lifecycle import (
    Mark as Mark,
)
from competitions.models.lifecycle import (
    MarkingItem as MarkingItem,
)
from competitions.models.lifecycle import (
    PracticalAbsence as PracticalAbsence,
)
from competitions.models.lifecycle import (
    PracticalTask as PracticalTask,
)
from competitions.models.lifecycle import (
    Promotion as Promotion,
)
from competitions.models.lifecycle import (
    PromotionRule as PromotionRule,
)
from competitions.models.lifecycle import (
    Rescore as Rescore,
)
from competitions.models.lifecycle import (
    Result as Result,
)
from competitions.models.lifecycle import (
    SignOff as SignOff,
)
from competitions.models.lifecycle import (
    Team as Team,
)
from competitions.models.lifecycle import (
    TeamMember as TeamMember,
)
from competitions.models.lifecycle import (
    TheoryMark as TheoryMark,
)
from competitions.models.lifecycle import (
    level_label as level_label,
)
from competitions.models.staff import (
    JUDGE_ROLES as JUDGE_ROLES,
)
from competitions.models.staff import (
    InvitationStatus as InvitationStatus,
)
from competitions.models.staff import (
    StaffInvitation as StaffInvitation,
)
from competitions.models.staff import (
    StaffRole as StaffRole,
)
