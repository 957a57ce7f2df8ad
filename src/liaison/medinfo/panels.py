"""Medical information's panels on other apps' record pages (``record_panels`` in
``apps.py``): an HCP's inquiry history, and the inquiries taken from an interaction.
Both read through the policy: a user sees the inquiries they may see, no others."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from liaison.core import policy
from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.engagement.models import Interaction
from liaison.medinfo import selectors
from liaison.medinfo.models import Inquiry

#: Inquiries a panel lists before linking to the rest.
SHOWN = 10


def hcp_inquiries(user: User, hcp: HCP) -> dict[str, Any] | None:
    """ "Medical inquiries" on the HCP profile: the inquiries this HCP made that the
    user may see, latest first, and a link to take a new one. Two queries."""
    if not policy.grants_any(user, "view", Inquiry):
        return None
    inquiries = selectors.inquiries_of_hcp(user, hcp)
    rows = list(inquiries[:SHOWN])
    may_add = policy.can(user, "add", Inquiry)
    return {
        "inquiries": rows,
        "total": len(rows) if len(rows) < SHOWN else inquiries.count(),
        "take_url": f"{reverse('medinfo:inquiry-create')}?hcp={hcp.pk}" if may_add else "",
    }


def interaction_inquiries(user: User, interaction: Interaction) -> dict[str, Any] | None:
    """ "Medical inquiries" on an interaction's page: the inquiries taken from it that
    the user may see, and the link that takes one from it in one step (for whoever
    may read the interaction and take inquiries)."""
    if not policy.grants_any(user, "view", Inquiry):
        return None
    rows = list(
        policy.scope(user, "view", Inquiry)
        .filter(interaction=interaction)
        .select_related("product")
        .order_by("received_at", "pk")
    )
    may_take = policy.can(user, "add", Inquiry) and policy.can(user, "read", interaction)
    query = f"?interaction={interaction.pk}"
    return {
        "inquiries": rows,
        "take_url": f"{reverse('medinfo:inquiry-create')}{query}" if may_take else "",
    }
