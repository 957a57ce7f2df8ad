"""``liaison safety mark-sent SUBMISSION --as USERNAME [--at TIME]``: an exported E2B
file went to the regulator.

Exporting a file submits nothing; marking it sent submits its case and, the first
time, stops the case's regulatory clock. A file that failed validation, or one
marked sent already, is refused.
"""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.lib.cli import acting_user
from liaison.safety.models import Submission


def find_submission(actor: User, given: str) -> Submission:
    """The submission ``given`` names (its id or its batch id) among those ``actor`` sees."""
    value = given.strip()
    match = Q(batch_id=value)
    if value.isdigit() and len(value) < 19:
        match |= Q(pk=int(value))
    found = policy.scope(actor, "view", Submission).filter(match).select_related("case").first()
    if found is None:
        raise CommandError(f"SUBMISSION: no E2B file {given!r} that {actor.get_username()} sees")
    return found


def parse_time(given: str | None) -> dt.datetime | None:
    """``--at``: an ISO 8601 time, in the server's time zone unless it names one."""
    if given is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(given.strip())
    except ValueError:
        raise CommandError(
            f"--at: {given!r} is not a time (write it as 2026-03-04T09:30 or 2026-03-04)"
        ) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class MarkSent(BaseCommand):
    help = (
        "Mark an exported E2B file as sent to the regulator, acting as a pharmacovigilance "
        "user: its case is submitted and, the first time, its regulatory clock stops. A file "
        "that does not validate, or one marked sent already, is refused."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "submission",
            metavar="SUBMISSION",
            help="the exported file: its submission id (printed by export-e2b) or its batch id",
        )
        parser.add_argument(
            "--at",
            metavar="TIME",
            help="when it was sent, ISO 8601 (2026-03-04T09:30); now when not given",
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="the pharmacovigilance user who sent it (recorded in the audit trail)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from liaison.safety.services.submissions import mark_submission_sent

        actor = acting_user(options["as_user"])
        submission = find_submission(actor, options["submission"])
        sent_at = parse_time(options["at"])
        try:
            with audit.source("cli"):
                mark_submission_sent(actor=actor, submission=submission, sent_at=sent_at)
        except LiaisonError as error:
            raise CommandError(f"{submission.batch_id}: {error.message}") from None
        case = submission.case
        self.stdout.write(
            f"{submission.batch_id} marked sent: {case.reference} ({case.safety_report_id}) "
            "is submitted."
        )
