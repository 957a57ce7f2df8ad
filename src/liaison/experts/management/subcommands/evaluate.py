"""``liaison experts evaluate --clusters TSV | --pairs CSV --records TAR [--format json]``.

Runs the production resolver on the labelled mentions of a gold standard (the
records' XML, never the database) and prints its scores: for a cluster file
pairwise and B-cubed precision, recall and F1 beside the baseline "same family
name and first initial is one person"; for a pair file precision, recall and F1
of "same person" and accuracy. Rows that cannot be scored are counted with
their reason (and their line numbers in JSON).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.core.errors import LiaisonError
from liaison.experts.resolution.goldstandard import (
    Records,
    Skipped,
    bcubed,
    initial_baseline,
    pair_scores,
    pairwise,
    read_clusters,
    read_pairs,
)
from liaison.experts.resolution.resolver import resolve
from liaison.lib.progress import progress_bar


class Evaluate(BaseCommand):
    help = (
        "Measure the resolver on a labelled gold standard: --clusters TSV (a person id per "
        "mention) or --pairs CSV (same/different pairs), with --records, the tar of the "
        "PubMed XML records. The database is not touched."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        labels = parser.add_mutually_exclusive_group(required=True)
        labels.add_argument("--clusters", type=Path, metavar="TSV", help="cluster labels")
        labels.add_argument("--pairs", type=Path, metavar="CSV", help="pair labels")
        parser.add_argument(
            "--records", type=Path, required=True, metavar="TAR", help="the PubMed XML records"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        labels: Path = options["clusters"] or options["pairs"]
        for path, what in ((labels, "label file"), (options["records"], "records")):
            if not path.exists():
                raise CommandError(f"{path}: no such {what}")
        try:
            records = Records(options["records"])
            if options["clusters"]:
                result = self._clusters(labels, records, options)
            else:
                result = self._pairs(labels, records, options)
        except LiaisonError as error:
            raise CommandError(error.message) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(_text(result))

    def _resolve(self, mentions: list[Any], options: dict[str, Any]) -> dict[str, int]:
        with progress_bar(enabled=options["verbosity"] > 0) as bar:
            resolution = resolve(
                mentions, progress=lambda done, total: bar("resolving", done, total)
            )
        return resolution.person_of

    def _clusters(self, labels: Path, records: Records, options: dict[str, Any]) -> dict[str, Any]:
        data = read_clusters(labels, records)
        if not data.mentions:
            raise CommandError(f"{labels}: no row could be scored{_why(data.skipped)}")
        predicted = self._resolve(data.mentions, options)
        baseline = initial_baseline(data.mentions)
        return {
            "pairwise": pairwise(data.gold, predicted, data.block),
            "b3": bcubed(data.gold, predicted),
            "baseline": {
                "pairwise": pairwise(data.gold, baseline, data.block),
                "b3": bcubed(data.gold, baseline),
            },
            "mentions": len(data.mentions),
            "people": len(set(data.gold.values())),
            "skipped": data.skipped.as_dict(),
        }

    def _pairs(self, labels: Path, records: Records, options: dict[str, Any]) -> dict[str, Any]:
        data = read_pairs(labels, records)
        if not data.pairs:
            raise CommandError(f"{labels}: no row could be scored{_why(data.skipped)}")
        predicted = self._resolve(data.mentions, options)
        return {**pair_scores(data.pairs, predicted), "skipped": data.skipped.as_dict()}


def _why(skipped: Skipped) -> str:
    reasons = ", ".join(f"{reason} ({len(lines)})" for reason, lines in skipped.rows.items())
    return f": {reasons}" if reasons else ""


def _line(name: str, scores: dict[str, float]) -> str:
    return (
        f"{name:<22} precision {scores['precision']:.4f}  recall {scores['recall']:.4f}  "
        f"F1 {scores['f1']:.4f}"
    )


def _text(result: dict[str, Any]) -> str:
    lines = []
    if "b3" in result:
        lines.append(f"{result['mentions']} mentions of {result['people']} people")
        lines.append(_line("pairwise", result["pairwise"]))
        lines.append(_line("B-cubed", result["b3"]))
        lines.append(_line("baseline pairwise", result["baseline"]["pairwise"]))
        lines.append(_line("baseline B-cubed", result["baseline"]["b3"]))
    else:
        lines.append(f"{result['pairs']} pairs")
        lines.append(_line("same person", result))
        lines.append(f"{'accuracy':<22} {result['accuracy']:.4f}")
    skipped = result["skipped"]
    lines.append(f"skipped rows: {skipped['count']}")
    for reason, detail in skipped["reasons"].items():
        shown = ", ".join(str(line) for line in detail["lines"][:5])
        lines.append(f"  {reason}: {detail['rows']} (lines {shown})")
    return "\n".join(lines)
