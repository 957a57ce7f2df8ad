"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Every page a test visits is checked with axe-core (bundled by axe-playwright-python):
no serious or critical violation is allowed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import require

CHROMIUM = os.environ.get("LIAISON_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# fixtures between page actions are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require(
        os.path.exists(CHROMIUM) or shutil.which("chromium") is not None,
        f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


class AxeChecker:
    """Runs axe-core on the current page and collects serious/critical violations."""

    def __init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.checked: list[str] = []

    def check(self, page: Any) -> None:
        results = self.axe.run(page)
        bad = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + "; ".join(
                node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
                for node in violation["nodes"][:3]
            )
            for violation in results.response["violations"]
            if violation.get("impact") in {"serious", "critical"}
        ]
        self.checked.append(page.url)
        assert not bad, f"axe-core on {page.url}:\n" + "\n".join(bad)


@pytest.fixture
def axe() -> AxeChecker:
    return AxeChecker()
