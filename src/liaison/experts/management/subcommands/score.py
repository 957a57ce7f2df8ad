"""``liaison experts score``: recompute the expert scores and tiers of every defined
therapeutic area (or one), with a progress bar."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.directory.models import TherapeuticArea
from liaison.experts.models import ExpertScore
from liaison.experts.services import scoring
from liaison.lib.cli import acting_user
from liaison.lib.progress import BarProgress, progress_bar


class Score(BaseCommand):
    help = (
        "Recompute the expert scores, ranks, tiers and rising experts of every therapeutic "
        "area with an evidence definition, or of one (--area CODE), with each area's "
        "weights in force. Administrators and insights leads."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--area", metavar="CODE", help="one therapeutic area, by its code")
        parser.add_argument(
            "--format",
            choices=("text", "json"),
            default="text",
            help="json: one object per area (area, experts, contributions, tier1, rising, "
            "weight_version)",
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            required=True,
            metavar="USERNAME",
            help="the user who recomputes (an administrator or insights lead)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = acting_user(options["as_user"])
        if not policy.can(actor, "recompute", ExpertScore):
            raise CommandError(
                f"{actor.get_username()} may not recompute scores: administrators and "
                "insights leads do"
            )
        chosen = None
        if options["area"]:
            area = TherapeuticArea.objects.filter(code=options["area"]).first()
            if area is None:
                codes = ", ".join(TherapeuticArea.objects.values_list("code", flat=True)[:20])
                raise CommandError(
                    f"--area: no therapeutic area with code “{options['area']}” "
                    f"(codes: {codes or 'none yet'})"
                )
            chosen = [area]
        show_bar = options["verbosity"] > 0 and options["format"] == "text"
        try:
            with progress_bar(enabled=show_bar) as bar:
                reports = scoring.score_all(
                    actor=actor, areas_to_score=chosen, progress=BarProgress(bar, "scoring")
                )
        except LiaisonError as error:
            raise CommandError(error.message) from None
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "area": report.area,
                            "experts": report.experts,
                            "contributions": report.contributions,
                            "tier1": report.tier1,
                            "rising": report.rising,
                            "weight_version": report.weight_version,
                        }
                        for report in reports
                    ],
                    indent=2,
                )
            )
            return
        if not reports:
            self.stdout.write("No therapeutic area has an evidence definition: nothing to score.")
        for report in reports:
            self.stdout.write(report.summary + ".")
