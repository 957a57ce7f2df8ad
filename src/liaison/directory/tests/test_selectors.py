import pytest
from django.core.cache import cache

from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.directory.selectors import HCPFilters, hcp_countries, hcp_queryset


@pytest.fixture
def people(db: None) -> dict[str, HCP]:
    return {
        "mueller": HCP.objects.create(
            given_name="Jürgen", family_name="Müller-Lüdenscheidt", country="DE"
        ),
        "garcia": HCP.objects.create(given_name="María José", family_name="García", country="ES"),
        "anna": HCP.objects.create(given_name="Anna", family_name="Smith", country="US"),
        "annabel": HCP.objects.create(given_name="Annabel", family_name="Smithers", country="US"),
    }


def names(user: User, q: str) -> set[str]:
    return {hcp.family_name for hcp in hcp_queryset(user, HCPFilters(q=q))}


def test_accent_free_query_finds_accented_name(msl: User, people: dict[str, HCP]) -> None:
    assert names(msl, "muller") == {"Müller-Lüdenscheidt"}
    assert names(msl, "ludensch") == {"Müller-Lüdenscheidt"}
    assert names(msl, "jose garcia") == {"García"}


def test_every_word_must_start_a_name_word(msl: User, people: dict[str, HCP]) -> None:
    assert names(msl, "anna smith") == {"Smith", "Smithers"}
    assert names(msl, "annab smith") == {"Smithers"}
    assert names(msl, "mith") == set()


def test_renamed_hcp_is_found_by_its_new_name_only(msl: User, people: dict[str, HCP]) -> None:
    hcp = people["anna"]
    hcp.family_name = "Okafor"
    hcp.save()
    assert names(msl, "okafor") == {"Okafor"}
    assert names(msl, "smith") == {"Smithers"}
    hcp.delete()
    assert names(msl, "okafor") == set()


def test_npi_and_orcid_queries_match_identifiers(msl: User, people: dict[str, HCP]) -> None:
    hcp = people["anna"]
    hcp.npi = "1234567893"
    hcp.orcid = "0000-0002-1825-0097"
    hcp.save()
    assert names(msl, "1234567893") == {"Smith"}
    assert names(msl, "https://orcid.org/0000-0002-1825-0097") == {"Smith"}


def test_hcp_countries_are_the_seen_countries_a_to_z(msl: User, people: dict[str, HCP]) -> None:
    cache.clear()
    assert hcp_countries(msl) == ["DE", "ES", "US"]


def test_cached_hcp_countries_are_not_served_to_an_account_that_sees_no_hcp(
    msl: User, outsider: User, people: dict[str, HCP]
) -> None:
    cache.clear()
    assert hcp_countries(msl) == ["DE", "ES", "US"]
    assert hcp_countries(outsider) == []
