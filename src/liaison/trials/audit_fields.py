"""How the audit trail records trials (see :func:`liaison.core.audit.register_fields`).

The search columns, the phase sort key and the content hash are derived and
never recorded. Site contacts and officials are people: personal.
"""

from __future__ import annotations

from liaison.core.audit import register_fields
from liaison.trials.models import Trial, TrialOfficial, TrialSite, TrialStatusChange

register_fields(
    Trial,
    never=("search_text", "intervention_text", "condition_text", "content_hash", "phase_key"),
)
register_fields(TrialSite, personal=("contacts",))
register_fields(TrialOfficial, personal=("name",))
register_fields(TrialStatusChange)
