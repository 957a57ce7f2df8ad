"""What users and the scheduler do with watches and alerts: the operations that
write. Reads (what a watch matches, who it alerts, which watches are due, the
inbox) are :mod:`liaison.surveillance.selectors`'.

By subject:

* :mod:`.watches`: create, change and delete a watch (audited, policy-checked);
* :mod:`.runs`: :func:`run_watch`, the scheduler's and the "run now" task's:
  match (after fetching the source first in live mode) and write one alert per
  new hit and recipient;
* :mod:`.alerts`: a user's triage of an alert or of several at once (audited) and
  marking alerts read;
* :mod:`.digests`: the daily digest's setting and :func:`send_digests`.

The operations are re-exported here, so callers write ``services.run_watch``.
"""

from liaison.surveillance.services.alerts import (
    BulkOutcome,
    mark_alert,
    mark_alerts,
    mark_all_read,
    triage_alert,
    triage_alerts,
)
from liaison.surveillance.services.digests import send_digests, set_digest
from liaison.surveillance.services.runs import (
    FIRST_RUN_HITS,
    LIVE_LOOKBACK,
    MAX_ALERTS_PER_RUN,
    Hit,
    LiveSources,
    run_watch,
)
from liaison.surveillance.services.watches import (
    WATCH_FIELDS,
    create_watch,
    delete_watch,
    update_watch,
)

__all__ = [
    "FIRST_RUN_HITS",
    "LIVE_LOOKBACK",
    "MAX_ALERTS_PER_RUN",
    "WATCH_FIELDS",
    "BulkOutcome",
    "Hit",
    "LiveSources",
    "create_watch",
    "delete_watch",
    "mark_alert",
    "mark_alerts",
    "mark_all_read",
    "run_watch",
    "send_digests",
    "set_digest",
    "triage_alert",
    "triage_alerts",
    "update_watch",
]
