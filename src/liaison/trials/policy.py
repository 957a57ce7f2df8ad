"""Access rules of the trials app (registered with core.policy).

Trials are public registry evidence: every medical-affairs role reads them.
Loading studies (``load``, asked of the trial model: files, uploads, fetches
from ClinicalTrials.gov) writes trials for everyone: administrators only.
"""

from __future__ import annotations

from liaison.core.policy import AdminLoads, ReadAllAdminWrites, register
from liaison.trials.models import Trial, TrialOfficial, TrialSite, TrialStatusChange

register(Trial, AdminLoads())
for model in (TrialSite, TrialOfficial, TrialStatusChange):
    register(model, ReadAllAdminWrites())
