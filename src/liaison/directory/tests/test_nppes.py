"""The NPI Registry reader: every real answer in ../shared/data/nppes, checked against
the JSON read directly, and small answers of our own for the edge cases."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from liaison.directory.nppes import (
    Address,
    NppesError,
    answer_from_json,
    credentials_of,
    name_case,
    parse_nppes,
    providers_from_json,
)

ANSWERS = [
    "andrewallenbruce_nppes_200_npi1.json",
    "ropensci_npi_api-1f9cef.json",
    "ropensci_npi_api-34c18d.json",
    "ropensci_npi_api-8bdc8b.json",
    "ropensci_npi_api-b2f594.json",
]


def blank_is_none(value: Any) -> Any:
    return None if value in ("", None) else str(value)


@pytest.mark.shared_data
@pytest.mark.parametrize("file_name", ANSWERS)
def test_every_real_answer_reads_as_the_json_says(shared_data: Path, file_name: str) -> None:
    path = shared_data / "nppes" / file_name
    raw = json.loads(path.read_bytes())["results"]
    providers = parse_nppes(path)
    assert len(providers) == len(raw)
    for provider, result in zip(providers, raw, strict=True):
        assert provider.npi == str(result["number"])
        expected_kind = "individual" if result["enumeration_type"] == "NPI-1" else "organization"
        assert provider.kind == expected_kind
        assert [t.code for t in provider.taxonomies] == [t["code"] for t in result["taxonomies"]]
        primary = [t["code"] for t in result["taxonomies"] if t["primary"]]
        assert provider.primary_taxonomy is not None
        assert provider.primary_taxonomy.code == (primary or [result["taxonomies"][0]["code"]])[0]
        location = [a for a in result["addresses"] if a["address_purpose"] == "LOCATION"]
        assert provider.practice_address is not None
        assert provider.practice_address.city == location[0]["city"]
        assert provider.practice_address.state == blank_is_none(location[0]["state"])
        assert len(provider.practice_locations) == len(result.get("practiceLocations") or [])
        assert len(provider.other_names) == len(result.get("other_names") or [])
        assert len(provider.identifiers) == len(result.get("identifiers") or [])
        assert len(provider.endpoints) == len(result.get("endpoints") or [])
        basic = result["basic"]
        if provider.individual is not None:
            assert provider.individual.last_name == basic["last_name"]
            assert provider.individual.credential == blank_is_none(basic.get("credential"))
            assert provider.individual.gender == blank_is_none(
                basic.get("gender") or basic.get("sex")
            )
        else:
            assert provider.organization is not None
            assert provider.organization.name == basic["organization_name"]


@pytest.mark.shared_data
def test_one_individual_in_full(shared_data: Path) -> None:
    (provider,) = parse_nppes(shared_data / "nppes" / "ropensci_npi_api-b2f594.json")
    assert provider.npi == "1720377294"
    assert provider.display_name == "ELISE AILEEN HIZA, M.D."
    assert provider.individual is not None and provider.individual.sole_proprietor is True
    assert (
        provider.enumeration_date is not None
        and provider.enumeration_date.isoformat() == "2011-04-05"
    )
    orthopaedics, student = provider.taxonomies
    assert (orthopaedics.code, orthopaedics.description, orthopaedics.primary) == (
        "207X00000X",
        "Orthopaedic Surgery",
        True,
    )
    assert (orthopaedics.state, orthopaedics.license) == ("NC", "2017-01132")
    assert student.primary is False and student.state is None
    assert provider.practice_address is not None
    assert provider.practice_address.one_line == "111 VICTORIA RD, ASHEVILLE, NC 28801-4811"
    assert provider.mailing_address is not None
    (elsewhere,) = provider.practice_locations
    assert (elsewhere.purpose, elsewhere.city, elsewhere.state) == ("PRACTICE", "ATLANTA", "GA")
    (medicaid,) = provider.identifiers
    assert (medicaid.identifier, medicaid.description, medicaid.state) == (
        "1720377294",
        "MEDICAID",
        "NC",
    )


@pytest.mark.shared_data
def test_one_organization_with_its_authorized_official(shared_data: Path) -> None:
    (provider,) = parse_nppes(shared_data / "nppes" / "ropensci_npi_api-8bdc8b.json")
    assert provider.kind == "organization" and provider.individual is None
    assert provider.organization is not None
    assert provider.organization.name == "CSP ANESTHESIA LLC"
    assert provider.organization.subpart is False
    official = provider.organization.authorized_official
    assert official is not None
    assert (official.first_name, official.last_name, official.title) == (
        "TIMOTHY",
        "BARTON",
        "MANAGING MEMBER",
    )


@pytest.mark.shared_data
def test_errors_answer_carries_the_registry_s_descriptions(shared_data: Path) -> None:
    with pytest.raises(NppesError) as caught:
        parse_nppes(shared_data / "nppes" / "ropensci_npi_api-8d2d52.json")
    assert "No valid search criteria provided" in caught.value.message


@pytest.mark.shared_data
def test_empty_answer_gives_nothing(shared_data: Path) -> None:
    assert parse_nppes(shared_data / "nppes" / "ropensci_npi_api-a2f836.json") == ()


def individual(**overrides: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "enumeration_type": "NPI-1",
        "number": 1234567893,
        "basic": {"first_name": "ANA", "last_name": "O'BRIEN", "sex": "F", "credential": "MD"},
        "addresses": [],
        "taxonomies": [{"code": "207RC0000X", "desc": "Cardiovascular Disease", "state": ""}],
    }
    result.update(overrides)
    return result


def test_newer_answers_name_gender_sex_and_may_omit_primary() -> None:
    (provider,) = providers_from_json({"result_count": 1, "results": [individual()]})
    assert provider.individual is not None and provider.individual.gender == "F"
    assert provider.primary_taxonomy is not None
    assert provider.primary_taxonomy.code == "207RC0000X"
    assert provider.practice_address is None


def test_a_wrong_type_names_the_result_the_npi_and_the_path() -> None:
    data = {"result_count": 1, "results": [individual(taxonomies="207RC0000X")]}
    with pytest.raises(NppesError) as caught:
        providers_from_json(data, name="answer.json")
    message = caught.value.message
    assert "answer.json" in message and "result 1" in message and "NPI 1234567893" in message
    assert "results[0].taxonomies: expected a list" in message


def test_a_result_without_its_number_is_refused() -> None:
    result = individual()
    del result["number"]
    with pytest.raises(NppesError) as caught:
        providers_from_json({"results": [result]})
    assert "without its NPI number" in caught.value.message


def test_json_that_is_not_an_answer_is_refused() -> None:
    with pytest.raises(NppesError) as caught:
        parse_nppes(io.BytesIO(b'{"studies": []}'), name="wrong.json")
    assert "not an NPI Registry answer" in caught.value.message
    with pytest.raises(NppesError) as caught:
        parse_nppes(b"<html>", name="page.html")
    assert "page.html: not JSON" in caught.value.message


def test_several_errors_are_all_named() -> None:
    data = {
        "Errors": [
            {
                "description": "Field first_name requires at least 2 characters",
                "field": "first_name",
            },
            {"description": "Invalid state", "field": "state", "number": "07"},
        ]
    }
    with pytest.raises(NppesError) as caught:
        providers_from_json(data)
    assert "first_name requires at least 2 characters (field first_name)" in caught.value.message
    assert "Invalid state (field state)" in caught.value.message


# --- the registry's placeholders and its own count ---------------------------------------------


def test_the_registry_s_placeholder_is_no_suffix_or_prefix() -> None:
    basic = {
        "first_name": "PAUL",
        "middle_name": "R.",
        "last_name": "DEWEY",
        "name_prefix": "Dr.",
        "name_suffix": "--",
        "credential": "M.D.",
    }
    other = {"type": "Former Name", "last_name": "DEWEY", "prefix": "--", "suffix": " -- "}
    (provider,) = providers_from_json(
        {"result_count": 1, "results": [individual(basic=basic, other_names=[other])]}
    )
    assert provider.individual is not None and provider.individual.suffix is None
    assert provider.display_name == "Dr. PAUL R. DEWEY, M.D."
    (former,) = provider.other_names
    assert (former.prefix, former.suffix, former.last_name) == (None, None, "DEWEY")
    basic["name_prefix"] = "--"
    (provider,) = providers_from_json({"results": [individual(basic=basic)]})
    assert provider.display_name == "PAUL R. DEWEY, M.D."


@pytest.mark.shared_data
def test_no_real_name_keeps_the_placeholder(shared_data: Path) -> None:
    path = shared_data / "nppes" / "andrewallenbruce_nppes_200_npi1.json"
    raw = json.loads(path.read_bytes())["results"]
    assert sum(result["basic"].get("name_suffix") == "--" for result in raw) >= 50
    for provider in parse_nppes(path):
        assert provider.individual is not None
        assert provider.individual.suffix is None and provider.individual.prefix != "--"
        assert "--" not in provider.display_name


def test_an_answer_whose_count_differs_from_its_results_warns() -> None:
    answer = answer_from_json({"result_count": 3, "results": [individual()]})
    assert len(answer.providers) == 1 and answer.result_count == 3
    (warning,) = answer.warnings
    assert "says it found 3 but sent 1 result" in warning and "incomplete" in warning
    assert answer_from_json({"result_count": 0, "results": [individual()]}).warnings
    assert answer_from_json({"result_count": "1", "results": [individual()]}).warnings == ()
    assert answer_from_json({"result_count": 1, "results": [individual()]}).warnings == ()
    assert answer_from_json({"results": [individual()]}).warnings == ()
    (odd,) = answer_from_json({"result_count": "many", "results": []}).warnings
    assert "result_count" in odd and "not a number" in odd


@pytest.mark.shared_data
@pytest.mark.parametrize("file_name", [*ANSWERS, "ropensci_npi_api-a2f836.json"])
def test_real_answers_state_the_count_they_send(shared_data: Path, file_name: str) -> None:
    answer = answer_from_json(json.loads((shared_data / "nppes" / file_name).read_bytes()))
    assert answer.warnings == () and answer.result_count == len(answer.providers)


def address(**values: str) -> Address:
    (provider,) = providers_from_json(
        {"results": [individual(addresses=[{"address_purpose": "LOCATION", **values}])]}
    )
    assert provider.practice_address is not None
    return provider.practice_address


def test_military_mail_addresses_are_known_by_country_or_state() -> None:
    assert address(country_code="AA", city="APO").armed_forces == "AA"
    assert address(country_code="US", state="AE", city="APO").armed_forces == "AE"
    assert address(state="AP", city="FPO").armed_forces == "AP"
    assert address(country_code="US", state="NC").armed_forces is None
    assert address(country_code="DE", state="AE").armed_forces is None  # a foreign state code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M.D.", ("MD",)),
        ("MD, PHD", ("MD", "PhD")),
        ("PHARM.D", ("PharmD",)),
        ("D.O. M.P.H.", ("DO", "MPH")),
        ("PA-C", ("PA-C",)),
        ("", ()),
        (None, ()),
    ],
)
def test_credentials_are_spelt_as_the_directory_does(
    text: str | None, expected: tuple[str, ...]
) -> None:
    assert credentials_of(text) == expected


def test_upper_case_names_become_name_case() -> None:
    assert name_case("O'BRIEN-SMITH") == "O'Brien-Smith"
    assert name_case("ASHEVILLE") == "Asheville"
    assert name_case("McDonald") == "McDonald"
    assert name_case(None) == ""
