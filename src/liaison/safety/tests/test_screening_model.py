"""The sentence model beside the rules: when it is asked, what its flags say, and its file."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from liaison.safety.screening import FlagKind, ScreenProduct, learned, screen
from liaison.safety.screening.folding import fold
from liaison.safety.screening.labelled import LabelledSentence
from liaison.safety.screening.learned import (
    MODEL_FILE,
    OURS,
    THEIRS,
    SentenceModel,
    from_json,
    says_well,
    tokens,
)
from liaison.safety.screening.screen import MODEL_READING
from liaison.safety.screening.train import examples, fit

ONVEXA = ScreenProduct("Onvexa", ("velotinib",), own=True)
CARDIOZEN = ScreenProduct("Cardiozen", own=True)
TREMIQA = ScreenProduct("Tremiqa", own=False)
PRODUCTS = (ONVEXA, CARDIOZEN, TREMIQA)


def words_model(threshold: float = 0.5, **weights: float) -> SentenceModel:
    """A model that knows only the words given, each with its weight."""
    known = {f"w:{word}": weight for word, weight in weights.items()}
    return SentenceModel(
        idf=dict.fromkeys(known, 1.0), weights=known, intercept=-1.0, threshold=threshold
    )


HICCUPS = words_model(hiccups=8.0)


def test_a_sentence_no_rule_flags_is_flagged_by_the_model_with_the_words_it_weighed() -> None:
    text = "Met Dr. Roth. Pt on Onvexa has HICCUPS all day."

    [flag] = screen(text, PRODUCTS, model=HICCUPS)

    assert (flag.kind, flag.product, flag.words) == (FlagKind.ADVERSE_EVENT, "Onvexa", ("HICCUPS",))
    assert flag.by_model
    assert flag.sentence == "Pt on Onvexa has HICCUPS all day."
    assert text[flag.span[0] : flag.span[1]] == flag.sentence
    assert flag.reason == f"{MODEL_READING} (HICCUPS) mentioned with Onvexa"


def test_the_product_named_in_the_sentence_before_is_the_model_flags_product() -> None:
    [flag] = screen("Saw Dr. Roth about Cardiozen. One pt has hiccups.", PRODUCTS, model=HICCUPS)

    assert flag.product == "Cardiozen"
    assert flag.reason.endswith("mentioned; Cardiozen is named in the sentence before")


@pytest.mark.parametrize(
    "text",
    [
        "Pt on Onvexa has no hiccups.",
        "If a pt on Onvexa gets hiccups, what should she do?",
        "History of hiccups, now on Onvexa.",
        "Pt on Tremiqa has hiccups.",
        "Pt moved from Tremiqa to Onvexa; hiccups.",
        "Pt has hiccups.",
        "Pt on Onvexa: hiccups gone, feels fine now.",
    ],
)
def test_the_context_rules_and_the_products_still_decide(text: str) -> None:
    assert screen(text, PRODUCTS, model=HICCUPS) == []


def test_a_sentence_the_rules_flag_is_not_read_by_the_model_again() -> None:
    model = words_model(rash=8.0)

    [flag] = screen("Pt on Onvexa developed a rash.", PRODUCTS, model=model)

    assert not flag.by_model
    assert flag.words == ("rash",)


def test_below_its_threshold_the_model_flags_nothing() -> None:
    assert screen("Pt on Onvexa has hiccups.", PRODUCTS, model=words_model(0.9, hiccups=1.0)) == []


def test_rules_only_screens_without_the_model() -> None:
    assert screen("Pt on Onvexa has hiccups.", PRODUCTS, model=HICCUPS, rules_only=True) == []


def test_products_are_placeholders_and_numbers_one_word() -> None:
    folded = fold("Pt on Onvexa (velotinib) 40 mg, not Tremiqa.").text
    spans = [(6, 12, True), (14, 23, True), (36, 43, False)]

    read = [token.text for token in tokens(folded, spans)]

    assert read == ["pt", "on", OURS, OURS, "0", "mg", "not", THEIRS]


def test_a_well_patient_is_not_the_models_to_flag_unless_something_follows() -> None:
    assert says_well("pt's alt normal on onvexa.")
    assert says_well("tumour shrank by 40% on onvexa.")
    assert not says_well("pt feels fine but has a strange taste on onvexa.")
    assert not says_well("pt on onvexa has hiccups.")


def test_the_model_file_reads_back_the_same_model(tmp_path: Path) -> None:
    model = words_model(0.6, hiccups=3.0, sweats=2.0)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")

    read = from_json(json.loads(path.read_text(encoding="utf-8")))

    words = tokens("pt on onvexa has hiccups and sweats", [(6, 12, True)])
    assert read.probability(words) == pytest.approx(model.probability(words))
    assert read.threshold == 0.6


def test_the_shipped_model_is_small_trained_on_dev_and_read_once_when_first_needed() -> None:
    learned.shipped.cache_clear()

    screen("Pt on Onvexa has hiccups.", PRODUCTS, rules_only=True)
    assert learned.shipped.cache_info().currsize == 0

    screen("Pt on Onvexa has hiccups.", PRODUCTS)
    screen("Pt on Cardiozen has hiccups.", PRODUCTS)
    info = learned.shipped.cache_info()
    assert (info.misses, info.currsize) == (1, 1)

    model = learned.shipped()
    assert MODEL_FILE.stat().st_size < 2_000_000
    assert 0 < model.threshold < 1
    assert "dev rows" in model.meta["trained_on"]


def test_the_shipped_models_flag_names_words_of_the_sentence_never_our_product() -> None:
    text = "Pt on Onvexa says the room spins every morning."

    [flag] = screen(text, PRODUCTS, model=learned.shipped(), model_only=True)

    assert flag.by_model and flag.product == "Onvexa"
    assert flag.words
    sentence_words = set(re.findall(r"[\w']+", text.lower()))
    assert {word.lower() for word in flag.words} <= sentence_words
    assert not {word.lower() for word in flag.words} & {"onvexa", "velotinib"}


def row(id_: str, text: str, expected: bool) -> LabelledSentence:
    return LabelledSentence(
        id=id_,
        split="dev",
        expected=expected,
        kind=FlagKind.ADVERSE_EVENT if expected else None,
        product="Onvexa" if expected else None,
        text=text,
        note="",
    )


def test_training_examples_are_sentences_labelled_by_the_rules_in_a_longer_row() -> None:
    note = row("a1", "Met Dr. Roth about Onvexa.\n- pt with a rash\n- refills", expected=True)

    labels = [label for _, label in examples(note, PRODUCTS)]

    assert labels == [0, 1, 0]


def test_a_longer_row_the_rules_miss_is_one_positive_example() -> None:
    note = row("a1", "Met Dr. Roth about Onvexa. One pt has hiccups.", expected=True)

    [(counts, label)] = examples(note, PRODUCTS)

    assert label == 1
    assert counts["w:hiccups"] == 1
    assert counts["w:" + OURS] == 1


def test_fitting_is_deterministic() -> None:
    counts = [
        Counter({"w:rash": 1, "w:pt": 1}),
        Counter({"w:rash": 1, "w:itch": 1}),
        Counter({"w:fine": 1, "w:pt": 1}),
        Counter({"w:fine": 1, "w:itch": 1}),
    ]
    labels = [1, 1, 0, 0]

    first = fit(counts, labels, c=1.0).model
    second = fit(counts, labels, c=1.0).model

    assert first.to_json() == second.to_json()
    assert first.weights["w:rash"] > 0 > first.weights["w:fine"]
