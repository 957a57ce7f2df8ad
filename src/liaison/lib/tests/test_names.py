"""Country, region and language names and the labels of codes (no database)."""

from __future__ import annotations

import pytest

from liaison.lib import countries, labels, languages


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("TR", "Türkiye"),
        ("Turkey", "Türkiye"),  # ClinicalTrials.gov's name
        ("türkiye", "Türkiye"),
        ("Korea, Republic of", "South Korea"),
        ("Russian Federation", "Russia"),
        ("Iran, Islamic Republic of", "Iran"),
        ("Czech Republic", "Czechia"),
        ("United States", "United States"),
        ("DE", "Germany"),
        ("Atlantis", "Atlantis"),
        ("", ""),
    ],
)
def test_one_name_per_country_whatever_names_it(given: str, shown: str) -> None:
    assert countries.display(given) == shown


def test_a_code_and_a_registry_name_of_one_country_read_the_same() -> None:
    assert countries.code_for("Turkey") == countries.code_for("TR") == "TR"
    assert countries.code_for("Viet Nam") == countries.code_for("Vietnam") == "VN"
    assert countries.code_for("Nowhere") is None


def test_country_choices_are_sorted_as_people_read_them() -> None:
    names = [label for _code, label in countries.choices()]
    assert names.index("Åland Islands (AX)") < names.index("Albania (AL)")
    assert ("TR", "Türkiye (TR)") in countries.choices()
    assert len(names) == len(set(names)) >= 249


def test_regions_by_name() -> None:
    assert countries.region_name("US-FL") == "Florida"
    assert countries.region_name("XX-99") == "XX-99"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("German", "de"),
        ("german", "de"),
        ("DE", "de"),
        ("ger", "de"),
        ("deu", "de"),
        ("Greek", "el"),
        ("Modern Greek", "el"),
        ("Norwegian Bokmål", "nb"),
        ("Elvish", None),
        ("", None),
    ],
)
def test_a_language_by_name_or_code_is_its_iso_639_1_code(typed: str, code: str | None) -> None:
    assert languages.code_for(typed) == code


def test_languages_are_shown_by_name() -> None:
    assert [languages.name(code) for code in ("de", "en", "el", "eng", "xx")] == [
        "German",
        "English",
        "Greek",
        "English",
        "xx",
    ]
    assert languages.is_code("de") and not languages.is_code("german")


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("INTERVENTIONAL", "Interventional"),
        ("EXPANDED_ACCESS", "Expanded access"),
        ("pubmed-load", "PubMed load"),
        ("hcp-export", "HCP export"),
        ("npi_source", "NPI source"),
        ("api token", "API token"),
        ("MeSH heading", "MeSH heading"),
        ("", ""),
    ],
)
def test_a_code_nobody_labelled_is_put_in_words(code: str, label: str) -> None:
    assert labels.humanize(code) == label


def test_a_known_label_wins_over_words() -> None:
    assert labels.label_of({"FED": "U.S. federal"}, "FED") == "U.S. federal"
    assert labels.label_of({}, "OTHER_GOV") == "Other gov"
    assert labels.label_of({}, "", empty="—") == "—"
