"""The experts app's finder pages."""

from __future__ import annotations

urlpatterns: list[object] = []
