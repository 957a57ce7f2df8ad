"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Every page a test visits is checked with axe-core (bundled by axe-playwright-python):
no serious or critical violation is allowed, and the contrast of every badge and
button must be judged, not left "incomplete".

The unread-alert count was white on light grey on every page but Alerts, and axe ran
on those pages without a word: the count was "2", and axe's color-contrast rule leaves
text of one character "incomplete" ("too short to determine if it is actual text
content") unless ``ignoreLength`` is set, while the checker read only the violations.
So the checker judges short text (``ignoreLength``) and fails on a control or badge
whose contrast axe could not decide. Axe sees one state of a page: ``check_states``
forces hover, keyboard focus and the pressed (``:active``) state on every control in
turn (Chrome DevTools' forced pseudo-classes) and runs the contrast rule again, and
measures disabled controls itself (axe skips them: WCAG exempts inactive controls,
we still want them readable).
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


#: Every control and badge whose text contrast must be judged in every state.
CONTROLS = (
    ".badge, button, .button, .button-secondary, .button-danger, .site-nav a, "
    ".pagination a, .skip-link"
)
#: The skip link moves over the header when focused: forced and judged alone.
SKIP_LINK = ".skip-link"
#: Judge short text too (the one-digit unread count); keep "incomplete" results to read.
AXE_OPTIONS: dict[str, Any] = {
    "resultTypes": ["violations", "incomplete"],
    "checks": {"color-contrast": {"options": {"ignoreLength": True}}},
}
CONTRAST_ONLY: dict[str, Any] = {**AXE_OPTIONS, "runOnly": ["color-contrast"]}
#: Pseudo-classes forced on every control, one state at a time.
FOCUSED = (("focus", "focus-visible"),)
FORCED_STATES = (("hover",), *FOCUSED, ("active",), ("hover", "active"))
#: WCAG AA for normal-size text; the controls' text is normal size.
MINIMUM_CONTRAST = 4.5

_UNDECIDED_CONTROLS_JS = """([targets, controls]) => targets.map((target) => {
  const element = document.querySelector(target);
  return Boolean(element && element.closest(controls));
})"""

# Text contrast of the elements matching a selector, measured with axe's own colour
# functions (axe.run skips disabled controls); axe's tree is set up around the call.
_CONTRAST_JS = """(selector) => {
  axe.setup(document);
  try {
    return Array.from(document.querySelectorAll(selector)).map((element) => {
      const background = axe.commons.color.getBackgroundColor(element, []);
      const foreground = axe.commons.color.getForegroundColor(element, false, background);
      return {
        text: element.textContent.trim(),
        contrast: background && foreground
          ? axe.commons.color.getContrast(background, foreground) : null,
      };
    });
  } finally {
    axe.teardown();
  }
}"""


def _target(node: dict[str, Any]) -> str:
    target = node["target"][0]
    return target if isinstance(target, str) else str(node["target"])


class AxeChecker:
    """Runs axe-core on the current page and collects serious/critical violations."""

    def __init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.checked: list[str] = []

    def _problems(
        self, page: Any, options: dict[str, Any], context: str | None = None
    ) -> list[str]:
        response = self.axe.run(page, context=context, options=options).response
        bad = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + "; ".join(_target(node) for node in violation["nodes"][:3])
            for violation in response["violations"]
            if violation.get("impact") in {"serious", "critical"}
        ]
        for result in response["incomplete"]:
            if result["id"] != "color-contrast":
                continue
            targets = [_target(node) for node in result["nodes"]]
            controls = page.evaluate(_UNDECIDED_CONTROLS_JS, [targets, CONTROLS])
            bad += [
                f"color-contrast undecided on a control: {target} ({_reason(node)})"
                for target, node, is_control in zip(targets, result["nodes"], controls, strict=True)
                if is_control
            ]
        return bad

    def check(self, page: Any) -> None:
        bad = self._problems(page, AXE_OPTIONS)
        self.checked.append(page.url)
        assert not bad, f"axe-core on {page.url}:\n" + "\n".join(bad)

    def check_states(self, page: Any) -> int:
        """Contrast of every control hovered, focused and pressed (each state forced on
        all controls at once; the skip link alone), and of every disabled control;
        returns how many controls were forced."""
        session = page.context.new_cdp_session(page)
        try:
            session.send("DOM.enable")
            session.send("CSS.enable")
            root = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]

            def nodes(selector: str) -> list[int]:
                found = session.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})
                return list(found["nodeIds"])

            def force(node_ids: list[int], state: tuple[str, ...]) -> None:
                for node_id in node_ids:
                    session.send(
                        "CSS.forcePseudoState",
                        {"nodeId": node_id, "forcedPseudoClasses": list(state)},
                    )

            controls = [node for node in nodes(CONTROLS) if node not in nodes(SKIP_LINK)]
            bad: list[str] = []
            groups = ((controls, FORCED_STATES, None), (nodes(SKIP_LINK), FOCUSED, SKIP_LINK))
            for group, states, context in groups:
                for state in states:
                    force(group, state)
                    bad += [
                        f":{'+:'.join(state)} {problem}"
                        for problem in self._problems(page, CONTRAST_ONLY, context)
                    ]
                force(group, ())
        finally:
            session.detach()
        bad += [
            f"disabled {measured['text']!r}: contrast {measured['contrast']}"
            for measured in self.disabled_contrast(page)
            if measured["contrast"] is None or measured["contrast"] < MINIMUM_CONTRAST
        ]
        assert not bad, f"contrast of controls on {page.url}:\n" + "\n".join(bad)
        return len(controls)

    def contrast(self, page: Any, selector: str) -> list[dict[str, Any]]:
        """The text contrast of every element matching ``selector``, as axe measures it."""
        page.evaluate(self.axe.axe_script)
        return list(page.evaluate(_CONTRAST_JS, selector))

    def disabled_contrast(self, page: Any) -> list[dict[str, Any]]:
        """The text contrast of every disabled control on the page."""
        return self.contrast(page, "button:disabled, [aria-disabled='true']")


def _reason(node: dict[str, Any]) -> str:
    data = next((check.get("data") for check in node["any"] if check.get("data")), None) or {}
    return str(data.get("messageKey") or data)


@pytest.fixture
def axe() -> AxeChecker:
    return AxeChecker()
