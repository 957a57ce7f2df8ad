"""Folding and sentence splitting of field notes, the ground the screen stands on."""

from __future__ import annotations

import pytest

from liaison.safety.screening.folding import fold
from liaison.safety.screening.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def test_fold_lowers_and_drops_accents_keeping_punctuation() -> None:
    assert fold("Oncovirúmab® – Pt’s RASH!").text == "oncovirumab® - pt's rash!"


def test_folded_span_maps_back_to_the_original_characters() -> None:
    text = "Straße: Müller's pt"
    folded = fold(text)

    start = folded.text.index("muller's")
    original = folded.span(start, start + len("muller's"))

    assert text[original[0] : original[1]] == "Müller's"


def test_plain_ascii_keeps_its_indices() -> None:
    folded = fold("Pt had a RASH")

    assert folded.text == "pt had a rash"
    assert folded.span(9, 13) == (9, 13)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Met Dr. Roth. He asked for data.", ["Met Dr. Roth.", "He asked for data."]),
        ("Mrs K. (72) had nausea. Resolved.", ["Mrs K. (72) had nausea.", "Resolved."]),
        ("Side effects e.g. rash were discussed.", ["Side effects e.g. rash were discussed."]),
        ("Prof. Dr. Stein, approx. 8 weeks in.", ["Prof. Dr. Stein, approx. 8 weeks in."]),
        ("Nausea? Not in her pts.", ["Nausea?", "Not in her pts."]),
        ("no fever. pt had a cough", ["no fever.", "pt had a cough"]),
        ("Rash, itching etc. The pt is fine.", ["Rash, itching etc.", "The pt is fine."]),
        ("Rash, itching etc. and more", ["Rash, itching etc. and more"]),
    ],
)
def test_sentence_ends_are_found_despite_abbreviations(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_bullet_lines_are_sentences_without_their_bullets() -> None:
    text = "Oncovirumab update\n- pt with infusion reaction\n* no other issues\n2) follow-up in May"

    assert sentences(text) == [
        "Oncovirumab update",
        "pt with infusion reaction",
        "no other issues",
        "follow-up in May",
    ]


def test_wrapped_line_continues_its_sentence() -> None:
    text = "The pt on Cardiozen had\na rash last week\nNext visit in June"

    assert sentences(text) == ["The pt on Cardiozen had\na rash last week", "Next visit in June"]


def test_blank_line_ends_a_sentence_even_before_lower_case() -> None:
    assert sentences("Discussed the data\n\nlater she called") == [
        "Discussed the data",
        "later she called",
    ]


def test_spans_exclude_surrounding_space_and_skip_empty_lines() -> None:
    text = "  \n  First one.   \n\n   \n Second one  "

    assert split_sentences(text) == [(5, 15), (25, 35)]
    assert sentences(text) == ["First one.", "Second one"]
