"""``liaison medinfo inquiries``: the medical information queue with each inquiry's clock."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from liaison.core.models import User
from liaison.lib.cli import acting_user
from liaison.medinfo import selectors
from liaison.medinfo.management.subcommands.common import add_acting_user, add_format
from liaison.medinfo.models import InquiryStatus, Priority
from liaison.medinfo.selectors import QueueRow


def row_data(row: QueueRow) -> dict[str, Any]:
    """One queue row as JSON: the inquiry's essentials and its clock."""
    inquiry = row.inquiry
    return {
        "id": inquiry.pk,
        "reference": inquiry.reference,
        "status": inquiry.status,
        "priority": inquiry.priority,
        "received_at": inquiry.received_at.isoformat(),
        "time_zone": inquiry.zone_name,
        "requester": inquiry.requester_name,
        "requester_country": inquiry.requester_country,
        "product": inquiry.product.name if inquiry.product else None,
        "off_label": inquiry.off_label,
        "assigned_to": inquiry.assigned_to.get_username() if inquiry.assigned_to else None,
        "due_on": inquiry.due_on.isoformat(),
        "clock": {"state": row.state.value, "breached": row.breached, "remaining": row.remaining},
    }


def row_line(row: QueueRow) -> str:
    inquiry = row.inquiry
    flag = "BREACHED" if row.breached else ""
    product = inquiry.product.name if inquiry.product else "-"
    label = "off-label" if inquiry.off_label else ""
    return (
        f"{inquiry.reference:<15} {inquiry.status:<11} {inquiry.priority:<6} "
        f"due {inquiry.due_on.isoformat()}  {row.remaining:<26} {flag:<8} "
        f"{inquiry.requester_name} ({inquiry.requester_country}) · {product} {label}"
    ).rstrip()


class Inquiries(BaseCommand):
    help = (
        "List the inquiries the acting user sees, soonest due first, each with its clock "
        "(business days left, or overdue): the open ones unless --status says otherwise."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--status",
            choices=(*InquiryStatus.values, selectors.ALL),
            help="one status, or all (default: the open ones)",
        )
        parser.add_argument("--priority", choices=Priority.values, help="one priority")
        parser.add_argument(
            "--breached", action="store_true", help="only inquiries past their due day"
        )
        parser.add_argument(
            "--assigned-to", metavar="USERNAME", help="only those assigned to this user"
        )
        add_format(parser, "one array of inquiries, each with its clock")
        add_acting_user(parser, "listed")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["as_user"])
        assignee = None
        if options.get("assigned_to"):
            assignee = User.objects.filter(username=options["assigned_to"]).first()
            if assignee is None:
                raise CommandError(f"--assigned-to: no user named {options['assigned_to']!r}")
        rows = selectors.queue(
            actor,
            status=options.get("status"),
            priority=options.get("priority"),
            breached=True if options["breached"] else None,
            assigned_to=assignee,
            now=timezone.now(),
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps([row_data(row) for row in rows], indent=2))
            return
        if not rows:
            self.stdout.write("No inquiries match.")
            return
        for row in rows:
            self.stdout.write(row_line(row))
        breached = sum(1 for row in rows if row.breached)
        self.stdout.write(f"{len(rows)} inquiries, {breached} breached.")
