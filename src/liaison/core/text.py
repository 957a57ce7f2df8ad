"""Text helpers shared by every app: accent-free search keys."""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD does not decompose into a base letter and a mark.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
    }
)
_SPACES = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case ASCII search key: ``fold("Müller-Lüdenscheidt")`` is ``"muller ludenscheidt"``.

    Both what is stored and what is typed go through this, so a query typed
    without accents finds the accented name.
    """
    if text.isascii():
        # Nothing to decompose or strip: the same key, without the per-character pass.
        return _SPACES.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()
