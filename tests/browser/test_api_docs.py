"""The API docs page renders in a real browser under our content-security policy."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_operations_without_csp_violations(page: Any, live_server: Any) -> None:
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    external: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, "data:"))
            else external.append(request.url)
        ),
    )

    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)

    assert page.locator(".swagger-ui .opblock").count() >= 30
    assert page.get_by_text("/api/v1/hcps", exact=True).first.is_visible()
    violations = [text for text in messages if "Content Security Policy" in text]
    assert violations == []
    assert failed == []
    assert external == []
