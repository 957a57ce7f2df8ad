"""The API of insights (`/api/v1/insights`)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["insights"])
