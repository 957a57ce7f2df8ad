"""fold(): the accent-free search key, and its fast path for ASCII text."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from liaison.lib.text import fold, fold_char


def test_accents_and_special_letters_fold_to_ascii() -> None:
    assert fold("Müller-Lüdenscheidt") == "muller ludenscheidt"
    assert fold("Straße, Øresund") == "strasse oresund"


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_gets_the_key_of_the_full_unicode_path(text: str) -> None:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    assert fold(text) == re.sub(r"[^0-9a-z]+", " ", stripped.lower()).strip()


def test_fold_char_folds_one_character_keeping_punctuation() -> None:
    assert [fold_char(char) for char in "Ú,ß?Ø\u2019\u2013\u00a0"] == [
        "u",
        ",",
        "ss",
        "?",
        "o",
        "'",
        "-",
        " ",
    ]


@given(st.text())
def test_fold_char_reads_letters_and_digits_as_fold_does(text: str) -> None:
    folded = "".join(fold_char(char) for char in text)
    assert re.sub(r"[^0-9a-z]+", " ", folded).strip() == fold(text)
