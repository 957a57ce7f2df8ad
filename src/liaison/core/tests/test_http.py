"""What every web view shares, called directly: where a form sends the user back to."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from liaison.core.http import next_url

FALLBACK = "surveillance:alert-list"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "https:/evil",
        "http:///evil.example",
        "javascript:alert(1)",
        "\x01/evil.example",
        "",
    ],
)
def test_next_to_another_site_or_nowhere_is_the_fallback(target: str) -> None:
    request = RequestFactory().post("/alerts/1/read/", {"next": target})
    assert next_url(request, FALLBACK) == reverse(FALLBACK)


@pytest.mark.parametrize(
    "target", ["/surveillance/alerts/?page=2", "/directory/hcps/", "http://testserver/jobs/"]
)
def test_next_on_this_site_is_kept(target: str) -> None:
    request = RequestFactory().post("/alerts/1/read/", {"next": target})
    assert next_url(request, FALLBACK) == target


def test_next_is_read_from_the_query_string_when_not_posted() -> None:
    request = RequestFactory().get("/", {"next": "/jobs/"})
    assert next_url(request, FALLBACK) == "/jobs/"


def test_an_https_request_is_not_sent_on_over_http() -> None:
    request = RequestFactory().post("/", {"next": "http://testserver/jobs/"}, secure=True)
    assert next_url(request, "/") == "/"
    request = RequestFactory().post("/", {"next": "https://testserver/jobs/"}, secure=True)
    assert next_url(request, "/") == "https://testserver/jobs/"
