"""Templates must work under our CSP (only 'self'): no inline script, style or handler."""

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(SRC.glob("*/templates/**/*.html"))

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
HTMX_EVAL = re.compile(r"\shx-on|hx-vals\s*=\s*['\"]js:|hx-headers\s*=\s*['\"]js:", re.IGNORECASE)
MULTILINE_COMMENT = re.compile(r"\{#(?:(?!#\}).)*\n", re.DOTALL)


def test_templates_are_found() -> None:
    assert any(path.name == "base.html" for path in TEMPLATES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(SRC)))
def test_template_needs_no_unsafe_inline(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for name, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("inline event handler", HANDLER),
        ("htmx code evaluated from an attribute", HTMX_EVAL),
        ("{# #} comment spanning lines (Django prints it)", MULTILINE_COMMENT),
    ]:
        match = pattern.search(text)
        assert match is None, f"{path.name}: {name} at {match.group(0)!r}" if match else ""
