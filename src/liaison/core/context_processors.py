"""Navigation shown on every page: one entry per module that is built."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from liaison.core import policy
from liaison.core.models import AuditEvent, Job

# (label, url name, model whose "view" right shows the entry, or None for any member)
NAVIGATION: list[tuple[str, str, type | None]] = [
    ("Home", "core:home", None),
    ("Experts", "directory:hcp-list", None),
    ("Organizations", "directory:organization-list", None),
    ("Jobs", "core:job-list", Job),
    ("Audit trail", "core:audit-list", AuditEvent),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not policy.is_member(user):
        return {"navigation": []}
    items = []
    for label, url_name, model in NAVIGATION:
        if model is AuditEvent and not policy.can(user, "view", AuditEvent(pk=0)):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue  # a module not built yet is absent, not a dead link
        items.append(
            {"label": label, "url": url, "active": request.path.startswith(url) and url != "/"}
        )
    return {"navigation": items}
