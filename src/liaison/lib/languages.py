"""Languages by ISO 639 code and by name, from pycountry's ISO 639 data.

The directory stores an HCP's languages as ISO 639-1 codes (``"de"``) and
shows them by name ("German"); people type either. PubMed gives a paper's
language as an ISO 639-2 code (``"eng"``), shown by name too.
"""

from __future__ import annotations

import functools
import re

import pycountry

from liaison.lib.text import fold

#: ISO names that qualify the language beyond what people say.
SPOKEN_NAMES: dict[str, str] = {"el": "Greek", "bn": "Bengali"}

_QUALIFIER = re.compile(r"\s*\(.*\)$")


@functools.cache
def _names() -> dict[str, str]:
    """ISO 639-1 code -> name."""
    return {
        language.alpha_2: SPOKEN_NAMES.get(language.alpha_2)
        or _QUALIFIER.sub("", str(language.name))
        for language in pycountry.languages
        if hasattr(language, "alpha_2")
    }


@functools.cache
def _codes() -> dict[str, str]:
    """Folded name or ISO 639-2/3 code -> ISO 639-1 code."""
    codes: dict[str, str] = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if code is None:
            continue
        for attribute in ("alpha_3", "bibliographic", "name", "common_name", "inverted_name"):
            value = getattr(language, attribute, None)
            if value:
                codes.setdefault(fold(str(value)), code)
                codes.setdefault(fold(_QUALIFIER.sub("", str(value))), code)
    for code, spoken in SPOKEN_NAMES.items():
        codes.setdefault(fold(spoken), code)
    return codes


def is_code(value: str) -> bool:
    """Whether ``value`` is an ISO 639-1 code as stored (two lower-case letters)."""
    return value in _names()


def code_for(text: str) -> str | None:
    """The ISO 639-1 code of a language given by that code, an ISO 639-2 code or
    its English name, in any case (``"German"``, ``"DE"``, ``"ger"`` -> ``"de"``);
    ``None`` when no language with a two-letter code has it."""
    value = text.strip()
    if not value:
        return None
    if value.lower() in _names():
        return value.lower()
    return _codes().get(fold(value))


def name(code: str) -> str:
    """``"de"`` or ``"deu"`` -> ``"German"``; a code no language has is kept as given."""
    if not code:
        return ""
    two = code if code in _names() else code_for(code) if len(code) == 3 else None
    return _names().get(two or "", code)
