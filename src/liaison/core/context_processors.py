"""Navigation shown on every page: one entry per module of DESIGN.md that is built.

An entry whose URL name does not resolve yet (its app is not built or not
installed) is left out, so the menu never shows a dead link; a module adds its
page by giving it the URL name listed here.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from liaison.core import policy, selectors
from liaison.core.models import AuditEvent

# (label, URL name, model the user must be able to view — None for every member)
NAVIGATION: list[tuple[str, str, type[models.Model] | None]] = [
    ("Home", "core:home", None),
    ("Experts", "directory:hcp-list", None),
    ("Organizations", "directory:organization-list", None),
    ("Library", "literature:publication-list", None),
    ("Trials", "trials:trial-list", None),
    ("Alerts", "surveillance:alert-list", None),
    ("Expert insights", "experts:expert-list", None),
    ("Field work", "engagement:interaction-list", None),
    ("Inquiries", "medinfo:inquiry-list", None),
    ("Adverse events", "safety:case-list", None),
    ("Compliance", "compliance:transfer-list", None),
    ("Analytics", "analytics:dashboard", None),
    ("Appraisal", "appraisal:analysis-list", None),
    ("Jobs", "core:job-list", None),
    ("Audit trail", "core:audit-list", AuditEvent),
]


# Entries that show a count beside their label: URL name -> (element id, dotted path of a
# function user -> int). Each runs on every page, so it must be one cheap query; named
# by path so core does not import the apps it links to.
COUNTS: dict[str, tuple[str, str]] = {
    "surveillance:alert-list": ("nav-count-alerts", "liaison.surveillance.selectors.unread_count"),
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not policy.is_member(user):
        return {"navigation": []}
    items = []
    for label, url_name, model in NAVIGATION:
        if model is not None and not selectors.may_view_any(user, model):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue  # a module not built yet is absent, not a dead link
        active = request.path == url if url == "/" else request.path.startswith(url)
        item: dict[str, Any] = {"label": label, "url": url, "active": active}
        if url_name in COUNTS:
            item["count_id"], counter = COUNTS[url_name]
            item["count"] = import_string(counter)(user)
        items.append(item)
    return {"navigation": items}
