"""The HCP form's NPI Registry look-up, against the local replay server serving real answers."""

from __future__ import annotations

import json
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
    assert 'role="alert"' in html and "The NPI Registry answered with an error" in html
    assert "HTTP 500" in html
    # The URL is kept for the curious, folded away.
    assert "<summary>Technical details</summary>" in html and f"{server.url}/api/" in html


def test_no_network_is_said_in_words_without_retries(
    msl: User, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    import socket
    import time

    def no_dns(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    settings.LIAISON_NPPES_URL = "https://npiregistry.example.invalid/api/"
    started = time.monotonic()
    html = lookup(msl, HTMX, last_name="hiza").content.decode()
    assert time.monotonic() - started < 2
    assert "The NPI Registry could not be reached: no network connection" in html
    assert "Errno" not in html.split("<details")[0]  # the raw error only in the details


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
    assert "Give a last name" in response.content.decode()
    assert server.requests == []


def test_the_page_opened_without_a_search_asks_nothing_and_says_nothing(
    server: ReplayServer, msl: User
) -> None:
    html = lookup(msl).content.decode()
    assert "Give a last name" not in html and "No match" not in html
    assert server.requests == []


def real_answer(shared_data: Path, **changes: Any) -> dict[str, Any]:
    """Hiza's real answer, with changes to its top level or to its practice address."""
    data: dict[str, Any] = json.loads(
        (shared_data / "nppes" / "ropensci_npi_api-b2f594.json").read_bytes()
    )
    result = data["results"][0]
    for key, value in changes.pop("basic", {}).items():
        result["basic"][key] = value
    for address in result["addresses"]:
        if address["address_purpose"] == "LOCATION":
            address.update(changes.pop("location", {}))
    data.update(changes)
    return data


@pytest.mark.shared_data
def test_an_empty_answer_says_no_match(server: ReplayServer, msl: User, shared_data: Path) -> None:
    server.add("/api/", Reply.file(shared_data / "nppes" / "ropensci_npi_api-a2f836.json"))
    html = lookup(msl, HTMX, last_name="zzyzx", first_name="ann", state="nc").content.decode()
    assert (
        "No match: the NPI Registry found no individual provider with the last name “zzyzx” "
        "and the first name “ann” in NC."
    ) in html
    assert "<table" not in html


@pytest.mark.shared_data
def test_an_answer_counting_more_than_it_sends_is_shown_with_a_warning(
    server: ReplayServer, msl: User, shared_data: Path
) -> None:
    server.add("/api/", Reply.json(real_answer(shared_data, result_count=5)))
    html = lookup(msl, HTMX, last_name="hiza").content.decode()
    assert 'class="message message-warning"' in html
    assert "says it found 5 but sent 1 result: the answer may be incomplete" in html
    assert "1720377294" in html  # the match is still shown


@pytest.mark.shared_data
def test_the_registry_s_placeholder_suffix_is_not_shown(
    server: ReplayServer, msl: User, shared_data: Path
) -> None:
    answer = real_answer(shared_data, basic={"name_prefix": "Dr.", "name_suffix": "--"})
    server.add("/api/", Reply.json(answer))
    html = lookup(msl, HTMX, last_name="hiza").content.decode()
    assert "Dr. ELISE AILEEN HIZA, M.D." in html and "--" not in html


@pytest.mark.shared_data
def test_a_military_address_fills_no_place_and_says_why(
    server: ReplayServer, msl: User, shared_data: Path
) -> None:
    location = {"country_code": "AA", "country_name": "", "state": "", "city": "APO"}
    server.add("/api/", Reply.json(real_answer(shared_data, location=location)))
    html = lookup(msl, HTMX, last_name="hiza").content.decode()
    assert 'data-npi="1720377294"' in html
    assert 'data-country=""' in html and 'data-city=""' in html
    assert "No place filled in: the practice address&#x27;s country &#x27;AA&#x27;" in html


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
