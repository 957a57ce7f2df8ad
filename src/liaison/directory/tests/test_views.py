from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from liaison.core.models import AuditEvent, Territory, User
from liaison.directory import services
from liaison.directory.models import (
    HCP,
    Affiliation,
    Organization,
    Specialty,
    TherapeuticArea,
)

VALID_NPI = "1234567893"


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def oncology(db: None) -> TherapeuticArea:
    return TherapeuticArea.objects.create(code="oncology", name="Oncology")


@pytest.fixture
def charite(admin_user: User) -> Organization:
    return services.create_organization(
        actor=admin_user,
        data={
            "name": "Charité",
            "type": "academic_medical_center",
            "country": "DE",
            "city": "Berlin",
        },
    )


@pytest.fixture
def muller(admin_user: User, oncology: TherapeuticArea, charite: Organization) -> HCP:
    hcp = services.create_hcp(
        actor=admin_user,
        data={
            "given_name": "Jürgen",
            "family_name": "Müller",
            "country": "DE",
            "city": "Berlin",
            "npi": VALID_NPI,
            "npi_source": "NPPES",
            "therapeutic_areas": [oncology],
            "emails": ["j.mueller@example.org"],
        },
    )
    services.create_affiliation(
        actor=admin_user, hcp=hcp, data={"organization": charite, "role": "Head of Oncology"}
    )
    return hcp


@pytest.fixture
def smith(admin_user: User) -> HCP:
    return services.create_hcp(
        actor=admin_user,
        data={"given_name": "Anna", "family_name": "Smith", "country": "US", "region": "US-CA"},
    )


def hcp_form_data(**overrides: Any) -> dict[str, Any]:
    data = {"given_name": "Lena", "family_name": "Öztürk", "country": "DE", "reason": ""}
    data.update(overrides)
    return data


# --- list, search, HTMX ------------------------------------------------------------


def test_every_role_sees_the_hcp_list(
    client: Client, muller: HCP, msl: User, medinfo: User, pv: User, compliance: User
) -> None:
    for user in (msl, medinfo, pv, compliance):
        response = signed_in(client, user).get(reverse("directory:hcp-list"))
        assert response.status_code == 200
        assert "Müller" in response.content.decode()


def test_accent_free_search_finds_muller(
    client: Client, msl: User, muller: HCP, smith: HCP
) -> None:
    response = signed_in(client, msl).get(reverse("directory:hcp-list"), {"q": "muller"})
    assert list(response.context["page_obj"].object_list) == [muller]


def test_search_by_npi(client: Client, msl: User, muller: HCP, smith: HCP) -> None:
    response = signed_in(client, msl).get(reverse("directory:hcp-list"), {"q": VALID_NPI})
    assert list(response.context["page_obj"].object_list) == [muller]


def test_filters_by_country_territory_and_area(
    client: Client, msl: User, muller: HCP, smith: HCP, territory_us: Territory
) -> None:
    signed_in(client, msl)
    url = reverse("directory:hcp-list")
    assert list(client.get(url, {"country": "US"}).context["page_obj"]) == [smith]
    assert list(client.get(url, {"territory": "us-west"}).context["page_obj"]) == [smith]
    assert list(client.get(url, {"therapeutic_area": "oncology"}).context["page_obj"]) == [muller]


def test_sort_by_name_both_directions(client: Client, msl: User, muller: HCP, smith: HCP) -> None:
    signed_in(client, msl)
    url = reverse("directory:hcp-list")
    assert list(client.get(url, {"sort": "name"}).context["page_obj"]) == [muller, smith]
    descending = client.get(url, {"sort": "-name"})
    assert list(descending.context["page_obj"]) == [smith, muller]
    assert 'aria-sort="descending"' in descending.content.decode()


