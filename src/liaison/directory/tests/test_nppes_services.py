"""Applying NPI Registry individuals to the directory: matched on NPI, audited with source nppes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from liaison.core.models import AuditEvent, User
from liaison.directory.models import HCP, Origin, Specialty
from liaison.directory.nppes import Provider, providers_from_json
from liaison.directory.services.nppes import apply_nppes, apply_provider


def provider(
    npi: str = "1720377294",
    *,
    state: str = "NC",
    city: str = "ASHEVILLE",
    country: str = "US",
    suffix: str = "",
    kind: str = "NPI-1",
    taxonomies: list[dict[str, Any]] | None = None,
) -> Provider:
    result = {
        "enumeration_type": kind,
        "number": int(npi),
        "basic": {
            "first_name": "ELISE",
            "last_name": "HIZA",
            "credential": "M.D.",
            "name_suffix": suffix,
            "gender": "F",
            "organization_name": "CSP ANESTHESIA LLC",
        },
        "addresses": [
            {
                "address_purpose": "MAILING",
                "city": "PO BOX TOWN",
                "state": "GA",
                "country_code": "US",
            },
            {
                "address_purpose": "LOCATION",
                "city": city,
                "state": state,
                "country_code": country,
            },
        ],
        "taxonomies": taxonomies
        if taxonomies is not None
        else [
            {"code": "207X00000X", "desc": "Orthopaedic Surgery", "primary": True, "state": state},
        ],
    }
    (record,) = providers_from_json({"result_count": 1, "results": [result]})
    return record


def events_for(hcp: HCP) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(record_type="directory.hcp", record_id=str(hcp.pk)))


def test_a_new_npi_becomes_an_hcp_with_specialty_and_practice_place(admin_user: User) -> None:
    outcome = apply_provider(actor=admin_user, provider=provider())
    assert outcome.action == "created"
    hcp = HCP.objects.get(npi="1720377294")
    assert (hcp.given_name, hcp.family_name, hcp.credentials) == ("Elise", "Hiza", ["MD"])
    assert (hcp.country, hcp.region, hcp.city) == ("US", "US-NC", "Asheville")
    assert hcp.npi_source == "NPI Registry" and hcp.origin == Origin.IMPORTED
    (specialty,) = hcp.specialties.all()
    assert (specialty.name, specialty.taxonomy_code) == ("Orthopaedic Surgery", "207X00000X")
    (event,) = events_for(hcp)
    assert event.action == "create" and event.source == "nppes"
    assert event.actor == admin_user


def test_a_known_npi_updates_the_hcp_and_never_duplicates_it(admin_user: User) -> None:
    hcp = HCP.objects.create(
        given_name="Elise",
        family_name="Hiza-Brown",
        npi="1720377294",
        country="US",
        credentials=["PhD"],
    )
    outcome = apply_provider(actor=admin_user, provider=provider())
    assert outcome.action == "updated" and outcome.hcp_id == hcp.pk
    assert HCP.objects.filter(npi="1720377294").count() == 1
    hcp.refresh_from_db()
    assert hcp.family_name == "Hiza-Brown"  # the directory's spelling is kept
    assert (hcp.region, hcp.city) == ("US-NC", "Asheville")
    assert hcp.credentials == ["PhD", "MD"]
    (event,) = events_for(hcp)
    assert event.action == "update" and event.source == "nppes"
    assert event.changes["city"] == ["", "Asheville"]
    assert event.changes["region"] == ["", "US-NC"]
    assert event.changes["specialties"][0] == []
    assert event.changes["npi_source"] == ["", "NPI Registry"]


def test_applying_the_same_answer_again_changes_nothing(admin_user: User) -> None:
    apply_provider(actor=admin_user, provider=provider())
    events = AuditEvent.objects.count()
    outcome = apply_provider(actor=admin_user, provider=provider())
    assert outcome.action == "unchanged"
    assert AuditEvent.objects.count() == events
    assert HCP.objects.count() == 1 and Specialty.objects.count() == 1


def test_an_msl_cannot_add_an_hcp_outside_their_territory(msl: User) -> None:
    outcome = apply_provider(actor=msl, provider=provider(state="NC"))
    assert outcome.action == "skipped" and "outside what you may edit" in outcome.reason
    assert not HCP.objects.exists()
    assert not Specialty.objects.exists()  # rolled back with the HCP
    assert not AuditEvent.objects.exists()


def test_an_msl_adds_an_hcp_of_their_own_territory(other_msl: User) -> None:
    outcome = apply_provider(actor=other_msl, provider=provider(state="CA", city="SAN DIEGO"))
    assert outcome.action == "created"
    assert HCP.objects.get(npi="1720377294").region == "US-CA"


def test_an_msl_cannot_update_an_hcp_outside_their_territory(msl: User) -> None:
    HCP.objects.create(
        given_name="E", family_name="H", npi="1720377294", country="US", region="US-NC"
    )
    outcome = apply_provider(actor=msl, provider=provider())
    assert outcome.action == "skipped" and "may not change" in outcome.reason
    assert not AuditEvent.objects.exists()


def test_organizations_are_skipped(admin_user: User) -> None:
    outcome = apply_provider(actor=admin_user, provider=provider("1568946812", kind="NPI-2"))
    assert outcome.action == "skipped" and "organization" in outcome.reason
    assert not HCP.objects.exists()


def test_an_invalid_npi_is_skipped_with_the_reason(admin_user: User) -> None:
    outcome = apply_provider(actor=admin_user, provider=provider("1234567890"))
    assert outcome.action == "skipped" and "1234567890" in outcome.reason
    assert not HCP.objects.exists()


def test_a_military_country_code_is_named_as_what_it_is(admin_user: User) -> None:
    outcome = apply_provider(
        actor=admin_user, provider=provider(country="AA", state="", city="APO")
    )
    assert outcome.action == "skipped"
    assert outcome.reason.startswith(
        "the practice address's country 'AA' (US armed forces, the Americas: an APO, FPO or "
        "DPO mail address) is not a country; it does not say in which country the HCP practises"
    )
    assert "no practice address" not in outcome.reason
    assert not HCP.objects.exists() and not AuditEvent.objects.exists()


def test_a_us_address_in_a_military_state_names_no_country_either(admin_user: User) -> None:
    outcome = apply_provider(actor=admin_user, provider=provider(state="AE", city="APO"))
    assert outcome.action == "skipped"
    assert "the practice address is in the state 'AE' (US armed forces, Europe" in outcome.reason
    assert not HCP.objects.exists()


def test_a_country_code_that_is_not_one_is_named(admin_user: User) -> None:
    outcome = apply_provider(actor=admin_user, provider=provider(country="ZZ"))
    assert outcome.action == "skipped"
    assert "the practice address's country 'ZZ' is not a country code" in outcome.reason


def test_without_a_practice_address_the_reason_says_so(admin_user: User) -> None:
    (record,) = providers_from_json(
        {"results": [{"enumeration_type": "NPI-1", "number": 1720377294, "basic": {}}]}
    )
    outcome = apply_provider(actor=admin_user, provider=record)
    assert outcome.action == "skipped" and "gives no practice address" in outcome.reason


def test_a_known_hcp_with_a_military_address_keeps_its_place(admin_user: User) -> None:
    hcp = HCP.objects.create(
        given_name="Elise", family_name="Hiza", npi="1720377294", country="DE", city="Ramstein"
    )
    outcome = apply_provider(actor=admin_user, provider=provider(country="AE", state=""))
    assert outcome.action == "updated"
    assert outcome.note.startswith("country, region and city kept: the practice address's")
    hcp.refresh_from_db()
    assert (hcp.country, hcp.city) == ("DE", "Ramstein")
    assert [s.taxonomy_code for s in hcp.specialties.all()] == ["207X00000X"]


def test_the_registry_s_placeholder_suffix_is_not_stored(admin_user: User) -> None:
    apply_provider(actor=admin_user, provider=provider(suffix="--"))
    assert HCP.objects.get(npi="1720377294").suffix == ""


def test_a_placeholder_suffix_stored_before_is_cleared(admin_user: User) -> None:
    hcp = HCP.objects.create(
        given_name="Elise", family_name="Hiza", suffix="--", npi="1720377294", country="US"
    )
    outcome = apply_provider(actor=admin_user, provider=provider(suffix="--"))
    assert outcome.changes["suffix"] == ["--", ""]
    hcp.refresh_from_db()
    assert hcp.suffix == ""


def test_a_specialty_known_by_name_gains_the_taxonomy_code(admin_user: User) -> None:
    existing = Specialty.objects.create(name="Orthopaedic Surgery")
    apply_provider(actor=admin_user, provider=provider())
    existing.refresh_from_db()
    assert existing.taxonomy_code == "207X00000X"
    assert Specialty.objects.count() == 1
    assert AuditEvent.objects.filter(record_type="directory.specialty", source="nppes").exists()


def test_a_specialty_is_found_by_its_taxonomy_code(admin_user: User) -> None:
    Specialty.objects.create(name="Orthopedics", taxonomy_code="207X00000X")
    apply_provider(actor=admin_user, provider=provider())
    assert list(HCP.objects.get().specialties.values_list("name", flat=True)) == ["Orthopedics"]


@pytest.mark.shared_data
def test_two_hundred_real_individuals_apply_once_and_then_change_nothing(
    admin_user: User, shared_data: Path
) -> None:
    data = json.loads((shared_data / "nppes" / "andrewallenbruce_nppes_200_npi1.json").read_bytes())
    providers = providers_from_json(data)
    first = apply_nppes(actor=admin_user, providers=providers)
    assert first.count("created") == 200, [o.reason for o in first.outcomes if o.reason][:5]
    assert HCP.objects.count() == 200
    assert sum(result["basic"].get("name_suffix") == "--" for result in data["results"]) >= 50
    assert not HCP.objects.exclude(suffix="").exists()  # "--" is the registry's "none"
    second = apply_nppes(actor=admin_user, providers=providers)
    assert second.count("unchanged") == 200
    assert HCP.objects.count() == 200
    assert second.summary == "0 created, 0 updated, 200 unchanged, 0 skipped"
    taxonomy_codes = {t["code"] for r in data["results"] for t in r["taxonomies"]}
    assert set(Specialty.objects.values_list("taxonomy_code", flat=True)) == taxonomy_codes
