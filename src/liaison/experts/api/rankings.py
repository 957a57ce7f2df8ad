"""``/api/v1/experts`` routes: rankings."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["experts"])
