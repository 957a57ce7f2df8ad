"""The experts app's networks pages."""

from __future__ import annotations

urlpatterns: list[object] = []
