"""The labelled set of field-note sentences: its shape, the screen's scores on it, and ``evaluate``."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from liaison.safety.screening import FlagKind
from liaison.safety.screening.evaluate import main
from liaison.safety.screening.labelled import (
    COLUMNS,
    SET_PRODUCTS,
    LabelledSentence,
    LabelledSetError,
    Measurement,
    Scores,
    measure,
    read_labelled_set,
)

HEADER = "\t".join(COLUMNS)
#: The batches written after the last change to the rules (``labelled``), by first and
#: last row: the last the rules were scored on, then two for the sentence model.
RULES_BATCH = (1149, 1226)
MODEL_BATCHES = ((1227, 1353), (1354, 1439))
NEVER_TUNED = (1149, 1439)


@pytest.fixture(scope="module")
def rows() -> list[LabelledSentence]:
    return read_labelled_set()


@pytest.fixture(scope="module")
def measurement(rows: list[LabelledSentence]) -> Measurement:
    return measure(rows)


@pytest.fixture(scope="module")
def rules(rows: list[LabelledSentence]) -> Measurement:
    return measure(rows, rules_only=True)


def batch(measurement: Measurement, first: int, last: int) -> Scores:
    return Scores.of(
        outcome for outcome in measurement.outcomes if first <= int(outcome.row.id[1:]) <= last
    )


def write_set(path: Path, *lines: str) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_set_is_large_and_mixes_positives_and_negatives(rows: list[LabelledSentence]) -> None:
    positives = [row for row in rows if row.expected]

    assert len(rows) >= 320
    assert 0.35 <= len(positives) / len(rows) <= 0.45
    assert {row.kind for row in positives} == set(FlagKind)
    assert {row.split for row in rows} == {"dev", "test"}


def test_expected_products_are_ours_in_the_sets_product_list(
    rows: list[LabelledSentence],
) -> None:
    ours = {product.name for product in SET_PRODUCTS if product.own}

    assert {row.product for row in rows if row.expected} <= ours


def test_every_fifth_row_of_the_first_batch_is_held_out(rows: list[LabelledSentence]) -> None:
    first_batch = [row for row in rows if int(row.id[1:]) <= 478]

    assert all((row.split == "test") == (int(row.id[1:]) % 5 == 0) for row in first_batch)


def test_recall_and_precision_on_the_whole_set_meet_the_issue_floors(
    measurement: Measurement,
) -> None:
    scores = measurement.scores["all"]

    assert scores.recall >= 0.95
    assert scores.precision >= 0.8


def test_held_out_rows_meet_their_floors(measurement: Measurement) -> None:
    # Measured 0.986 recall and 0.889 precision with the sentence model (the rules
    # alone: 0.788 and 0.908, on 503 rows).
    scores = measurement.scores["test"]

    assert scores.recall >= 0.95
    assert scores.precision >= 0.85


def test_rows_never_tuned_on_meet_their_floors(measurement: Measurement) -> None:
    # s1149-s1439, written after the last change to the rules: measured 0.976 recall
    # and 0.842 precision with the sentence model (the rules alone: 0.667 and 0.848).
    # Flagging every sentence that names our product would score about 0.45
    # precision, flagging none 0 recall.
    never_tuned = batch(measurement, *NEVER_TUNED)

    assert never_tuned.rows >= 280
    assert never_tuned.recall >= 0.93
    assert never_tuned.precision >= 0.8


def test_each_batch_never_tuned_on_meets_its_floors(measurement: Measurement) -> None:
    # Measured with the sentence model: s1149-s1226 1.000 recall, 0.927 precision;
    # s1227-s1353 0.948 and 0.887 (its misses were seen while the model was changed);
    # s1354-s1439, scored once with the final model, 1.000 and 0.698 (the rules
    # alone: 0.567 and 0.739: its negatives are hard on purpose).
    floors = {RULES_BATCH: (0.9, 0.85), MODEL_BATCHES[0]: (0.9, 0.8), MODEL_BATCHES[1]: (0.9, 0.65)}
    for (first, last), (recall, precision) in floors.items():
        scores = batch(measurement, first, last)

        assert scores.rows >= 70
        assert scores.recall >= recall, (first, last)
        assert scores.precision >= precision, (first, last)


def test_the_rules_alone_keep_their_floors(rules: Measurement) -> None:
    # The rules, measured apart so the model cannot hide a loss: 0.763 recall and 0.906
    # precision on s1149-s1226 (the rules before the three batches before it: 0.632
    # and 0.857).
    scores = batch(rules, *RULES_BATCH)

    assert scores.recall >= 0.7
    assert scores.precision >= 0.85
    assert rules.scores["dev"].recall >= 0.98


def test_the_model_adds_flags_and_keeps_every_flag_of_the_rules(
    measurement: Measurement, rules: Measurement
) -> None:
    with_model = batch(measurement, *NEVER_TUNED)
    alone = batch(rules, *NEVER_TUNED)

    assert with_model.recall >= alone.recall + 0.2
    for combined, rules_only in zip(measurement.outcomes, rules.outcomes, strict=True):
        assert set(rules_only.flags) <= set(combined.flags), combined.row.id


def test_the_batches_never_tuned_on_are_all_held_out(rows: list[LabelledSentence]) -> None:
    first, last = NEVER_TUNED

    assert all(row.split == "test" for row in rows if first <= int(row.id[1:]) <= last)
    assert max(int(row.id[1:]) for row in rows) == last


def test_the_splits_partition_the_set(
    rows: list[LabelledSentence], measurement: Measurement
) -> None:
    scores = measurement.scores

    assert scores["dev"].rows + scores["test"].rows == scores["all"].rows == len(rows)


def test_measure_counts_found_missed_and_false_flags(tmp_path: Path) -> None:
    path = write_set(
        tmp_path / "set.tsv",
        "a1\tdev\t1\tadverse_event\tCardiozen\tPt on Cardiozen had a rash.\tfound",
        "a2\tdev\t1\tadverse_event\tCardiozen\tPt on Cardiozen is doing well.\tmissed",
        "a3\ttest\t0\t\t\tPt on Cardiozen had a rash.\tfalse flag",
        "a4\ttest\t0\t\t\tNo rash on Cardiozen.\tright silence",
        "a5\tdev\t1\tpregnancy\tCardiozen\tPt on Cardiozen had a rash.\tfound, other kind",
        "a6\tdev\t1\tadverse_event\tOnvexa\tPt on Cardiozen had a rash.\tother product: missed",
    )

    result = measure(read_labelled_set(path))

    scores = result.scores["all"]
    assert (scores.true_positives, scores.false_negatives) == (2, 2)
    assert (scores.false_positives, scores.true_negatives) == (1, 1)
    assert scores.kinds_agreeing == 1
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(0.5)
    assert scores.f1 == pytest.approx(4 / 7)
    assert [outcome.row.id for outcome in result.misclassified] == ["a2", "a3", "a6"]
    assert [outcome.row.id for outcome in result.kind_disagreements] == ["a5"]
    assert result.scores["test"].rows == 2


def test_line_break_marks_in_the_text_become_line_breaks(tmp_path: Path) -> None:
    path = write_set(
        tmp_path / "set.tsv", "a1\tdev\t0\t\t\tVisit notes\\n- no issues\tbullet lines"
    )

    [row] = read_labelled_set(path)

    assert row.text == "Visit notes\n- no issues"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("a1\tdev\t1\tadverse_event\tCardiozen\ttext", "set.tsv, line 2: 6 columns, expected 7"),
        ("a1\tdev\tyes\t\t\ttext\tnote", "set.tsv, line 2: label 'yes' is not 0 or 1"),
        ("a1\tval\t0\t\t\ttext\tnote", "set.tsv, line 2: split 'val' is not one of"),
        ("a1\tdev\t1\t\tCardiozen\ttext\tnote", "set.tsv, line 2: a row labelled 1 needs"),
        ("a1\tdev\t1\trash\tCardiozen\ttext\tnote", "set.tsv, line 2: kind 'rash' is not"),
        ("a1\tdev\t0\t\t\t \tnote", "set.tsv, line 2: the text is empty"),
    ],
)
def test_malformed_row_is_refused_naming_its_line(tmp_path: Path, line: str, message: str) -> None:
    path = write_set(tmp_path / "set.tsv", line)

    with pytest.raises(LabelledSetError, match=re.escape(message)):
        read_labelled_set(path)


def test_duplicate_id_is_refused_naming_its_line(tmp_path: Path) -> None:
    path = write_set(tmp_path / "set.tsv", "a1\tdev\t0\t\t\tone\tn", "a1\tdev\t0\t\t\ttwo\tn")

    with pytest.raises(LabelledSetError, match=re.escape("set.tsv, line 3: id 'a1' is used twice")):
        read_labelled_set(path)


def test_wrong_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "set.tsv"
    path.write_text("id\ttext\n", encoding="utf-8")

    with pytest.raises(LabelledSetError, match=re.escape("set.tsv, line 1: the header must be")):
        read_labelled_set(path)


def test_evaluate_prints_scores_and_the_misclassified_rows(tmp_path: Path) -> None:
    path = write_set(
        tmp_path / "set.tsv",
        "a1\tdev\t1\tadverse_event\tCardiozen\tPt on Cardiozen had a rash.\tfound",
        "a2\ttest\t0\t\t\tPt on Cardiozen had a rash.\tan event, labelled wrongly",
    )
    out = io.StringIO()

    assert main(["--file", str(path)], out) == 0

    report = out.getvalue()
    assert "all       2    1    1    0    0      0.500   1.000  0.667     1/1" in report
    assert "Misclassified rows (1):" in report
    assert "a2 (test) expected no flag; got: rash mentioned with Cardiozen" in report
    assert "note: an event, labelled wrongly" in report


def test_evaluate_json_gives_the_measurements_figures(measurement: Measurement) -> None:
    out = io.StringIO()

    assert main(["--format", "json"], out) == 0

    data = json.loads(out.getvalue())
    for split, scores in measurement.scores.items():
        assert data["scores"][split]["true_positives"] == scores.true_positives
        assert data["scores"][split]["recall"] == round(scores.recall, 4)
    assert [row["id"] for row in data["misclassified"]] == [
        outcome.row.id for outcome in measurement.misclassified
    ]


def test_evaluate_refuses_an_unreadable_set_with_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_set(tmp_path / "set.tsv", "a1\tdev\tmaybe\t\t\ttext\tnote")

    assert main(["--file", str(path)], io.StringIO()) == 2

    assert "cannot read the labelled set: set.tsv, line 2: label 'maybe'" in capsys.readouterr().err


def test_evaluate_explains_itself(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])

    help_text = capsys.readouterr().out
    assert "Measure the adverse-event screen on the labelled set" in help_text
    assert "--format" in help_text
    assert "--rules-only" in help_text


def test_evaluate_scores_the_rules_alone_when_asked(rules: Measurement) -> None:
    out = io.StringIO()

    assert main(["--format", "json", "--rules-only"], out) == 0

    data = json.loads(out.getvalue())
    for split, scores in rules.scores.items():
        assert data["scores"][split]["true_positives"] == scores.true_positives
        assert data["scores"][split]["recall"] == round(scores.recall, 4)