def test_htmx_request_returns_only_the_results_fragment(
    client: Client, msl: User, muller: HCP
) -> None:
    response = signed_in(client, msl).get(
        reverse("directory:hcp-list"), {"q": "mull"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body and "<form" not in body
    assert "Müller" in body
    assert 'id="result-count"' in body and 'hx-swap-oob="true"' in body
    assert "1 HCP found" in body


def test_htmx_history_restore_gets_the_whole_page(client: Client, msl: User, muller: HCP) -> None:
    response = signed_in(client, msl).get(
        reverse("directory:hcp-list"),
        {"q": "mull"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode()


def test_full_page_has_live_result_count_and_htmx_search(
    client: Client, msl: User, muller: HCP
) -> None:
    body = signed_in(client, msl).get(reverse("directory:hcp-list")).content.decode()
    assert body.count('id="result-count"') == 1
    assert 'aria-live="polite"' in body
    assert 'hx-push-url="true"' in body and 'hx-target="#results"' in body
    assert '<label for="id_q">' in body


def _resolves(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def test_export_links_carry_the_current_filters(client: Client, msl: User, muller: HCP) -> None:
    response = signed_in(client, msl).get(
        reverse("directory:hcp-list"), {"q": "müller", "country": "DE", "page": "1"}
    )
    links = dict(response.context["export_links"])
    if not _resolves("directory:hcp-export"):
        assert links == {}  # absent until the export view exists, never a dead link
        return
    export = reverse("directory:hcp-export")
    assert links["Export CSV"] == f"{export}?q=m%C3%BCller&country=DE&format=csv"
    assert links["Export XLSX"] == f"{export}?q=m%C3%BCller&country=DE&format=xlsx"
    assert 'href="' + links["Export CSV"].replace("&", "&amp;") in response.content.decode()


def test_import_link_is_for_administrators_only(
    client: Client, msl: User, admin_user: User
) -> None:
    assert signed_in(client, msl).get(reverse("directory:hcp-list")).context["import_url"] is None
    admin_view = signed_in(client, admin_user).get(reverse("directory:hcp-list"))
    expected = reverse("directory:import-start") if _resolves("directory:import-start") else None
    assert admin_view.context["import_url"] == expected


def test_list_paginates(client: Client, msl: User, settings: Any, admin_user: User) -> None:
    settings.LIAISON_PAGE_SIZE = 2
    for index in range(5):
        services.create_hcp(
            actor=admin_user,
            data={"given_name": f"G{index}", "family_name": "Ng", "country": "DE"},
        )
    signed_in(client, msl)
    page_three = client.get(reverse("directory:hcp-list"), {"page": 3})
    assert len(page_three.context["page_obj"].object_list) == 1
    assert "Page 3 of 3" in page_three.content.decode()


def _bulk_hcps(count: int, start: int, organization: Organization, specialty: Specialty) -> None:
    hcps = HCP.objects.bulk_create(
        HCP(
            given_name=f"Given{i}",
            family_name=f"Family{i}",
            search_name=f"family{i} given{i}",
            country="DE",
        )
        for i in range(start, start + count)
    )
    Affiliation.objects.bulk_create(Affiliation(hcp=h, organization=organization) for h in hcps)
    HCP.specialties.through.objects.bulk_create(
        HCP.specialties.through(hcp_id=h.pk, specialty_id=specialty.pk) for h in hcps
    )


def _queries_for_list(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("directory:hcp-list"))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_hcp_list_query_count_does_not_grow_with_the_page(
    client: Client, msl: User, charite: Organization
) -> None:
    specialty = Specialty.objects.create(name="Medical Oncology")
    signed_in(client, msl)
    _bulk_hcps(10, 0, charite, specialty)
    ten_rows = _queries_for_list(client)
    _bulk_hcps(40, 10, charite, specialty)
    fifty_rows = _queries_for_list(client)
    assert fifty_rows == ten_rows


def _country_choice_queries(captured: CaptureQueriesContext) -> int:
    return sum(
        "DISTINCT" in query["sql"] and "country" in query["sql"]
        for query in captured.captured_queries
    )


def test_hcp_list_reads_country_choices_once_until_an_hcp_is_saved(
    client: Client, msl: User, admin_user: User, muller: HCP
) -> None:
    cache.clear()
    signed_in(client, msl)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("directory:hcp-list"))
        before = client.get(reverse("directory:hcp-list")).content.decode()
    assert _country_choice_queries(captured) == 1
    assert '<option value="DE"' in before and '<option value="FR"' not in before
    services.create_hcp(
        actor=admin_user, data={"given_name": "Marie", "family_name": "Curie", "country": "FR"}
    )
    after = client.get(reverse("directory:hcp-list")).content.decode()
    assert '<option value="FR"' in after


def test_hcp_list_country_choices_follow_an_edited_country(
    client: Client, msl: User, admin_user: User, muller: HCP
) -> None:
    cache.clear()
    signed_in(client, msl)
    client.get(reverse("directory:hcp-list"))
    services.update_hcp(actor=admin_user, hcp=muller, data={"country": "AT"})
    body = client.get(reverse("directory:hcp-list")).content.decode()
    assert '<option value="AT"' in body and '<option value="DE"' not in body


# --- profile --------------------------------------------------------------------------


def test_profile_shows_identifiers_affiliations_and_history_link(
    client: Client, msl: User, muller: HCP, charite: Organization
) -> None:
    body = (
        signed_in(client, msl)
        .get(reverse("directory:hcp-detail", args=[muller.pk]))
        .content.decode()
    )
    assert VALID_NPI in body and "NPPES" in body
    assert "Head of Oncology" in body
    assert reverse("directory:organization-detail", args=[charite.pk]) in body
    assert reverse("core:record-history", args=["directory.hcp", muller.pk]) in body
    assert "j.mueller@example.org" in body
    assert "DACH" in body  # territory by country


def test_unknown_hcp_is_404(client: Client, msl: User) -> None:
    signed_in(client, msl)
    assert client.get(reverse("directory:hcp-detail", args=[999])).status_code == 404
    assert client.get(reverse("directory:hcp-edit", args=[999])).status_code == 404


# --- create / edit / delete ------------------------------------------------------------


def test_msl_creates_an_hcp_in_their_territory(client: Client, msl: User) -> None:
    response = signed_in(client, msl).post(reverse("directory:hcp-create"), hcp_form_data())
    hcp = HCP.objects.get(family_name="Öztürk")
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:hcp-detail", args=[hcp.pk])
    assert AuditEvent.objects.filter(record_type="directory.hcp", record_id=str(hcp.pk)).exists()


def test_bad_npi_is_shown_next_to_the_field(client: Client, msl: User) -> None:
    response = signed_in(client, msl).post(
        reverse("directory:hcp-create"), hcp_form_data(npi="1234567890")
    )
    assert response.status_code == 200
    assert "check digit" in str(response.context["form"].errors["npi"])
    assert 'aria-invalid="true"' in response.content.decode()
    assert not HCP.objects.exists()


def test_missing_family_name_and_bad_email_are_field_errors(client: Client, msl: User) -> None:
    response = signed_in(client, msl).post(
        reverse("directory:hcp-create"), hcp_form_data(family_name="", emails="not-an-address")
    )
    errors = response.context["form"].errors
    assert "family_name" in errors and "emails" in errors


def test_msl_cannot_create_an_hcp_outside_their_territory(client: Client, msl: User) -> None:
    response = signed_in(client, msl).post(
        reverse("directory:hcp-create"), hcp_form_data(country="US")
    )
    assert response.status_code == 200
    assert "outside what you may edit" in response.content.decode()
    assert not HCP.objects.exists()


def test_msl_edits_an_hcp_in_their_territory(client: Client, msl: User, muller: HCP) -> None:
    signed_in(client, msl)
    url = reverse("directory:hcp-edit", args=[muller.pk])
    assert client.get(url).context["form"].initial["family_name"] == "Müller"
    data = hcp_form_data(given_name="Jürgen", family_name="Müller", city="München", npi=VALID_NPI)
    data["reason"] = "moved to Munich"
    data["therapeutic_areas"] = [
        str(pk) for pk in muller.therapeutic_areas.values_list("pk", flat=True)
    ]
    response = client.post(url, data)
    assert response.status_code == 302
    muller.refresh_from_db()
    assert muller.city == "München"
    event = AuditEvent.objects.filter(record_type="directory.hcp", record_id=str(muller.pk)).last()
    assert event is not None and event.reason == "moved to Munich"
    assert event.changes["city"] == ["Berlin", "München"]


def test_msl_cannot_edit_hcp_outside_territory(client: Client, msl: User, smith: HCP) -> None:
    signed_in(client, msl)
    url = reverse("directory:hcp-edit", args=[smith.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, hcp_form_data(country="US")).status_code == 403
    smith.refresh_from_db()
    assert smith.family_name == "Smith"


def test_medical_information_cannot_create_hcps(client: Client, medinfo: User) -> None:
    assert signed_in(client, medinfo).get(reverse("directory:hcp-create")).status_code == 403


def test_delete_needs_a_reason_and_is_audited(client: Client, msl: User, muller: HCP) -> None:
    signed_in(client, msl)
    url = reverse("directory:hcp-delete", args=[muller.pk])
    assert client.post(url, {"reason": ""}).context["form"].errors["reason"]
    assert client.post(url, {"reason": "duplicate of another record"}).status_code == 302
    assert not HCP.objects.filter(pk=muller.pk).exists()
    event = AuditEvent.objects.get(
        record_type="directory.hcp", record_id=str(muller.pk), action="delete"
    )
    assert event.reason == "duplicate of another record"


def test_msl_cannot_delete_hcp_outside_territory(client: Client, msl: User, smith: HCP) -> None:
    url = reverse("directory:hcp-delete", args=[smith.pk])
    assert signed_in(client, msl).post(url, {"reason": "x"}).status_code == 403
    assert HCP.objects.filter(pk=smith.pk).exists()


def test_affiliation_is_added_from_the_profile(
    client: Client, msl: User, muller: HCP, admin_user: User
) -> None:
    clinic = services.create_organization(
        actor=admin_user, data={"name": "Klinikum Nord", "type": "hospital", "country": "DE"}
    )
    response = signed_in(client, msl).post(
        reverse("directory:affiliation-create", args=[muller.pk]),
        {
            "organization": clinic.pk,
            "role": "Consultant",
            "start_date": "2024-01-01",
            "end_date": "2023-01-01",
        },
    )
    assert "end_date" in response.context["form"].errors
    response = client.post(
        reverse("directory:affiliation-create", args=[muller.pk]),
        {"organization": clinic.pk, "role": "Consultant", "start_date": "2024-01-01"},
    )
    assert response.status_code == 302
    assert muller.affiliations.filter(organization=clinic, role="Consultant").exists()


# --- organizations ------------------------------------------------------------------------


def test_organization_list_searches_without_accents(
    client: Client, msl: User, charite: Organization, admin_user: User
) -> None:
    services.create_organization(
        actor=admin_user, data={"name": "Mayo Clinic", "type": "clinic", "country": "US"}
    )
    signed_in(client, msl)
    response = client.get(reverse("directory:organization-list"), {"q": "charite"})
    assert list(response.context["page_obj"]) == [charite]
    by_country = client.get(reverse("directory:organization-list"), {"country": "US"})
    assert [o.name for o in by_country.context["page_obj"]] == ["Mayo Clinic"]
    fragment = client.get(reverse("directory:organization-list"), HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()


def test_organization_page_lists_its_hcps_and_units(
    client: Client, msl: User, charite: Organization, muller: HCP, admin_user: User
) -> None:
    unit = services.create_organization(
        actor=admin_user,
        data={
            "name": "Charité Cancer Center",
            "type": "hospital",
            "country": "DE",
            "parent": charite,
        },
    )
    body = (
        signed_in(client, msl)
        .get(reverse("directory:organization-detail", args=[charite.pk]))
        .content.decode()
    )
    assert "Müller" in body and "Charité Cancer Center" in body and "Berlin" in body
    assert reverse("directory:organization-detail", args=[unit.pk]) in body


def test_msl_creates_and_edits_an_organization_in_territory(client: Client, msl: User) -> None:
    signed_in(client, msl)
    response = client.post(
        reverse("directory:organization-create"),
        {
            "name": "Uniklinik Köln",
            "type": "academic_medical_center",
            "country": "DE",
            "city": "Köln",
        },
    )
    organization = Organization.objects.get(name="Uniklinik Köln")
    assert response.status_code == 302
    response = client.post(
        reverse("directory:organization-edit", args=[organization.pk]),
        {
            "name": "Uniklinik Köln",
            "type": "hospital",
            "country": "DE",
            "city": "Köln",
            "region": "XX-1",
        },
    )
    assert "region" in response.context["form"].errors


def test_msl_cannot_edit_organization_outside_territory(
    client: Client, msl: User, admin_user: User
) -> None:
    mayo = services.create_organization(
        actor=admin_user, data={"name": "Mayo Clinic", "type": "clinic", "country": "US"}
    )
    response = signed_in(client, msl).get(reverse("directory:organization-edit", args=[mayo.pk]))
    assert response.status_code == 403


def test_list_responses_vary_on_htmx_so_back_never_shows_a_fragment(
    client: Client, msl: User
) -> None:
    signed_in(client, msl)
    for name in ("directory:hcp-list", "directory:organization-list"):
        assert "HX-Request" in client.get(reverse(name))["Vary"]


def test_lists_name_countries_not_codes(
    client: Client, msl: User, muller: HCP, charite: Organization
) -> None:
    hcps = signed_in(client, msl).get(reverse("directory:hcp-list")).content.decode()
    assert f"{muller.city}, Germany" in hcps and f"{muller.city}, DE<" not in hcps
    organizations = client.get(reverse("directory:organization-list")).content.decode()
    assert "Berlin, Germany" in organizations and "Berlin, DE<" not in organizations
