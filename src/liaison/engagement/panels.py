"""Engagement's panels on other apps' record pages (``record_panels`` in ``apps.py``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from liaison.core import policy
from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.engagement.interaction_selectors import engaged_by_team
from liaison.engagement.models import Interaction


def hcp_engagement(user: User, hcp: HCP) -> dict[str, Any] | None:
    """ "Engaged by our team" on the HCP profile: who met this HCP, when, by which
    channel (what every member may ``view``), newest first, and a link to log an
    interaction with them for whoever may. Three queries at most."""
    if not policy.grants_any(user, "view", Interaction):
        return None
    rows, total = engaged_by_team(user, hcp)
    may_add = policy.can(user, "add", Interaction)
    return {
        "interactions": rows,
        "total": total,
        "more_url": f"{reverse('engagement:interaction-list')}?hcp={hcp.pk}",
        "log_url": f"{reverse('engagement:interaction-create')}?hcp={hcp.pk}" if may_add else "",
    }
