"""How the audit trail records surveillance (see :func:`liaison.core.audit.register_fields`).

A watch's ``last_seen`` is the cursor its runs move, not a user's change: never
recorded. A triage note is free text a colleague wrote about a hit: kept.
"""

from __future__ import annotations

from liaison.core.audit import register_fields
from liaison.core.audit_display import register_value_labels
from liaison.surveillance.models import Alert, DigestPreference, Watch, WatchRun
from liaison.trials.models import phase_label, status_label

register_fields(Watch, never=("last_seen",))
register_fields(WatchRun)
register_fields(Alert)
register_fields(DigestPreference)

# A trial watch's criteria are registry codes; its history shows their labels.
register_value_labels(Watch, statuses=status_label, phases=phase_label)
