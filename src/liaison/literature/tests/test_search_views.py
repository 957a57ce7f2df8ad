"""The search language on the library's page, in its export and in the API: what it
finds, and a query it cannot read said at its field (a form error, a 422), never run."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core import services as core_services
from liaison.core.models import User
from liaison.literature.tests import search_world

pytestmark = pytest.mark.django_db

LIST = reverse("literature:publication-list")
EXPORT = reverse("literature:export")
API = "/api/v1/publications"
UNBALANCED = "unbalanced parenthesis at character 14: this &#x27;(&#x27; is never closed"


@pytest.fixture
def library(db: None) -> None:
    search_world.build()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User) -> Client:
    _, secret = core_services.create_api_token(actor=user, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_the_page_finds_either_word(library: None, msl: User) -> None:
    page = client_for(msl).get(LIST, {"q": "lecanemab OR evolocumab"}).content.decode()
    assert "3 publications found" in page
    assert "Lecanemab in early Alzheimer" in page and "Evolocumab and clinical" in page


def test_the_search_field_explains_the_language(library: None, msl: User) -> None:
    page = client_for(msl).get(LIST).content.decode()
    assert "AND, OR, NOT, (parentheses)" in page and "[ti] [tiab] [au] [mh] [pt] [dp]" in page


def test_a_query_it_cannot_read_is_a_form_error_and_is_not_run(library: None, msl: User) -> None:
    response = client_for(msl).get(LIST, {"q": "lecanemab OR (evolocumab"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<ul class="errorlist" id="id_q_error"><li>{UNBALANCED}</li></ul>' in page
    assert f'role="alert">Search: {UNBALANCED}</p>' in page
    assert "The search was not run." in page
    assert "publication-list" not in page  # no results under a search it did not run


def test_the_live_search_shows_the_error_in_its_fragment(library: None, msl: User) -> None:
    response = client_for(msl).get(LIST, {"q": "lecanemab[xx]"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200  # htmx swaps 2xx answers only
    assert "unknown field tag [xx] at character 10; use [ti], [tiab]" in page
    assert "The search was not run." in page and "<form" not in page


def test_a_reversed_date_range_says_so(library: None, msl: User) -> None:
    page = (
        client_for(msl)
        .get(LIST, {"date_from": "2023-01-01", "date_to": "2020-12-31"})
        .content.decode()
    )
    message = "the range is reversed: 2020-12-31 is before Published from (2023-01-01)"
    assert f'<ul class="errorlist" id="id_date_to_error"><li>{message}</li></ul>' in page
    assert f"Published up to: {message}" in page
    assert "No publication matches" not in page


def test_a_reversed_range_in_the_query_says_so(library: None, msl: User) -> None:
    page = client_for(msl).get(LIST, {"q": "2023:2020[dp]"}).content.decode()
    assert "the range 2023:2020 is reversed (2023 is after 2020); write 2020:2023" in page


def test_an_export_of_a_search_it_cannot_read_exports_nothing(library: None, msl: User) -> None:
    response = client_for(msl).get(EXPORT, {"q": "lecanemab OR (evolocumab", "format": "ris"})
    assert response.status_code == 400
    assert UNBALANCED in response.content.decode()


def test_the_api_finds_either_word(library: None, msl: User) -> None:
    body = api_client(msl).get(API, {"q": "lecanemab OR evolocumab"}).json()
    assert body["count"] == 3
    assert {item["pmid"] for item in body["results"]} == {101, 102, 106}


def test_the_api_answers_422_naming_q(library: None, msl: User) -> None:
    response = api_client(msl).get(API, {"q": "lecanemab OR (evolocumab"})
    assert response.status_code == 422
    reason = "unbalanced parenthesis at character 14: this '(' is never closed"
    assert response.json() == {"message": f"q: {reason}", "details": {"q": reason}}


def test_the_api_answers_422_for_a_reversed_date_range(library: None, msl: User) -> None:
    response = api_client(msl).get(API, {"date_from": "2023-01-01", "date_to": "2020-12-31"})
    assert response.status_code == 422
    assert response.json()["details"] == {
        "date_to": "the date range is reversed: published up to 2020-12-31 is before "
        "published from 2023-01-01"
    }


def test_the_api_export_answers_422_naming_q(library: None, msl: User) -> None:
    response = api_client(msl).get(f"{API}/export", {"q": '"heart failure', "format": "csv"})
    assert response.status_code == 422
    assert response.json()["details"] == {
        "q": 'unclosed quotation mark at character 1: add the closing "'
    }


@pytest.mark.parametrize(
    "text",
    ['"heart" NEAR( OR * -', "x]", "title:heart OR", "((((", "lecanemab[", "NOT", "!!!"],
)
def test_no_query_is_a_server_error(library: None, msl: User, text: str) -> None:
    assert client_for(msl).get(LIST, {"q": text}).status_code == 200
    assert api_client(msl).get(API, {"q": text}).status_code == 422
