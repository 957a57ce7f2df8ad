"""What every page shows: the menu entries every installed app declares
(``navigation`` in its ``apps.py``, see ``liaison.core.registry``), by their
order, and administrators' warning about background workers (:func:`worker_alert`).

The menu shows only what exists: an app that is not installed declares nothing.
An entry naming a URL that does not resolve is a mistake of its app's and
raises, as it does in the tests.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse
from django.utils.module_loading import import_string

from liaison.core import policy, registry, selectors


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not policy.is_member(user):
        return {"navigation": []}
    items = []
    for entry in registry.navigation():
        if entry.model is not None and not selectors.may_view_any(
            user, apps.get_model(entry.model)
        ):
            continue
        url = reverse(entry.url_name)
        active = request.path == url if url == "/" else request.path.startswith(url)
        item: dict[str, Any] = {"label": entry.label, "url": url, "active": active}
        if entry.counter is not None:
            item["count_id"] = entry.count_id
            item["count_label"] = entry.count_label
            item["count"] = import_string(entry.counter)(user)
        items.append(item)
    return {"navigation": items}


def worker_alert(request: HttpRequest) -> dict[str, Any]:
    """Administrators see, on every page, when no background worker is alive while
    work waits, or when the workers stopped (``liaison.core.workers``)."""
    from liaison.core.workers import worker_alert as alert

    user = getattr(request, "user", None)
    if user is None or not policy.is_admin(user):
        return {}
    return {"worker_alert": alert()}
