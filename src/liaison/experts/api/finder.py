"""``/api/v1/experts`` routes: finder."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["experts"])
