"""Fixtures shared by the medinfo tests."""

from __future__ import annotations

import pytest

from liaison.core import registry


@pytest.fixture
def screened(monkeypatch: pytest.MonkeyPatch) -> list[registry.SavedText]:
    """The texts handed to the screens, instead of screening them (safety's own
    screen is tested in safety)."""
    seen: list[registry.SavedText] = []
    monkeypatch.setattr(registry, "screen_saved_text", seen.append)
    return seen
