"""The API of interactions (`/api/v1/interactions`)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["interactions"])
