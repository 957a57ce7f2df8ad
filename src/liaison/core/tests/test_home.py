"""The home page's panels: what installed apps declare in ``home_panels``, in order,
each rendered with the context its function gives for the signed-in user."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils.module_loading import import_string

from liaison.core import registry
from liaison.core.models import User

pytestmark = pytest.mark.django_db


def test_home_shows_the_declared_panels_in_order(client: Client, msl: User) -> None:
    client.force_login(msl)
    page = client.get("/")
    names = [panel["name"] for panel in page.context["panels"]]
    # A panel for another role (a manager's, an insights lead's) answers None for an MSL.
    shown = [p for p in registry.home_panels() if import_string(p.context)(msl) is not None]
    assert names == [panel.name for panel in shown]
    assert names[:3] == ["alerts", "watches", "references"]
    html = page.content.decode()
    positions = [
        html.index(heading)
        for heading in ("New alerts", "Your watches", "Recently added references", "Latest jobs")
    ]
    assert positions == sorted(positions)


def test_a_panel_whose_function_answers_none_is_left_out(
    client: Client, msl: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    panels = [
        registry.HomePanel("nothing", "never/rendered.html", f"{__name__}.nothing", order=1),
        registry.HomePanel(
            "empty", "literature/home_panels.html#references", f"{__name__}.empty", order=2
        ),
    ]
    monkeypatch.setattr(registry, "home_panels", lambda: panels)
    client.force_login(msl)

    page = client.get("/")

    assert [panel["name"] for panel in page.context["panels"]] == ["empty"]
    assert "You have not added any references yet." in page.content.decode()


def nothing(user: User) -> None:
    return None


def empty(user: User) -> dict[str, Any]:
    return {"items": [], "count": 0}


def test_home_panels_are_sorted_by_order() -> None:
    orders = [panel.order for panel in registry.home_panels()]
    assert orders == sorted(orders)
