"""The central code iterates over what installed apps declare (``liaison.core.registry``)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core import registry
from liaison.core.models import User

# Today's menu, in its order, for a user who may see everything (compliance).
BUILT_MENU = [
    "Home",
    "Experts",
    "Organizations",
    "Library",
    "Trials",
    "Alerts",
    "Rankings",
    "Inquiries",
    "Adverse events",
    "Jobs",
]
NOT_BUILT = ["Expert insights", "Field work", "Analytics"]


def test_navigation_keeps_the_menu_order(client: Client, compliance: User) -> None:
    client.force_login(compliance)
    labels = [item["label"] for item in client.get("/").context["navigation"]]
    assert [label for label in labels if label in BUILT_MENU] == BUILT_MENU
    assert labels[-1] == "Audit trail"


def test_navigation_shows_only_installed_apps(client: Client, compliance: User) -> None:
    client.force_login(compliance)
    labels = [item["label"] for item in client.get("/").context["navigation"]]
    assert not set(labels) & set(NOT_BUILT)


def test_navigation_marks_the_current_section(client: Client, msl: User) -> None:
    client.force_login(msl)
    navigation = client.get("/directory/hcps/").context["navigation"]
    assert [item["label"] for item in navigation if item["active"]] == ["Experts"]


@pytest.mark.parametrize("entry", registry.navigation(), ids=lambda entry: entry.url_name)
def test_every_navigation_entry_resolves(entry: registry.NavEntry) -> None:
    assert reverse(entry.url_name)


def test_navigation_is_sorted_by_order() -> None:
    orders = [entry.order for entry in registry.navigation()]
    assert orders == sorted(orders)
    assert registry.navigation()[0].url_name == "core:home"


def test_home_counts_what_apps_declare(client: Client, msl: User) -> None:
    client.force_login(msl)
    counts = client.get("/").context["counts"]
    assert [count["label"] for count in counts] == [entry.label for entry in registry.dashboard()]
    assert counts[0] == {
        "label": "Experts (HCPs)",
        "count": 0,
        "editable": 0,
        "url": "/directory/hcps/",
        "link_text": "Browse the experts",
    }
