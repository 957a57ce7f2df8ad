"""The API's one error shape: {"message": str, "details": {field: reason}}."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from liaison.api import api, field_name
from liaison.core import audit
from liaison.core.errors import Conflict, LiaisonError, NotFound, PermissionDenied
from liaison.core.models import User
from liaison.core.tests.apiclient import ApiClient


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (["body", "payload", "npi"], "npi"),
        (["query", "page_size"], "page_size"),
        (["path", "hcp_id"], "hcp_id"),
        (["body", "payload", "emails", 1], "emails.1"),
        (["body", "payload"], "payload"),
        ([], "__all__"),
    ],
)
def test_field_name_drops_location_and_parameter(loc: list[object], expected: str) -> None:
    assert field_name(loc) == expected


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (LiaisonError("npi: bad", field="npi"), 400),
        (PermissionDenied("you may not change this HCP"), 403),
        (NotFound("no such HCP"), 404),
        (Conflict("already there", field="name"), 409),
    ],
)
def test_domain_errors_map_to_their_status(error: LiaisonError, status: int) -> None:
    response = api.on_exception(RequestFactory().get("/api/v1/hcps"), error)
    assert response.status_code == status
    body = json.loads(response.content)
    assert body == {"message": error.message, "details": error.details}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("database is locked", "busy"), ("could not connect to server", "cannot be reached")],
)
def test_database_unavailable_is_503_with_a_sentence(text: str, expected: str) -> None:
    response = api.on_exception(RequestFactory().get("/api/v1/hcps"), OperationalError(text))
    assert response.status_code == 503
    body = json.loads(response.content)
    assert expected in body["message"]
    assert body["details"] == {}


def test_unexpected_error_is_500_in_the_same_shape() -> None:
    response = api.on_exception(RequestFactory().get("/api/v1/hcps"), RuntimeError("boom"))
    assert response.status_code == 500
    body = json.loads(response.content)
    assert set(body) == {"message", "details"}
    assert "boom" not in body["message"]  # internals stay in the log


@pytest.mark.django_db
def test_unknown_api_path_is_404_in_the_shape(msl: User) -> None:
    for response in (ApiClient(msl).get("/nothing-here"), ApiClient().post("/hcps/1/x", {})):
        assert response.status_code == 404
        assert response.json() == {
            "message": f"no API endpoint at {response.wsgi_request.path}",
            "details": {},
        }


@pytest.mark.django_db
def test_known_paths_still_win_over_the_fallback(msl: User) -> None:
    assert ApiClient(msl).get("/hcps").status_code == 200
    assert ApiClient(msl).get("/therapeutic-areas").status_code == 200


@pytest.mark.django_db
def test_malformed_json_body_is_an_error_in_the_shape(msl: User) -> None:
    client = ApiClient(msl)
    response = client.client.post(
        "/api/v1/hcps", "{not json", content_type="application/json", headers=client.headers
    )
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"message", "details"}


@pytest.mark.django_db
def test_api_source_ends_with_the_request(msl: User) -> None:
    ApiClient(msl).post("/tokens", {"name": "x"})
    assert audit.current_source() == "web"


@pytest.mark.django_db
def test_an_item_of_a_list_query_parameter_is_named_by_the_parameter(msl: User) -> None:
    # ``pmid`` is a list field of a query schema (``query: Query[...]``): its items'
    # errors used to be named after the handler's parameter ("query.pmid.1").
    response = ApiClient(msl).get("/publications/export", {"pmid": ["12", "x"]})
    assert response.status_code == 422
    assert list(response.json()["details"]) == ["pmid.1"]
    assert response.json()["message"].startswith("pmid.1: Input should be a valid integer")


@pytest.mark.django_db
def test_unknown_api_path_with_a_line_break_is_404_in_the_shape(msl: User) -> None:
    # "/api/v1/publications/%0A": no PMID, and the fallback once stopped at the line break.
    for path in ("/publications/%0A", "/nothing%0Ahere", "/hcps/1/%0D%0A"):
        response = ApiClient(msl).get(path)
        assert response.status_code == 404, path
        assert response.json()["details"] == {}
