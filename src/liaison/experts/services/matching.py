"""How identity resolution compares a person with the directory: each HCP's
names, identifiers and places (:func:`directory_facts`), given names that agree
(:func:`given_compatible`), affiliations naming an HCP's places
(:func:`place_similarity`), and the country and city an affiliation ends with
(:func:`country_of`, :func:`city_of`). Reads the directory; no writes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from liaison.directory.models import HCP, Affiliation
from liaison.experts.mentions_db import initials_of
from liaison.experts.resolution import Mention
from liaison.lib import countries
from liaison.lib.text import fold

_WORDS = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    {"of", "the", "and", "for", "de", "der", "des", "di", "la", "le", "du", "und", "et", "y"}
)
#: Countries as affiliations write them where the ISO names differ.
_COUNTRY_WORDS = {
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "republic of korea": "KR",
    "korea republic of": "KR",
    "the netherlands": "NL",
    "holland": "NL",
    "p r china": "CN",
    "pr china": "CN",
    "prc": "CN",
    "deutschland": "DE",
    "u s a": "US",
    "united states of america": "US",
}
_US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "DC",
    ]
)
_US_STATE_ZIP = re.compile(r"\b([A-Z]{2})\s+\d{5}(?:-\d{4})?\b")


@dataclass
class HCPFacts:
    """What the run compares of an HCP: names, identifiers and places (folded)."""

    pk: int
    family: str
    given: str
    orcid: str
    npi: str
    country: str
    city: str
    label: str
    places: set[str] = field(default_factory=set)

    def as_mention(self) -> Mention:
        """The HCP written as a mention, for :func:`~liaison.experts.resolution.explain`."""
        return Mention(
            key=f"hcp:{self.pk}",
            family=self.family,
            given=self.given,
            initials=initials_of(self.given),
            orcid=self.orcid,
            affiliations=tuple(sorted(self.places)),
        )


def family_key(family: str) -> str:
    return fold(family).replace(" ", "")


def directory_facts(ids: Iterable[int] | None = None) -> dict[int, HCPFacts]:
    """Every HCP (or those of ``ids``) with its organizations' names and cities."""
    hcps = HCP.objects.all() if ids is None else HCP.objects.filter(pk__in=list(ids))
    facts: dict[int, HCPFacts] = {}
    for pk, family, given, orcid, npi, country, city in hcps.values_list(
        "pk", "family_name", "given_name", "orcid", "npi", "country", "city"
    ).iterator(chunk_size=5000):
        facts[pk] = HCPFacts(
            pk, family, given, orcid or "", npi or "", country, fold(city), f"{given} {family}"
        )
        if city:
            facts[pk].places.add(fold(city))
    affiliations = Affiliation.objects.all()
    if ids is not None:
        affiliations = affiliations.filter(hcp_id__in=list(facts))
    for hcp_id, name, city in affiliations.values_list(
        "hcp_id", "organization__name", "organization__city"
    ).iterator(chunk_size=5000):
        if hcp_id in facts:
            facts[hcp_id].places.update(part for part in (fold(name), fold(city)) if part)
    return facts


def given_parts(given: str, initials: str) -> tuple[str, str]:
    """``(first full name or "", initials)`` of a given name: ``"Jennifer S"`` ->
    ``("jennifer", "JS")``; ``"J S"`` -> ``("", "JS")``."""
    words = fold(given).split()
    first = words[0] if words and len(words[0]) > 1 else ""
    return first, (initials or initials_of(given)).upper()


def given_compatible(a_given: str, a_initials: str, b_given: str, b_initials: str) -> int:
    """How well two given names agree: 0 not at all ("Mark" and "Jennifer"), 1 by
    initials ("J" and "Jennifer S"), 2 by the full first name."""
    a_first, a_init = given_parts(a_given, a_initials)
    b_first, b_init = given_parts(b_given, b_initials)
    if a_init[:1] and b_init[:1] and a_init[:1] != b_init[:1]:
        return 0
    if a_first and b_first:
        if a_first == b_first:
            return 2
        shorter, longer = sorted((a_first, b_first), key=len)
        return 1 if len(shorter) >= 3 and longer.startswith(shorter) else 0
    if (
        len(a_init) > 1
        and len(b_init) > 1
        and not (a_init.startswith(b_init) or b_init.startswith(a_init))
    ):
        return 0
    return 1


def place_similarity(texts: Iterable[str], places: set[str]) -> float:
    """How much the affiliations ``texts`` (folded) name one of ``places`` (an HCP's
    folded organization names and cities): 1 for a whole organization name, less
    for most of its words, 0.6 for the city alone."""
    best = 0.0
    bodies = [f" {text} " for text in texts]
    for place in places:
        words = [word for word in _WORDS.findall(place) if word not in _STOP]
        if not words:
            continue
        for body in bodies:
            if f" {place} " in body:
                score = 1.0 if len(words) > 1 else 0.6
            else:
                found = sum(1 for word in words if f" {word} " in body)
                score = 0.8 * found / len(words) if len(words) > 1 and found >= 2 else 0.0
            best = max(best, score)
    return best


def country_of(texts: Iterable[str]) -> str:
    """The country an affiliation names at its end ("..., Lund, Sweden" -> ``"SE"``;
    "Boston, MA 02115" -> ``"US"``), or ``""``. Two-letter words are never read as
    countries ("MA" is Massachusetts, not Morocco)."""
    for text in texts:
        clean = re.sub(r"\S+@\S+", " ", text)
        clean = re.sub(r"(?i)electronic address:?", " ", clean).strip(" .;")
        parts = [part.strip(" .;") for part in clean.split(",") if part.strip(" .;")]
        for part in reversed(parts[-2:]):
            candidate = re.sub(r"[\d-]+", " ", part).strip()
            folded = fold(candidate)
            if folded in _COUNTRY_WORDS:
                return _COUNTRY_WORDS[folded]
            if len(candidate) > 2 or folded in ("uk", "us"):
                code = countries.code_for(candidate)
                if code:
                    return code
            state = _US_STATE_ZIP.search(part)
            if state and state.group(1) in _US_STATES:
                return "US"
            last_word = candidate.split()[-1] if candidate.split() else ""
            if len(last_word) > 3:
                code = countries.code_for(last_word)
                if code:
                    return code
    return ""


def city_of(texts: Iterable[str], country: str) -> str:
    """The part before the country in an affiliation ("..., Lund, Sweden" -> "Lund")."""
    for text in texts:
        parts = [part.strip(" .;") for part in text.split(",") if part.strip(" .;")]
        if len(parts) >= 2 and country_of([parts[-1]]) == country:
            city = re.sub(r"\b\d[\d\s-]*\b|\b[A-Z]{1,2}-?\d+\b", " ", parts[-2]).strip()
            if 1 < len(city) <= 60 and not any(ch.isdigit() for ch in city) and "@" not in city:
                return " ".join(city.split())
    return ""
