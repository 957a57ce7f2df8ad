"""The labelled set of field-note sentences, its product list, and the screen's scores on it.

The set (``safety/tests/data/ae_sentences.tsv``) is a tab-separated file with
the columns ``id split label kind product text note``: ``label`` 1 when the
text must raise a flag, ``kind`` and ``product`` the flag expected, ``split``
``dev`` (the rules were tuned on these, the sentence model trained on them) or
``test`` (held out), ``note`` why.
``\\n`` in a text stands for a line break.

It was written in batches, by the authors of the rules:

* s001-s478 before any rule; every fifth row is ``test``. The rules were then
  written with all of them in mind, so figures on these test rows flatter;
* s479-s600 and s601-s721 each after a version of the rules, scored once as
  held out (precision 0.76 and 0.91, recall 0.58 and 0.58: these batches
  reword events on purpose), then tuned on (``dev``);
* s722-s838 after that version: all ``test`` (first run: precision 0.93,
  recall 0.82). Their misses were on show while s839-s1148 were tuned on, and
  a few rules written for those batches also catch some of them: they flatter
  a little too;
* s839-s990, s991-s1070 and s1071-s1148 each after a version of the rules,
  scored once as held out (precision 0.76, 0.79 and 0.82, recall 0.49, 0.61
  and 0.61), then tuned on (``dev``);
* s1149-s1226 after the last change to the rules: all ``test``, never tuned on
  (first run: precision 0.91, recall 0.76; the rules before s839 scored 0.86
  and 0.63 on them). Recall on sentences the rules have not seen stays well
  below the recall on the set;
* s1227-s1353 and s1354-s1439 for the sentence model (``learned``), all
  ``test``. s1227-s1353 before it was trained (rules: precision 0.86, recall
  0.66; the first model with the rules: 0.79 and 0.97); its misses were then on
  show while the model's training and its context checks were changed, so it
  flatters the model a little. s1354-s1439 before those changes, scored once
  with the final model (rules: 0.74 and 0.57; with the model: 0.70 and 1.00):
  the fairest figures of the model. The model is trained on ``dev`` rows only.

A row expecting a flag counts as found when a flag names its product; the kind
is scored apart (a flag of another kind still reaches pharmacovigilance).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from liaison.core.errors import LiaisonError
from liaison.safety.screening.records import Flag, FlagKind, ScreenProduct
from liaison.safety.screening.screen import screen

SET_FILE = Path(__file__).resolve().parents[1] / "tests" / "data" / "ae_sentences.tsv"
COLUMNS = ("id", "split", "label", "kind", "product", "text", "note")
SPLITS = ("dev", "test")

#: The products the set's sentences name: fictional ours and competitors', and the
#: demo's (``directory/demo/products.py``) so the demo notes screen the same way.
#: Comparators outside the directory (osimertinib, evolocumab) are deliberately absent.
SET_PRODUCTS: tuple[ScreenProduct, ...] = (
    ScreenProduct("Oncovirumab", ("oncovir",), own=True),
    ScreenProduct("Cardiozen", ("cardizotide",), own=True),
    ScreenProduct("Neurolix", ("lixenuride",), own=True),
    ScreenProduct("Onvexa", ("velotinib",), own=True),
    ScreenProduct("Cardivance", ("sotrelamab",), own=True),
    ScreenProduct("Rivalimab", ("rivalizumab",), own=False),
    ScreenProduct("Tremiqa", ("lenvarafenib",), own=False),
    ScreenProduct("Neuralto", ("zanemirsen",), own=False),
    ScreenProduct("Immuvia", ("ustarelimab",), own=False),
    ScreenProduct("Rhythmex", ("dalcotrep",), own=False),
)


class LabelledSetError(LiaisonError):
    """A row of the labelled set that cannot be read, named by file and line."""

    def __init__(self, reason: str, *, file: Path, line: int) -> None:
        super().__init__(f"{file.name}, line {line}: {reason}")


@dataclass(frozen=True, slots=True)
class LabelledSentence:
    """One row of the set."""

    id: str
    split: str
    expected: bool
    kind: FlagKind | None
    product: str | None
    text: str
    note: str


def _row(values: list[str], *, file: Path, line: int) -> LabelledSentence:
    if len(values) != len(COLUMNS):
        raise LabelledSetError(
            f"{len(values)} columns, expected {len(COLUMNS)} ({' '.join(COLUMNS)})",
            file=file,
            line=line,
        )
    id_, split, label, kind, product, text, note = values
    if split not in SPLITS:
        raise LabelledSetError(f"split {split!r} is not one of {SPLITS}", file=file, line=line)
    if label not in ("0", "1"):
        raise LabelledSetError(f"label {label!r} is not 0 or 1", file=file, line=line)
    if kind and kind not in FlagKind.__members__.values():
        raise LabelledSetError(f"kind {kind!r} is not a flag kind", file=file, line=line)
    if label == "1" and not (kind and product):
        raise LabelledSetError("a row labelled 1 needs its kind and product", file=file, line=line)
    if not text.strip():
        raise LabelledSetError("the text is empty", file=file, line=line)
    return LabelledSentence(
        id=id_,
        split=split,
        expected=label == "1",
        kind=FlagKind(kind) if kind else None,
        product=product or None,
        text=text.replace("\\n", "\n"),
        note=note,
    )


def read_labelled_set(path: Path = SET_FILE) -> list[LabelledSentence]:
    """The rows of the set at ``path``; a malformed row raises ``LabelledSetError``."""
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or tuple(header) != COLUMNS:
            raise LabelledSetError(f"the header must be: {' '.join(COLUMNS)}", file=path, line=1)
        rows: list[LabelledSentence] = []
        seen: set[str] = set()
        for values in reader:
            if not values:
                continue
            row = _row(values, file=path, line=reader.line_num)
            if row.id in seen:
                raise LabelledSetError(
                    f"id {row.id!r} is used twice", file=path, line=reader.line_num
                )
            seen.add(row.id)
            rows.append(row)
    return rows


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the screen said of one row."""

    row: LabelledSentence
    flags: tuple[Flag, ...]

    @property
    def found(self) -> bool:
        """A flag names the expected product (or, for a negative row, any flag was raised)."""
        if not self.row.expected:
            return bool(self.flags)
        return any(flag.product == self.row.product for flag in self.flags)

    @property
    def correct(self) -> bool:
        return self.found == self.row.expected

    @property
    def kind_agrees(self) -> bool:
        return any(
            flag.kind is self.row.kind and flag.product == self.row.product for flag in self.flags
        )


