"""The library's API: search with filters and pagination, one publication by PMID."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from liaison.core import services as core_services
from liaison.core.models import User
from liaison.literature.tests.factories import article, load, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(admin_user: User, tmp_path: Path) -> None:
    load(
        admin_user,
        write(
            tmp_path / "library.xml",
            article(
                1,
                title="Neprilysin inhibition in heart failure",
                abstract="Sacubitril lowered mortality.",
                authors=[("Müller", "Jürgen"), ("Smith", "Anna")],
                mesh=[("D006333", "Heart Failure", True)],
                trials=["NCT01035255"],
                types=["Journal Article", "Review"],
            ),
            *(article(pmid, title=f"Other study {pmid}", year=2021) for pmid in range(2, 6)),
        ),
    )


def api_client(user: User) -> Client:
    _, secret = core_services.create_api_token(actor=user, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_list_searches_and_paginates(library: None, msl: User) -> None:
    client = api_client(msl)
    body = client.get("/api/v1/publications", {"q": "sacubitril"}).json()
    assert body["count"] == 1
    first = body["results"][0]
    assert first["pmid"] == 1
    assert first["authors"] == ["Jürgen Müller", "Anna Smith"]
    assert first["published"] == {"year": 2020, "month": 3, "day": None, "text": "2020 Mar"}
    assert first["journal"]["issn"] == "1111-2222"
    page = client.get(
        "/api/v1/publications", {"page_size": "2", "page": "2", "sort": "oldest"}
    ).json()
    assert page["count"] == 5
    assert [item["pmid"] for item in page["results"]] == [3, 4]  # 1 (2020), 2, then these


def test_list_filters(library: None, msl: User) -> None:
    client = api_client(msl)
    assert client.get("/api/v1/publications", {"has_trial": "true"}).json()["count"] == 1
    assert client.get("/api/v1/publications", {"publication_type": "Review"}).json()["count"] == 1
    assert client.get("/api/v1/publications", {"mesh": "D006333"}).json()["count"] == 1
    assert client.get("/api/v1/publications", {"author": "muller"}).json()["count"] == 1
    assert client.get("/api/v1/publications", {"date_from": "2021-01-01"}).json()["count"] == 4


def test_bad_sort_is_a_422_naming_the_parameter(library: None, msl: User) -> None:
    response = api_client(msl).get("/api/v1/publications", {"sort": "title"})
    assert response.status_code == 422
    assert "sort" in response.json()["details"]


def test_get_one_publication(library: None, msl: User) -> None:
    body = api_client(msl).get("/api/v1/publications/1").json()
    assert body["abstract"] == [
        {"label": None, "category": None, "text": "Sacubitril lowered mortality."}
    ]
    assert [author["family"] for author in body["authorships"]] == ["Müller", "Smith"]
    assert body["mesh"] == [
        {"ui": "D006333", "name": "Heart Failure", "major": True, "qualifiers": []}
    ]
    assert body["trial_ids"] == ["NCT01035255"]


def test_unknown_pmid_is_404_in_the_error_shape(library: None, msl: User) -> None:
    response = api_client(msl).get("/api/v1/publications/999")
    assert response.status_code == 404
    assert set(response.json()) == {"message", "details"}
