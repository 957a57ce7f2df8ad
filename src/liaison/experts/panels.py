"""The experts app's panels on the HCP profile (``registry.RecordPanel``)."""

from __future__ import annotations

from typing import Any

from liaison.core.policy import AnyUser
from liaison.directory.models import HCP


def score_panel(user: AnyUser, hcp: HCP) -> dict[str, Any] | None:
    """The HCP's scores with their breakdown, publications and trials."""
    return None


def network_panel(user: AnyUser, hcp: HCP) -> dict[str, Any] | None:
    """Who the HCP publishes with, and which of them our team engages."""
    return None
