"""Measure the adverse-event screen on the labelled set: counts, precision, recall, F1, errors.

    python -m liaison.safety.screening.evaluate [--format json] [--file ae_sentences.tsv]
        [--rules-only]

Scores are given on the whole set, on the rows the rules were written with
(``dev``) and on the held-out rows (``test``); then every misclassified row,
with the flags raised and the row's note, so a reviewer can judge each one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from liaison.safety.screening.labelled import (
    SET_FILE,
    LabelledSetError,
    Measurement,
    Outcome,
    Scores,
    measure,
    read_labelled_set,
)


def _scores(scores: Scores) -> dict[str, Any]:
    return {
        "rows": scores.rows,
        "true_positives": scores.true_positives,
        "false_positives": scores.false_positives,
        "false_negatives": scores.false_negatives,
        "true_negatives": scores.true_negatives,
        "kinds_agreeing": scores.kinds_agreeing,
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
    }


def _outcome(outcome: Outcome) -> dict[str, Any]:
    row = outcome.row
    return {
        "id": row.id,
        "split": row.split,
        "expected": row.expected,
        "kind": row.kind.value if row.kind else None,
        "product": row.product,
        "text": row.text,
        "note": row.note,
        "flags": [
            {"kind": flag.kind.value, "product": flag.product, "reason": flag.reason}
            for flag in outcome.flags
        ],
    }


def as_json(measurement: Measurement) -> dict[str, Any]:
    """The measurement as JSON-ready data."""
    return {
        "scores": {name: _scores(scores) for name, scores in measurement.scores.items()},
        "misclassified": [_outcome(outcome) for outcome in measurement.misclassified],
        "kind_disagreements": [_outcome(outcome) for outcome in measurement.kind_disagreements],
    }


def _describe(outcome: Outcome) -> str:
    row = outcome.row
    if row.expected:
        expected = f"expected {row.kind.label if row.kind else '?'} with {row.product}"
    else:
        expected = "expected no flag"
    said = "; ".join(flag.reason for flag in outcome.flags) or "no flag"
    text = row.text.replace("\n", " / ")
    return f"  {row.id} ({row.split}) {expected}; got: {said}\n    {text}\n    note: {row.note}"


def write_text(measurement: Measurement, out: TextIO) -> None:
    """The measurement as a report a reviewer reads."""
    out.write("split  rows   TP   FP   FN   TN  precision  recall     F1  kind agrees\n")
    for name, scores in measurement.scores.items():
        out.write(
            f"{name:<5} {scores.rows:>5} {scores.true_positives:>4} {scores.false_positives:>4}"
            f" {scores.false_negatives:>4} {scores.true_negatives:>4}"
            f"  {scores.precision:>9.3f} {scores.recall:>7.3f} {scores.f1:>6.3f}"
            f"  {scores.kinds_agreeing:>4}/{scores.true_positives}\n"
        )
    misses = measurement.misclassified
    out.write(f"\nMisclassified rows ({len(misses)}):\n")
    for outcome in misses:
        out.write(_describe(outcome) + "\n")
    disagreements = measurement.kind_disagreements
    out.write(f"\nFlagged with another kind than expected ({len(disagreements)}):\n")
    for outcome in disagreements:
        out.write(_describe(outcome) + "\n")


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m liaison.safety.screening.evaluate",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument(
        "--file", type=Path, default=SET_FILE, help="the labelled set (default: the suite's)"
    )
    parser.add_argument(
        "--rules-only", action="store_true", help="the rules alone, without the sentence model"
    )
    args = parser.parse_args(argv)
    try:
        rows = read_labelled_set(args.file)
    except (OSError, LabelledSetError) as error:
        print(f"cannot read the labelled set: {error}", file=sys.stderr)
        return 2
    measurement = measure(rows, rules_only=args.rules_only)
    if args.format == "json":
        json.dump(as_json(measurement), out, indent=2)
        out.write("\n")
    else:
        write_text(measurement, out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
