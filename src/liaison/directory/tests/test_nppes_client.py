"""The NPI Registry client over real HTTP, against the local replay server serving
real registry answers from ../shared/data/nppes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.replay import ReplayServer, Reply

from liaison.core.errors import LiaisonError
from liaison.directory.clients.nppes import lookup, lookup_providers
from liaison.directory.nppes import NppesError
from liaison.lib.httpclient import HttpError, RetryPolicy

FAST = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.05)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as replay:
        yield replay


@pytest.fixture
def nppes(shared_data: Path) -> Path:
    return shared_data / "nppes"


@pytest.mark.shared_data
def test_lookup_sends_the_documented_parameters(server: ReplayServer, nppes: Path) -> None:
    server.add("/api/", Reply.file(nppes / "ropensci_npi_api-34c18d.json"))
    providers = lookup_providers(
        last_name="smith", first_name="jo*", state="nc", limit=10, base_url=f"{server.url}/api/"
    )
    assert len(providers) == 10 and all(p.kind == "individual" for p in providers)
    query = server.requests[0].query
    assert query == {
        "version": "2.1",
        "enumeration_type": "NPI-1",
        "last_name": "smith",
        "first_name": "jo*",
        "state": "NC",
        "limit": "10",
    }


@pytest.mark.shared_data
def test_an_errors_answer_raises_with_the_registry_s_description(
    server: ReplayServer, nppes: Path
) -> None:
    server.add("/api/", Reply.file(nppes / "ropensci_npi_api-8d2d52.json"))
    with pytest.raises(NppesError) as caught:
        lookup_providers(last_name="x", base_url=f"{server.url}/api/")
    assert "No valid search criteria provided" in caught.value.message


@pytest.mark.shared_data
def test_an_empty_answer_finds_nobody(server: ReplayServer, nppes: Path) -> None:
    server.add("/api/", Reply.file(nppes / "ropensci_npi_api-a2f836.json"))
    assert lookup_providers(last_name="zzyzx", base_url=f"{server.url}/api/") == ()


@pytest.mark.shared_data
def test_an_answer_with_fewer_results_than_it_counts_comes_with_a_warning(
    server: ReplayServer, nppes: Path
) -> None:
    data = json.loads((nppes / "ropensci_npi_api-b2f594.json").read_bytes())
    server.add("/api/", Reply.json({**data, "result_count": 4}))
    answer = lookup(last_name="hiza", base_url=f"{server.url}/api/")
    assert [provider.npi for provider in answer.providers] == ["1720377294"]
    assert answer.result_count == 4
    assert answer.warnings == (
        "the NPI Registry says it found 4 but sent 1 result: the answer may be incomplete; "
        "ask again, or narrow the search",
    )


@pytest.mark.shared_data
def test_a_busy_registry_is_retried(server: ReplayServer, nppes: Path) -> None:
    server.add("/api/", Reply(503), Reply.file(nppes / "ropensci_npi_api-b2f594.json"))
    (provider,) = lookup_providers(last_name="hiza", base_url=f"{server.url}/api/", retry=FAST)
    assert provider.npi == "1720377294"
    assert len(server.requests) == 2


def test_a_registry_that_keeps_failing_is_named(server: ReplayServer) -> None:
    server.add("/api/", Reply(500))
    with pytest.raises(HttpError) as caught:
        lookup_providers(last_name="hiza", base_url=f"{server.url}/api/", retry=FAST)
    assert f"{server.url}/api/?version=2.1" in caught.value.detail


def test_a_time_out_is_a_clear_error(server: ReplayServer) -> None:
    server.add("/api/", Reply.json({}, delay=1.5))
    with pytest.raises(HttpError) as caught:
        lookup_providers(
            last_name="hiza",
            base_url=f"{server.url}/api/",
            timeout=0.3,
            retry=RetryPolicy(attempts=1),
        )
    assert "time-out" in caught.value.message


@pytest.mark.parametrize(
    ("kwargs", "field", "reason"),
    [
        ({}, "last_name", "give a last name"),
        ({"last_name": "x", "state": "North Carolina"}, "state", "two-letter"),
        ({"last_name": "x", "limit": 500}, "limit", "1..200"),
        ({"last_name": "x", "skip": 2000}, "skip", "0..1000"),
    ],
)
def test_questions_the_registry_cannot_take_are_refused_before_asking(
    kwargs: dict[str, object], field: str, reason: str
) -> None:
    with pytest.raises(LiaisonError) as caught:
        lookup(base_url="http://127.0.0.1:9/", **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field and reason in caught.value.message
