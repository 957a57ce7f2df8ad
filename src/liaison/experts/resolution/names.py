"""Names as the resolver compares them: folded, split into given-name parts and
initials, with the variants one person's name takes across records.

PubMed writes a person as LastName, ForeName and Initials: "Brown", "Jennifer S",
"JS"; older records give only initials ("J S" or "JS"); hyphenated given names
("Jean-Pierre", initials "JP"), accents ("Öberg"/"Oberg"), transliterations
("Yuri", "Yurii", "Iurii"; "Aleksandr", "Alexander") and inverted East Asian
names ("Wei Zhang" written "Zhang Wei") all occur for one person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from liaison.lib.text import fold

#: Particles that start compound family names; "van der Berg" is also filed as "Berg".
_PARTICLES = frozenset(
    [
        "al",
        "el",
        "de",
        "del",
        "della",
        "der",
        "di",
        "da",
        "dos",
        "du",
        "la",
        "le",
        "van",
        "von",
        "ten",
        "ter",
        "ben",
        "bin",
        "ibn",
        "mc",
        "mac",
        "st",
    ]
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})

# Transliteration: spellings of one sound in romanised Slavic, Greek, Arabic and Chinese names.
_TRANSLIT = (
    ("iy", "i"),
    ("yi", "i"),
    ("ii", "i"),
    ("ij", "i"),
    ("y", "i"),
    ("j", "i"),
    ("ks", "x"),
    ("kh", "h"),
    ("ph", "f"),
    ("th", "t"),
    ("w", "v"),
    ("ou", "u"),
    ("oo", "u"),
    ("ch", "c"),
    ("ck", "k"),
    ("q", "k"),
    ("sch", "s"),
    ("sh", "s"),
    ("zh", "z"),
    ("ts", "c"),
    ("tz", "c"),
    ("ae", "a"),
    ("oe", "o"),
    ("ue", "u"),
)


@lru_cache(maxsize=200_000)
def family_key(family: str) -> str:
    """The blocking key of a family name: folded, without spaces, hyphens or apostrophes
    ("al Odaib" and "Alodaib" are one key; "García-López" is "garcialopez")."""
    return fold(family).replace(" ", "")


@lru_cache(maxsize=200_000)
def family_variants(family: str) -> tuple[str, ...]:
    """Further keys of a compound family name under which its bearer is also filed:
    "García-López" also as "garcia" (the first surname alone, as Spanish names are
    often shortened), "van der Berg" as "berg"."""
    words = [word for word in fold(family).split() if word not in _SUFFIXES]
    variants: list[str] = []
    if len(words) > 1:
        core = [word for word in words if word not in _PARTICLES]
        if core:
            variants.append(core[0])
            variants.append(core[-1])
    whole = "".join(words)
    return tuple(dict.fromkeys(v for v in variants if v and v != whole and len(v) > 2))


@lru_cache(maxsize=200_000)
def translit(word: str) -> str:
    """A coarse phonetic key of a romanised given name ("Yurii", "Iurii" and "Yuri" agree)."""
    key = word
    for old, new in _TRANSLIT:
        key = key.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", key)


@dataclass(frozen=True, slots=True)
class GivenName:
    """A given name as parts: ``first`` the first full given name (empty when only an
    initial is known), ``initials`` every given name's initial in order ("js")."""

    first: str
    initials: str
    parts: tuple[str, ...]


@lru_cache(maxsize=200_000)
def given_name(given: str, initials: str = "") -> GivenName:
    """Read a ForeName ("Jennifer S", "J S", "JS", "Jean-Pierre") and its Initials."""
    raw = given.strip()
    # "JS" written as a fore name is initials, not a name.
    if raw and raw.isupper() and raw.isalpha() and len(raw) <= 3 and " " not in raw:
        raw = " ".join(raw)
    parts = tuple(part for part in fold(raw).split() if part)
    own = "".join(part[0] for part in parts)
    written = fold(initials).replace(" ", "")
    letters = written if len(written) >= len(own) else own
    first = parts[0] if parts and len(parts[0]) > 1 else ""
    return GivenName(first, letters, parts)


def compatible_initials(a: str, b: str) -> bool:
    """Whether two initials strings can be one person's: one is a prefix of the other
    ("j" and "js"), so a missing middle initial is no conflict."""
    if not a or not b:
        return True
    return a.startswith(b) or b.startswith(a)


@lru_cache(maxsize=200_000)
def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two short strings (1.0 equal, 0.0 nothing in common)."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    matched_b = [False] * lb
    matches_a: list[str] = []
    for i, ch in enumerate(a):
        low, high = max(0, i - window), min(lb, i + window + 1)
        for j in range(low, high):
            if not matched_b[j] and b[j] == ch:
                matched_b[j] = True
                matches_a.append(ch)
                break
    m = len(matches_a)
    if not m:
        return 0.0
    matches_b = [b[j] for j in range(lb) if matched_b[j]]
    transpositions = sum(x != y for x, y in zip(matches_a, matches_b, strict=True)) / 2
    jaro = (m / la + m / lb + (m - transpositions) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def name_key(family: str, given: str, initials: str = "") -> str:
    """``"family i"``: how a co-author is compared across records ("brown j")."""
    letters = given_name(given, initials).initials
    return f"{family_key(family)} {letters[:1]}"
