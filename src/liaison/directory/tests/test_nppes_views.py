"""The HCP form's NPI Registry look-up, against the local replay server serving real answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.replay import ReplayServer, Reply

from liaison.core.models import User
from liaison.directory.models import HCP, Specialty

HTMX = {"HX-Request": "true"}


@pytest.fixture
def server(settings: Any) -> Iterator[ReplayServer]:
    with ReplayServer() as replay:
        settings.LIAISON_NPPES_URL = f"{replay.url}/api/"
        yield replay


@pytest.fixture
def hiza(server: ReplayServer, shared_data: Path) -> ReplayServer:
    server.add("/api/", Reply.file(shared_data / "nppes" / "ropensci_npi_api-b2f594.json"))
    return server


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def lookup(user: User, headers: dict[str, str] | None = None, **query: str) -> Any:
    return client_for(user).get(reverse("directory:nppes-lookup"), query, headers=headers)


@pytest.mark.shared_data
def test_matches_come_with_a_button_that_fills_the_form(hiza: ReplayServer, msl: User) -> None:
    specialty = Specialty.objects.create(name="Orthopaedic Surgery", taxonomy_code="207X00000X")
    response = lookup(msl, HTMX, last_name="hiza", first_name="elise", state="nc")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the fragment only
    assert "1720377294" in html and "ELISE AILEEN HIZA, M.D." in html
    assert "Orthopaedic Surgery" in html and "111 VICTORIA RD, ASHEVILLE, NC 28801-4811" in html
    for attribute in (
        'data-npi="1720377294"',
        'data-given-name="Elise"',
        'data-family-name="Hiza"',
        'data-credentials="MD"',
        'data-country="US"',
        'data-region="US-NC"',
        'data-city="Asheville"',
        f'data-specialty="{specialty.pk}"',
    ):
        assert attribute in html
    assert hiza.requests[0].query["last_name"] == "hiza"
    assert hiza.requests[0].query["first_name"] == "elise"
    assert hiza.requests[0].query["state"] == "NC"
    assert not HCP.objects.exists()  # nothing is written by a look-up


@pytest.mark.shared_data
def test_a_taxonomy_not_yet_a_specialty_is_said_so(hiza: ReplayServer, msl: User) -> None:
    html = lookup(msl, HTMX, last_name="hiza").content.decode()
    assert 'data-specialty=""' in html
    assert "not yet a specialty in the directory" in html
    assert not Specialty.objects.exists()


def test_a_registry_that_is_down_gives_a_message_in_the_fragment(
    server: ReplayServer, msl: User
) -> None:
    server.add("/api/", Reply(500, b"down", content_type="text/plain"))
    response = lookup(msl, HTMX, last_name="hiza")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "could not be asked" in html and "HTTP 500" in html


@pytest.mark.shared_data
def test_a_refused_search_shows_the_registry_s_reason(
    server: ReplayServer, msl: User, shared_data: Path
) -> None:
    server.add("/api/", Reply.file(shared_data / "nppes" / "ropensci_npi_api-8d2d52.json"))
    html = lookup(msl, HTMX, last_name="x").content.decode()
    assert "No valid search criteria provided" in html


def test_without_a_last_name_the_registry_is_not_asked(server: ReplayServer, msl: User) -> None:
    response = lookup(msl, HTMX, first_name="elise")
    assert response.status_code == 200
    assert server.requests == []


def test_roles_that_cannot_add_hcps_may_not_look_up(server: ReplayServer, medinfo: User) -> None:
    assert lookup(medinfo, HTMX, last_name="hiza").status_code == 403
    assert server.requests == []


@pytest.mark.shared_data
def test_without_javascript_the_matches_are_a_page(hiza: ReplayServer, msl: User) -> None:
    response = lookup(msl, last_name="hiza")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "1720377294" in html and "data-nppes-fill" not in html


def test_the_hcp_form_offers_the_look_up(msl: User) -> None:
    html = client_for(msl).get(reverse("directory:hcp-create")).content.decode()
    assert reverse("directory:nppes-lookup") in html
    assert "directory/nppes.js" in html
    # The look-up is a form of its own, before the HCP form (forms cannot nest).
    assert html.index('id="nppes-last-name"') < html.index('method="post" class="stacked"')
