"""A person's own data: consents (public listing, contact by enterprises) and deletion requests,
decided by an administrator in scope, erasing what the law allows and keeping the programme's
required records."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import audit
from accounts.models import User
from accounts.validators import check_length
from talent import boards
from talent.evaluations import can_decide_evaluation
from talent.index import refresh_person
from talent.models import (
    ConsentKind,
    ConsentRecord,
    DeletionRequest,
    DeletionStatus,
    Demand,
    Match,
    MatchStatus,
    Objection,
    TalentProfile,
)

# The longest reason, note or opinion an administrator or a person gives with a decision or a
# request (deletion requests and decisions; the pages' reason fields carry the same limit).
REASON_MAX_CHARS = 2000


def _profile_for(person: User) -> TalentProfile:
    profile = TalentProfile.objects.select_for_update().filter(person=person).first()
    return profile if profile is not None else refresh_person(person.pk)


@transaction.atomic
def set_consent(person: User, kind: str, granted: bool, *, ip: str | None = None) -> TalentProfile:
    """Record a grant or withdrawal of consent (kept as history) and apply it to the profile.

    Leaderboard consent decides whether the name is shown; people who have not agreed are
    still counted and ranked, anonymized. Matching consent decides whether enterprises can
    find the person at all; withdrawing it withdraws open invitations.
    """
    if kind not in ConsentKind.values:
        raise ValidationError(_("未知的授权事项。"))
    profile = _profile_for(person)
    ConsentRecord.objects.create(person=person, kind=kind, granted=granted, ip=ip)
    attr = "public_consent" if kind == ConsentKind.LEADERBOARD else "match_opt_in"
    before = getattr(profile, attr)
    setattr(profile, attr, granted)
    profile.save(update_fields=[attr, "updated_at"])
    if kind == ConsentKind.LEADERBOARD and before != granted:
        # Names shown on the person's boards changed: cached top lists must not serve the old one.
        transaction.on_commit(partial(boards.backend().touch, boards.boards_of(profile)), robust=True)
    if kind == ConsentKind.MATCHING and not granted:
        Match.objects.filter(person=person, status=MatchStatus.INVITED).update(
            status=MatchStatus.WITHDRAWN, answered_at=timezone.now()
        )
    audit(person, f"talent.consent.{kind}", profile, before={attr: before}, after={attr: granted})
    return profile


def can_decide_deletion(actor: User | None, person: User) -> bool:
    """The administrators responsible for a person: the province admin, or their city's admin."""
    return can_decide_evaluation(actor, person)


@transaction.atomic
def request_deletion(person: User, *, note: str = "") -> DeletionRequest:
    """A person asks to erase what talent need not keep. Consents are withdrawn at once (the
    person's name leaves the boards and they leave matching); the rest waits for an
    administrator's decision (`decide_deletion`). One pending request per person (a partial
    unique constraint makes double submissions fail cleanly)."""
    note = note.strip()
    check_length(note, REASON_MAX_CHARS, _("说明"))
    try:
        with transaction.atomic():
            request = DeletionRequest.objects.create(person=person, note=note)
    except IntegrityError:
        raise ValidationError(_("您已有一份待处理的删除申请，请等待处理结果后再提交。")) from None
    if TalentProfile.objects.filter(person=person).exists():
        set_consent(person, ConsentKind.LEADERBOARD, False)
        set_consent(person, ConsentKind.MATCHING, False)
    audit(person, "talent.deletion_request", request, after={"note": note})
    return request


def _erase(person: User) -> dict[str, int]:
    """Erase what talent need not keep; returns what was erased, by kind.

    Erased: enterprise matches (an accepted one is still counted by its demand's fit rate, as a
    number without the person), consent history, the person's name on objections they filed.
    Kept, as the programme's required records: the achievement ledger, skill evaluations and
    certificates, shortlist candidacies and cultivation plans, and the audit trail."""
    matches = Match.objects.select_for_update().filter(person=person)
    accepted: dict[int, int] = {}
    for demand_id in matches.filter(status=MatchStatus.ACCEPTED).values_list("demand_id", flat=True):
        accepted[demand_id] = accepted.get(demand_id, 0) + 1
    for demand_id, n in accepted.items():
        Demand.objects.filter(pk=demand_id).update(erased_accepted=F("erased_accepted") + n)
    erased = {
        "matches": matches.delete()[0],
        "consents": ConsentRecord.objects.filter(person=person).delete()[0],
        "objections": Objection.objects.filter(filed_by=person).update(filed_by=None),
    }
    TalentProfile.objects.filter(person=person).update(public_consent=False, match_opt_in=False)
    return erased


@transaction.atomic
def decide_deletion(request: DeletionRequest, *, actor: User, approve: bool, reason: str = "") -> DeletionRequest:
    """Approve (erase what may be erased, keep what must be kept) or decline (reason required)
    a pending deletion request. Only the administrators responsible for the person; audited."""
    locked = DeletionRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    if not can_decide_deletion(actor, locked.person):
        raise PermissionDenied(_("您无权处理此人的删除申请。"))
    if locked.status != DeletionStatus.PENDING:
        raise ValidationError(_("该申请已处理。"))
    reason = reason.strip()
    check_length(reason, REASON_MAX_CHARS, _("理由"))
    if not approve and not reason:
        raise ValidationError(_("不予批准时必须填写理由。"))
    erased: dict[str, int] = {}
    if approve:
        erased = _erase(locked.person)
        locked.status = DeletionStatus.APPROVED
        locked.outcome = str(
            _(
                "已删除企业对接记录 %(m)s 条、授权记录 %(c)s 条，已隐去 %(o)s 条异议的提出人；"
                "成果台账、技能评价与证书、遴选与培育记录依规保留。"
            )
            % {"m": erased["matches"], "c": erased["consents"], "o": erased["objections"]}
        )
    else:
        locked.status = DeletionStatus.DECLINED
        locked.outcome = str(_("未予批准，未删除任何数据。"))
    locked.processed_at, locked.processed_by, locked.reason = timezone.now(), actor, reason
    locked.save(update_fields=["status", "processed_at", "processed_by", "reason", "outcome"])
    audit(
        actor,
        "talent.deletion_approve" if approve else "talent.deletion_decline",
        locked,
        before={"status": DeletionStatus.PENDING},
        after={"status": locked.status, "erased": erased},
        reason=reason or locked.outcome,
    )
    request.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked
