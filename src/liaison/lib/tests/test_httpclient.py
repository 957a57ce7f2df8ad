"""The live clients' shared HTTP plumbing, over real HTTP against the local replay server."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from email.utils import formatdate

import pytest
from tests.replay import ReplayServer, Reply

from liaison.lib.httpclient import (
    HttpClient,
    HttpError,
    RetryPolicy,
    masked_url,
    name_not_resolved,
    retry_after_seconds,
)

FAST = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.05)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as replay:
        yield replay


def gaps(server: ReplayServer) -> list[float]:
    times = [request.at for request in server.requests]
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def test_429_then_success_waits_as_long_as_retry_after_asks(server: ReplayServer) -> None:
    server.add("/data", Reply(429, headers={"Retry-After": "1"}), Reply.json({"ok": True}))
    with HttpClient(rate=100, retry=FAST) as client:
        answer = client.get(f"{server.url}/data")
    assert answer.json() == {"ok": True}
    assert len(server.requests) == 2
    assert gaps(server)[0] >= 0.95


def test_500_is_retried_then_fails_naming_the_url_and_the_reason(server: ReplayServer) -> None:
    server.add("/broken", Reply(500, b"database down", content_type="text/plain"))
    with HttpClient(rate=100, retry=FAST) as client, pytest.raises(HttpError) as caught:
        client.get(f"{server.url}/broken", params={"q": "x"})
    message = caught.value.message
    assert message.startswith("127.0.0.1 answered with an error: HTTP 500")
    assert "database down" in message and "3 tries" in message
    assert caught.value.detail == f"GET {server.url}/broken?q=x"
    assert len(server.requests) == 3


def test_500_then_success_returns_the_success(server: ReplayServer) -> None:
    server.add("/flaky", Reply(503), Reply(502), Reply.json([1]))
    with HttpClient(rate=100, retry=FAST) as client:
        assert client.get(f"{server.url}/flaky").json() == [1]
    assert len(server.requests) == 3


def test_time_out_gives_a_clear_error(server: ReplayServer) -> None:
    server.add("/slow", Reply.json({}, delay=1.5))
    started = time.monotonic()
    client = HttpClient(rate=100, timeout=0.3, retry=RetryPolicy(attempts=1))
    with client, pytest.raises(HttpError) as caught:
        client.get(f"{server.url}/slow")
    assert time.monotonic() - started < 1.2
    assert "time-out" in caught.value.message
    assert f"{server.url}/slow" in caught.value.detail


def test_client_errors_are_not_retried(server: ReplayServer) -> None:
    server.add("/missing", Reply(400, b"bad term", content_type="text/plain"))
    with HttpClient(rate=100, retry=FAST) as client, pytest.raises(HttpError) as caught:
        client.get(f"{server.url}/missing")
    assert len(server.requests) == 1
    assert caught.value.status == 400 and "bad term" in caught.value.message


def test_requests_to_one_host_keep_the_rate(server: ReplayServer) -> None:
    server.add("/data", Reply.json({}))
    with HttpClient(rate=3) as client:
        for _ in range(4):
            client.get(f"{server.url}/data")
    assert server.spacing_problem(1 / 3) is None, server.spacing_problem(1 / 3)


def test_two_clients_share_the_host_s_rate(server: ReplayServer) -> None:
    server.add("/data", Reply.json({}))
    with HttpClient(rate=4) as first, HttpClient(rate=4) as second:
        for _ in range(2):
            first.get(f"{server.url}/data")
            second.get(f"{server.url}/data")
    assert server.spacing_problem(0.25) is None, server.spacing_problem(0.25)


def test_user_agent_names_liaison(server: ReplayServer) -> None:
    server.add("/data", Reply.json({}))
    with HttpClient(rate=100) as client:
        client.get(f"{server.url}/data")
    assert server.requests[0].headers["User-Agent"].startswith("Liaison/")


def test_api_key_never_appears_in_errors(server: ReplayServer) -> None:
    server.add("/data", Reply(403, b"denied", content_type="text/plain"))
    with HttpClient(rate=100) as client, pytest.raises(HttpError) as caught:
        client.get(f"{server.url}/data", params={"term": "x", "api_key": "s3cret"})
    assert "s3cret" not in caught.value.message + caught.value.detail
    assert "api_key=***" in caught.value.detail
    assert server.requests[0].query["api_key"] == "s3cret"


def test_a_retry_after_longer_than_allowed_fails_at_once(server: ReplayServer) -> None:
    server.add("/busy", Reply(429, headers={"Retry-After": "3600"}))
    policy = RetryPolicy(attempts=5, max_retry_after=60)
    with HttpClient(rate=100, retry=policy) as client, pytest.raises(HttpError) as caught:
        client.get(f"{server.url}/busy")
    assert len(server.requests) == 1
    assert "3600 s" in caught.value.message


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after_seconds("2") == 2.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    now = time.time()
    assert retry_after_seconds(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(
        30, abs=1
    )


def test_masked_url_hides_secret_parameters_only() -> None:
    assert masked_url("https://x.org/a?term=b&api_key=k") == "https://x.org/a?term=b&api_key=***"
    assert masked_url("https://x.org/a") == "https://x.org/a"


def test_a_posted_form_is_retried_like_a_get(server: ReplayServer) -> None:
    server.add("/search", Reply(503), Reply.json({"ok": 1}), query={"term": "a b"})
    with HttpClient(rate=100, retry=FAST) as client:
        answer = client.post_form(f"{server.url}/search", data={"term": "a b", "skip": None})
    assert answer.json() == {"ok": 1}
    assert [request.method for request in server.requests] == ["POST", "POST"]
    assert server.requests[1].query == {"term": "a b"}


def test_no_network_is_said_in_words_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket as socket_module

    def no_dns(*args: object, **kwargs: object) -> object:
        raise socket_module.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket_module, "getaddrinfo", no_dns)
    started = time.monotonic()
    policy = RetryPolicy(attempts=5, backoff=1.0)
    client = HttpClient(rate=100, retry=policy, service="PubMed")
    with client, pytest.raises(HttpError) as caught:
        client.get("https://eutils.example.invalid/esearch.fcgi", params={"api_key": "s3cret"})
    assert time.monotonic() - started < 1.0  # no five retries
    message = caught.value.message
    assert message == (
        "PubMed could not be reached: no network connection, or the name"
        " eutils.example.invalid is unknown"
    )
    assert "Errno" not in message and "https://" not in message
    assert "Name or service not known" in caught.value.detail
    assert "api_key=***" in caught.value.detail and "s3cret" not in caught.value.detail


def test_name_errors_are_told_from_other_network_errors() -> None:
    import socket as socket_module

    assert name_not_resolved(socket_module.gaierror(-3, "Temporary failure in name resolution"))
    wrapped = OSError("connect failed")
    wrapped.__cause__ = socket_module.gaierror(-2, "x")
    assert name_not_resolved(wrapped)
    assert not name_not_resolved(ConnectionRefusedError(111, "Connection refused"))
