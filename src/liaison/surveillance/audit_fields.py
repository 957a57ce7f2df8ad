"""How the audit trail records surveillance (see :func:`liaison.core.audit.register_fields`).

A watch's ``last_seen`` is the cursor its runs move, not a user's change: never
recorded. A triage note is free text a colleague wrote about a hit: kept.
"""

from __future__ import annotations

from liaison.core.audit import register_fields
from liaison.surveillance.models import Alert, DigestPreference, Watch, WatchRun

register_fields(Watch, never=("last_seen",))
register_fields(WatchRun)
register_fields(Alert)
register_fields(DigestPreference)