@dataclass(frozen=True, slots=True)
class Scores:
    """Counts on a set of rows, and precision, recall and F1 from them."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0
    kinds_agreeing: int = 0

    @property
    def rows(self) -> int:
        return (
            self.true_positives + self.false_positives + self.false_negatives + self.true_negatives
        )

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> Scores:
        counts = [0, 0, 0, 0, 0]
        for outcome in outcomes:
            expected, found = outcome.row.expected, outcome.found
            counts[0] += expected and found
            counts[1] += not expected and found
            counts[2] += expected and not found
            counts[3] += not expected and not found
            counts[4] += expected and found and outcome.kind_agrees
        return cls(*counts)


@dataclass(frozen=True, slots=True)
class Measurement:
    """The scores on the whole set and on each split, and the rows to look at."""

    outcomes: tuple[Outcome, ...]
    scores: dict[str, Scores]

    @property
    def misclassified(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.correct]

    @property
    def kind_disagreements(self) -> list[Outcome]:
        return [
            outcome
            for outcome in self.outcomes
            if outcome.row.expected and outcome.found and not outcome.kind_agrees
        ]


def measure(
    rows: Sequence[LabelledSentence],
    products: Sequence[ScreenProduct] = SET_PRODUCTS,
    *,
    rules_only: bool = False,
) -> Measurement:
    """Screen every row and score the result: overall (``"all"``) and per split."""
    outcomes = tuple(
        Outcome(row, tuple(screen(row.text, products, rules_only=rules_only))) for row in rows
    )
    scores = {"all": Scores.of(outcomes)}
    for split in SPLITS:
        scores[split] = Scores.of(outcome for outcome in outcomes if outcome.row.split == split)
    return Measurement(outcomes, scores)
