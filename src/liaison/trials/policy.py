"""Access rules of the trials app (registered with core.policy).

Trials are public registry evidence: every medical-affairs role reads them.
Loading studies (files, uploads) is for administrators.
"""

from __future__ import annotations

from liaison.core.policy import AnyUser, ReadAllAdminWrites, is_admin, register
from liaison.trials.models import Trial, TrialOfficial, TrialSite, TrialStatusChange

for model in (Trial, TrialSite, TrialOfficial, TrialStatusChange):
    register(model, ReadAllAdminWrites())


def may_load(user: AnyUser) -> bool:
    """Loads write trials in bulk for everyone: administrators only."""
    return is_admin(user)
