"""The finder's pages: the form, the two ranked tables, paging one table with htmx,
bad input named beside its field, and the CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from liaison.core.models import User
from liaison.experts.tests.test_finder import FinderWorld, build_world

URL = "/experts/sites/"


@pytest.fixture
def world(db: None, tmp_path: Path) -> FinderWorld:
    return build_world(tmp_path)


@pytest.fixture
def client_msl(client: Client, msl: User) -> Client:
    client.force_login(msl)
    return client


def test_url_name() -> None:
    assert reverse("experts:site-finder") == URL


def test_empty_form_asks_for_a_condition(world: FinderWorld, client_msl: Client) -> None:
    response = client_msl.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Name a condition" in page
    assert '<option value="DE">Germany</option>' in page  # countries of the sites
    assert '<option value="PHASE3">Phase 3</option>' in page


def test_results_show_both_tables_with_reasons_and_links(
    world: FinderWorld, client_msl: Client
) -> None:
    response = client_msl.get(URL, {"condition": "melanoma"})
    page = response.content.decode()
    assert "3 sites and 4 investigators for melanoma." in page
    assert "<caption>Sites ranked by experience in melanoma</caption>" in page
    assert f'href="/directory/organizations/{world.charite.pk}/">Charité Berlin</a>' in page
    assert f'href="/directory/hcps/{world.schmidt.pk}/">Anna Schmidt</a>' in page
    assert "3 trials in melanoma (2 phase 3, 1 phase 2)" in page
    assert "expert score 38 in Oncology, tier 1" in page
    assert 'href="/trials/NCT00000003/"' in page
    assert "stopped: Slow accrual" in page
    assert "not in the directory yet" in page  # John Doe, an official not resolved


def test_unknown_country_and_phase_are_named_beside_their_fields(
    world: FinderWorld, client_msl: Client
) -> None:
    response = client_msl.get(URL, {"condition": "melanoma", "country": "XQ", "phase": "9"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_country_error"' in page and "“XQ” is not a country code" in page
    assert 'id="id_phase_error"' in page and "“9” is not a phase:" in page
    assert "<caption>" not in page


def test_missing_condition_is_named(world: FinderWorld, client_msl: Client) -> None:
    page = client_msl.get(URL, {"condition": "", "country": "DE"}).content.decode()
    assert 'id="id_condition_error"' in page


def test_country_narrows_the_page(world: FinderWorld, client_msl: Client) -> None:
    page = client_msl.get(URL, {"condition": "melanoma", "country": "US"}).content.decode()
    assert "1 site and 1 investigator for melanoma, in United States." in page
    assert "Essen" not in page


def test_htmx_search_answers_the_form_and_results_only(
    world: FinderWorld, client_msl: Client
) -> None:
    response = client_msl.get(
        URL, {"condition": "melanoma"}, headers={"HX-Request": "true", "HX-Target": "finder"}
    )
    page = response.content.decode()
    assert "<html" not in page
    assert 'name="condition"' in page and "Investigators ranked" in page


def test_htmx_paging_answers_one_table(
    world: FinderWorld, client_msl: Client, settings: Any
) -> None:
    settings.LIAISON_PAGE_SIZE = 1
    response = client_msl.get(
        URL,
        {"condition": "melanoma", "sites_page": "2"},
        headers={"HX-Request": "true", "HX-Target": "finder-sites"},
    )
    page = response.content.decode()
    assert "Sites ranked by experience in melanoma, page 2 of 3" in page
    assert "MD Anderson Cancer Center" in page
    assert "Investigators ranked" not in page
    assert "sites_page=3" in page and "sites_page=1" in page


def test_export_links_keep_the_question(world: FinderWorld, client_msl: Client) -> None:
    page = client_msl.get(URL, {"condition": "melanoma", "phase": "PHASE3"}).content.decode()
    assert (
        "/experts/sites/export/?condition=melanoma&amp;phase=PHASE3&amp;list=sites&amp;format=csv"
        in page
    )


def test_csv_export_of_sites(world: FinderWorld, client_msl: Client) -> None:
    response = client_msl.get(
        "/experts/sites/export/", {"condition": "melanoma", "list": "sites", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('filename="melanoma-sites.csv"')
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))
    assert [row[1] for row in rows[1:]] == [
        "Charité Berlin",
        "MD Anderson Cancer Center",
        "Universitätsklinikum Essen",
    ]


def test_xlsx_export_of_investigators(world: FinderWorld, client_msl: Client) -> None:
    response = client_msl.get(
        "/experts/sites/export/",
        {"condition": "melanoma", "country": "DE", "list": "investigators", "format": "xlsx"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('filename="melanoma-de-investigators.xlsx"')
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    names = [row[1] for row in list(sheet.values)[1:]]
    assert names[0] == "Anna Schmidt" and "Maria Garcia" not in names


def test_export_with_bad_input_is_a_page_naming_the_field(
    world: FinderWorld, client_msl: Client
) -> None:
    response = client_msl.get(
        "/experts/sites/export/", {"condition": "melanoma", "country": "XQ", "format": "csv"}
    )
    assert response.status_code == 400
    assert "country: “XQ” is not a country code" in response.content.decode()
    response = client_msl.get("/experts/sites/export/", {"condition": "melanoma", "format": "pdf"})
    assert response.status_code == 400
    assert "“pdf” is not csv or xlsx" in response.content.decode()


def test_anonymous_goes_to_login(world: FinderWorld, client: Client) -> None:
    response = client.get(URL, {"condition": "melanoma"})
    assert response.status_code == 302 and "/login" in response["Location"]
