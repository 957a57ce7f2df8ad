"""Country and region names: the one source every page uses.

The directory stores ISO 3166-1 alpha-2 codes (``"TR"``) and ISO 3166-2 region
codes (``"US-FL"``); ClinicalTrials.gov gives a site's country as a name of its
own list (``"Turkey"``, ``"Korea, Republic of"``). Both are shown by
:func:`name`, from pycountry's ISO 3166 data: the short name people use
(pycountry's common name, "South Korea", else its ISO name, "Türkiye"), with the
few ISO names written for sorting ("Congo, The Democratic Republic of the") put
the way they are said. :func:`code_for` reads any of these names back, so a
trial site in "Turkey" and an HCP in ``TR`` are both "Türkiye".
"""

from __future__ import annotations

import functools

import pycountry

from liaison.lib.text import fold

#: ISO names written for an index, as people say them.
SPOKEN_NAMES: dict[str, str] = {
    "BN": "Brunei",
    "CD": "Democratic Republic of the Congo",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "PS": "Palestine",
    "RU": "Russia",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
}

#: Former or registry names that are no name pycountry knows.
OTHER_NAMES: dict[str, str] = {
    "burma": "MM",
    "cape verde": "CV",
    "czech republic": "CZ",
    "east timor": "TL",
    "holland": "NL",
    "ivory coast": "CI",
    "korea": "KR",
    "macedonia": "MK",
    "macedonia the former yugoslav republic of": "MK",
    "swaziland": "SZ",
    "turkey": "TR",
    "great britain": "GB",
    "uk": "GB",
    "usa": "US",
    "united states of america": "US",
}


def _iso_name(country: object) -> str:
    return str(getattr(country, "common_name", None) or getattr(country, "name", ""))


@functools.cache
def _names() -> dict[str, str]:
    return {
        country.alpha_2: SPOKEN_NAMES.get(country.alpha_2) or _iso_name(country)
        for country in pycountry.countries
    }


@functools.cache
def _codes() -> dict[str, str]:
    """Folded name -> code: ISO, official, common and spoken names, and :data:`OTHER_NAMES`."""
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                codes.setdefault(fold(str(value)), country.alpha_2)
    for code, spoken in SPOKEN_NAMES.items():
        codes.setdefault(fold(spoken), code)
    for other, code in OTHER_NAMES.items():
        codes.setdefault(fold(other), code)
    return codes


def name(code: str) -> str:
    """``"DE"`` -> ``"Germany"``; ``""`` -> ``""``; a code no country has is kept as given."""
    if not code:
        return ""
    return _names().get(code.upper(), code)


def code_for(text: str) -> str | None:
    """The alpha-2 code of a country given by code or by any of its names, in any
    case and with or without accents (``"Turkey"``, ``"türkiye"``, ``"tr"`` ->
    ``"TR"``); ``None`` when no country has it."""
    value = text.strip()
    if not value:
        return None
    if len(value) == 2 and value.upper() in _names():
        return value.upper()
    if len(value) == 3 and value.isalpha():
        country = pycountry.countries.get(alpha_3=value.upper())
        if country is not None:
            return str(country.alpha_2)
    return _codes().get(fold(value))


def display(value: str) -> str:
    """A country given by code or by name, shown by :func:`name`; a value that is no
    country (a registry's misspelling) is shown as given."""
    code = code_for(value) if value else None
    return name(code) if code else value


@functools.cache
def choices() -> tuple[tuple[str, str], ...]:
    """Every country as ``(code, "Name (CODE)")``, sorted by name as people read it."""
    by_name = sorted(_names().items(), key=lambda item: fold(item[1]))
    return tuple((code, f"{shown} ({code})") for code, shown in by_name)


def region_name(code: str) -> str:
    """``"US-FL"`` -> ``"Florida"``; a code no region has is kept as given."""
    if not code:
        return ""
    region: object | None = pycountry.subdivisions.get(code=code.upper())  # type: ignore[no-untyped-call]
    return str(getattr(region, "name", "")) or code
