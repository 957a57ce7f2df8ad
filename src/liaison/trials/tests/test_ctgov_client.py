"""The ClinicalTrials.gov API v2 client over real HTTP, against the local replay
server serving real /studies pages from ../shared/data/ctgov and small pages of our own."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.replay import ReplayServer, Reply

from liaison.lib.httpclient import HttpError, RetryPolicy
from liaison.trials.clients.ctgov import CtgovClientError, fetch_studies, studies_params
from liaison.trials.ctgov import CtgovParseError

FAST = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.05)
STUDIES = "/api/v2/studies"


def study(nct_id: str, status: str = "RECRUITING") -> dict[str, Any]:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": f"Study {nct_id}"},
            "statusModule": {"overallStatus": status},
        }
    }


def page(*studies: dict[str, Any], token: str | None = None, total: int | None = None) -> Reply:
    data: dict[str, Any] = {"studies": list(studies)}
    if token:
        data["nextPageToken"] = token
    if total is not None:
        data["totalCount"] = total
    return Reply.json(data)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as replay:
        yield replay


def nct_ids(pages: list[Any]) -> list[str]:
    return [study.nct_id for result in pages for study in result.studies]


@pytest.mark.shared_data
def test_page_token_loop_over_real_pages(server: ReplayServer, shared_data: Path) -> None:
    first_file = shared_data / "ctgov" / "biomcp_search_phelan_limit5_20260811.json"
    second_file = shared_data / "ctgov" / "biomcp_search_phelan_next_20260811.json"
    first, second = (json.loads(path.read_bytes()) for path in (first_file, second_file))
    server.add(STUDIES, Reply.file(first_file), query={"countTotal": "true"})
    server.add(STUDIES, Reply.file(second_file), query={"pageToken": first["nextPageToken"]})
    server.add(STUDIES, page(study("NCT09000001")), query={"pageToken": second["nextPageToken"]})
    totals: list[int] = []
    pages = list(
        fetch_studies(
            condition="Phelan-McDermid syndrome",
            base_url=f"{server.url}/api/v2/",
            on_total=totals.append,
        )
    )
    expected = [
        s["protocolSection"]["identificationModule"]["nctId"]
        for s in first["studies"] + second["studies"]
    ]
    assert nct_ids(pages) == [*expected, "NCT09000001"]
    assert totals == [first["totalCount"]]
    requests = server.requests_to(STUDIES)
    assert [r.get("pageToken") for r in requests] == [
        None,
        first["nextPageToken"],
        second["nextPageToken"],
    ]
    assert requests[0].query["countTotal"] == "true"
    assert all(r.query["query.cond"] == "Phelan-McDermid syndrome" for r in requests)
    assert all(r.query["pageSize"] == "1000" and r.query["format"] == "json" for r in requests)
    # Polite: about 50 requests a minute.
    assert server.spacing_problem(1.2) is None, server.spacing_problem(1.2)


def test_criteria_become_the_documented_parameters(server: ReplayServer) -> None:
    server.add(STUDIES, page(study("NCT09000002"), total=1))
    pages = list(
        fetch_studies(
            condition="melanoma",
            intervention="pembrolizumab",
            sponsor="Merck Sharp & Dohme LLC",
            updated_since=dt.date(2024, 1, 1),
            statuses=["recruiting", "ACTIVE_NOT_RECRUITING"],
            page_size=200,
            base_url=f"{server.url}/api/v2",
            rate=100,
        )
    )
    assert nct_ids(pages) == ["NCT09000002"]
    query = server.requests[0].query
    assert query["query.cond"] == "melanoma"
    assert query["query.intr"] == "pembrolizumab"
    assert query["query.spons"] == "Merck Sharp & Dohme LLC"
    assert query["filter.overallStatus"] == "RECRUITING,ACTIVE_NOT_RECRUITING"
    assert query["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2024-01-01,MAX]"
    assert query["pageSize"] == "200"


def test_lead_sponsor_only_asks_query_lead() -> None:
    params = dict(studies_params(sponsor="Pfizer", lead_sponsor_only=True))
    assert params["query.lead"] == "Pfizer"
    assert "query.spons" not in params


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({}, "at least one"),
        ({"condition": "x", "statuses": ["OPEN"]}, "unknown overall status OPEN"),
        ({"condition": "x", "page_size": 1001}, "outside 1..1000"),
    ],
)
def test_criteria_the_api_cannot_take_are_refused(kwargs: dict[str, Any], reason: str) -> None:
    with pytest.raises(CtgovClientError) as caught:
        studies_params(**kwargs)
    assert reason in caught.value.message


def test_a_server_error_on_a_later_page_is_retried(server: ReplayServer) -> None:
    server.add(STUDIES, page(study("NCT09000003"), token="T1"), query={"countTotal": "true"})
    server.add(STUDIES, Reply(503), page(study("NCT09000004")), query={"pageToken": "T1"})
    pages = list(fetch_studies("x", base_url=f"{server.url}/api/v2/", rate=100, retry=FAST))
    assert nct_ids(pages) == ["NCT09000003", "NCT09000004"]
    assert len(server.requests) == 3


def test_a_service_that_keeps_failing_is_named(server: ReplayServer) -> None:
    server.add(STUDIES, Reply(500, b"oops", content_type="text/plain"))
    with pytest.raises(HttpError) as caught:
        list(fetch_studies("x", base_url=f"{server.url}/api/v2/", rate=100, retry=FAST))
    assert f"{server.url}{STUDIES}" in caught.value.detail and "HTTP 500" in caught.value.message


def test_a_malformed_study_names_the_page_and_the_nct_id(server: ReplayServer) -> None:
    bad = study("NCT09000005")
    bad["protocolSection"]["designModule"] = {"enrollmentInfo": {"count": "lots"}}
    server.add(STUDIES, page(study("NCT09000006"), token="T1"), query={"countTotal": "true"})
    server.add(STUDIES, page(bad), query={"pageToken": "T1"})
    with pytest.raises(CtgovParseError) as caught:
        list(fetch_studies("x", base_url=f"{server.url}/api/v2/", rate=100))
    message = str(caught.value)
    assert "NCT09000005" in message and "page token T1" in message and "enrollmentInfo" in message


def test_an_answer_that_is_not_json_is_named(server: ReplayServer) -> None:
    server.add(STUDIES, Reply(200, b"<html>maintenance</html>", content_type="text/html"))
    with pytest.raises(CtgovClientError) as caught:
        list(fetch_studies("x", base_url=f"{server.url}/api/v2/", rate=100))
    assert "not JSON" in caught.value.message


def test_a_page_token_that_comes_back_stops_the_loop(server: ReplayServer) -> None:
    server.add(STUDIES, page(study("NCT09000007"), token="SAME"))
    with pytest.raises(CtgovClientError) as caught:
        list(fetch_studies("x", base_url=f"{server.url}/api/v2/", rate=100))
    assert "came back twice" in caught.value.message
    assert len(server.requests) == 2


def test_with_on_error_a_malformed_study_is_reported_and_the_fetch_goes_on(
    server: ReplayServer,
) -> None:
    bad = study("NCT09000008")
    bad["protocolSection"]["designModule"] = {"enrollmentInfo": {"count": "lots"}}
    server.add(STUDIES, page(bad, study("NCT09000009"), token="T1"), query={"countTotal": "true"})
    server.add(STUDIES, page(study("NCT09000010")), query={"pageToken": "T1"})
    errors: list[CtgovParseError] = []
    pages = list(
        fetch_studies("x", base_url=f"{server.url}/api/v2/", rate=100, on_error=errors.append)
    )
    assert nct_ids(pages) == ["NCT09000009", "NCT09000010"]
    assert [error.nct_id for error in errors] == ["NCT09000008"]
