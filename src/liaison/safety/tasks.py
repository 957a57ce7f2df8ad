"""Background tasks of adverse events: ids in, one service call.

``liaison worker`` queues :func:`escalate_flags_task` when it starts (the app's
``startup_tasks``); a calendar runs ``liaison safety escalate-flags`` from cron.
"""

from __future__ import annotations

from django_tasks import task


@task()
def escalate_flags_task() -> int:
    """Escalate to pharmacovigilance every flag left unhandled past its business day,
    as the system; the number escalated."""
    from liaison.core import audit
    from liaison.safety.services.flags import escalate_due_flags

    with audit.source("task"):
        return len(escalate_due_flags())
