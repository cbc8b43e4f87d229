"""Every change of state in lms: enrollment, progress, attempts, grading, work-study, certificates.

Views, the API, import resources and demo data call these, so permission checks, audit records
and ledger writes (`talent.actions.record_achievement`) happen in one place.
"""

from __future__ import annotations

from lms.certificates import issue_certificate, revoke_certificate

__all__ = ["issue_certificate", "revoke_certificate"]
