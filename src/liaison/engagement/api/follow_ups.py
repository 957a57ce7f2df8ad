"""The API of follow-ups (`/api/v1/follow-ups`)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["follow-ups"])
