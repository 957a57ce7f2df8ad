"""The API of meetings (`/api/v1/meetings`)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["meetings"])
