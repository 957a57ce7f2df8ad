"""The HCP form as people fill it in: every wrong field named at once, beside the field,
in words; languages by name; specialties ticked in a list; the NPI offered for the US."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.directory import services
from liaison.directory.models import HCP, Specialty

VALID_NPI = "1234567893"
BAD_ORCID = "0000-0000-0000-0000"  # the check character of fifteen zeros is 1


@pytest.fixture
def hcp(admin_user: User) -> HCP:
    return services.create_hcp(
        actor=admin_user,
        data={
            "given_name": "Anna",
            "family_name": "Schmidt",
            "country": "DE",
            "region": "DE-BY",
            "languages": ["de"],
            "emails": ["a.schmidt@example.org"],
        },
    )


def post_edit(client: Client, user: User, hcp: HCP, **changes: Any) -> str:
    client.force_login(user)
    data = {
        "given_name": hcp.given_name,
        "family_name": hcp.family_name,
        "country": hcp.country,
        "region": hcp.region,
        "languages": "de",
        "emails": "\n".join(hcp.emails),
        **changes,
    }
    response = client.post(reverse("directory:hcp-edit", args=[hcp.pk]), data)
    return response.content.decode()


def field_errors(html: str) -> dict[str, list[str]]:
    """Each field's error list as shown beside it (``id_<field>_error``)."""
    found: dict[str, list[str]] = {}
    for name, items in re.findall(r'<ul class="errorlist" id="id_(\w+)_error">(.*?)</ul>', html):
        found[name] = [unescape(item) for item in re.findall(r"<li>(.*?)</li>", items)]
    return found


def test_every_wrong_field_is_shown_at_once_beside_it(
    client: Client, admin_user: User, hcp: HCP
) -> None:
    html = post_edit(
        client,
        admin_user,
        hcp,
        emails="not-an-address",
        npi="123",
        orcid=BAD_ORCID,
        region="XX-99",
    )
    errors = field_errors(html)
    assert errors == {
        "emails": ["'not-an-address' is not an e-mail address"],
        "npi": ["'123' is not 10 digits"],
        "orcid": [f"'{BAD_ORCID}' fails the ORCID check character"],
        "region": ["'XX-99' is not an ISO 3166-2 subdivision code (e.g. US-CA)"],
    }
    hcp.refresh_from_db()
    assert hcp.emails == ["a.schmidt@example.org"]


def test_the_forms_own_reasons_and_the_services_show_together(
    client: Client, admin_user: User, hcp: HCP
) -> None:
    html = post_edit(
        client, admin_user, hcp, family_name="", npi="12345", consent_date="2024-13-01"
    )
    errors = field_errors(html)
    assert errors["family_name"] == ["This field is required."]
    assert errors["consent_date"] == ["Enter a valid date."]
    assert errors["npi"] == ["'12345' is not 10 digits"]


def test_a_region_of_another_country_names_the_country(
    client: Client, admin_user: User, hcp: HCP
) -> None:
    errors = field_errors(post_edit(client, admin_user, hcp, region="US-CA"))
    assert errors == {"region": ["'US-CA' is not a region of Germany"]}


def test_no_field_key_reaches_an_error_message(client: Client, admin_user: User, hcp: HCP) -> None:
    html = post_edit(client, admin_user, hcp, npi="123", orcid="x", languages="elvish")
    shown = " ".join(item for items in field_errors(html).values() for item in items)
    assert not re.search(r"\b(npi|orcid|languages|emails|region): ", shown)


def test_the_service_refusal_names_every_field_by_label(admin_user: User, hcp: HCP) -> None:
    with pytest.raises(LiaisonError) as raised:
        services.update_hcp(
            actor=admin_user,
            hcp=hcp,
            data={"npi": "123", "orcid": BAD_ORCID, "emails": ["x"], "region": "XX-99"},
        )
    error = raised.value
    assert set(error.details) == {"npi", "orcid", "emails", "region"}
    assert error.details["npi"] == "'123' is not 10 digits"
    assert "NPI: '123' is not 10 digits" in error.message
    assert "ORCID: " in error.message and "Emails: " in error.message
    assert "npi:" not in error.message


