"""``liaison safety escalate-flags``: the scheduler's entry point (cron, e.g. hourly).

Every adverse-event flag still open past its business day (its country's) goes to
pharmacovigilance, as the system; prints how many. The worker does the same when
it starts, so flags missed while nothing ran catch up.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


class EscalateFlags(BaseCommand):
    help = (
        "Escalate to pharmacovigilance every adverse-event flag its author left unhandled "
        "past its business day (LIAISON_AE_FORWARD_BUSINESS_DAYS); run it from cron. "
        "Prints how many were escalated."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        pass

    def handle(self, *args: Any, **options: Any) -> None:
        from liaison.core import audit
        from liaison.safety.services.flags import escalate_due_flags

        with audit.source("cli"):
            escalated = escalate_due_flags()
        count = len(escalated)
        self.stdout.write(
            f"{count:,} flag{'s' if count != 1 else ''} escalated to pharmacovigilance."
        )