def test_languages_by_name_are_stored_as_codes_and_shown_by_name(
    client: Client, admin_user: User, hcp: HCP
) -> None:
    html = post_edit(client, admin_user, hcp, languages="German, english; FR, ita")
    assert field_errors(html) == {}
    hcp.refresh_from_db()
    assert hcp.languages == ["de", "en", "fr", "it"]
    detail = client.get(reverse("directory:hcp-detail", args=[hcp.pk])).content.decode()
    assert "German, English, French, Italian" in detail
    form = client.get(reverse("directory:hcp-edit", args=[hcp.pk])).content.decode()
    assert 'value="German, English, French, Italian"' in form


def test_a_language_that_is_none_is_refused_with_its_name(
    client: Client, admin_user: User, hcp: HCP
) -> None:
    errors = field_errors(post_edit(client, admin_user, hcp, languages="German, Elvish"))
    assert errors == {
        "languages": [
            "'Elvish' is not a language (a name such as German, or an ISO 639-1 code such as de)"
        ]
    }
    hcp.refresh_from_db()
    assert hcp.languages == ["de"]


def test_the_api_takes_language_names_too(admin_user: User, hcp: HCP) -> None:
    services.update_hcp(actor=admin_user, hcp=hcp, data={"languages": ["Spanish", "pt"]})
    hcp.refresh_from_db()
    assert hcp.languages == ["es", "pt"]


def test_specialties_are_ticked_in_a_list_not_ctrl_clicked(
    client: Client, admin_user: User, hcp: HCP
) -> None:
    cardiology = Specialty.objects.create(name="Cardiology")
    Specialty.objects.create(name="Neurology")
    client.force_login(admin_user)
    html = client.get(reverse("directory:hcp-edit", args=[hcp.pk])).content.decode()
    assert '<select name="specialties"' not in html
    assert re.search(r'<div id="id_specialties" class="checklist">', html)
    assert html.count('type="checkbox" name="specialties"') == 2
    assert "directory/hcp_form.js" in html

    post_edit(client, admin_user, hcp, specialties=[str(cardiology.pk)])
    assert list(hcp.specialties.all()) == [cardiology]


def test_the_npi_fields_say_they_are_for_the_us(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    html = client.get(reverse("directory:hcp-create")).content.decode()
    assert re.search(r'<input type="text" name="npi"[^>]*data-us-only', html)
    assert re.search(r'<input type="text" name="npi_source"[^>]*data-us-only', html)
    assert "for HCPs practising in the US" in html


def test_an_npi_of_an_hcp_practising_abroad_is_kept(admin_user: User, hcp: HCP) -> None:
    # The NPI Registry also lists practitioners whose practice is outside the US: an
    # NPI is checked, not refused, for a non-US HCP (the form just does not offer it).
    services.update_hcp(actor=admin_user, hcp=hcp, data={"npi": VALID_NPI})
    hcp.refresh_from_db()
    assert (hcp.country, hcp.npi) == ("DE", VALID_NPI)


def test_contact_channels_and_places_are_shown_by_name(
    client: Client, admin_user: User, hcp: HCP
) -> None:
    services.update_hcp(actor=admin_user, hcp=hcp, data={"contact_channels": ["email", "visit"]})
    client.force_login(admin_user)
    html = client.get(reverse("directory:hcp-detail", args=[hcp.pk])).content.decode()
    assert "E-mail, Visit" in html
    assert "Bayern (DE-BY)" in html


def test_an_unknown_contact_channel_is_refused(admin_user: User, hcp: HCP) -> None:
    with pytest.raises(LiaisonError) as raised:
        services.update_hcp(actor=admin_user, hcp=hcp, data={"contact_channels": ["fax"]})
    assert raised.value.details == {
        "contact_channels": "'fax': not a contact channel (email, phone, visit, video)"
    }
