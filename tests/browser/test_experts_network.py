"""An area's co-authorship network as a person uses it: the drawing renders, hovering a
node lights its ties and shows who it is, the zoom works, a community can be singled
out from the legend, a click opens the HCP, and the table holds the same HCPs; axe-core
on the page and on the HCP's co-authors panel."""

from __future__ import annotations

import re
from typing import Any

import pytest

from liaison.core.models import Role, User
from liaison.directory.models import HCP
from liaison.experts.tests import network_world as world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough browser password"


@pytest.fixture
def network_world(settings: Any) -> dict[str, HCP]:
    """Two research groups of five (each member wrote with the next two), one paper
    across them; Alice's team engages the first group's leader."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    alice = User.objects.create_user(username="alice", password=PASSWORD, role=Role.MSL)
    world.area()
    people: dict[str, HCP] = {}
    for group, city in (("North", "Hamburg"), ("South", "Munich")):
        members = [world.hcp(f"{group}{n}", given="Eva", city=city) for n in range(5)]
        for i, member in enumerate(members):
            people[member.family_name] = member
            for other in members[i + 1 : i + 3]:
                world.paper(member, other, year=2023)
                world.paper(member, other, year=2024)
    world.paper(people["North0"], people["South0"], year=2022)
    world.engage(alice, people["North0"])
    return people


def sign_in(page: Any) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))


def test_the_area_network_is_interactive_and_matches_its_table(
    page: Any, axe: Any, network_world: dict[str, HCP]
) -> None:
    sign_in(page)
    page.goto(f"/experts/network/?area={world.area().pk}")
    svg = page.locator("svg[data-network]")
    svg.wait_for()
    axe.check(page)

    drawn = page.locator("svg[data-network] .network-node")
    assert drawn.count() == 10
    drawn_ids = {drawn.nth(i).get_attribute("data-id") for i in range(drawn.count())}
    rows = page.locator("#network-nodes tbody tr")
    table_ids = {rows.nth(i).get_attribute("data-id") for i in range(rows.count())}
    assert drawn_ids == table_ids == {str(hcp.pk) for hcp in network_world.values()}
    assert page.locator(".network-node.engaged").get_attribute("data-id") == str(
        network_world["North0"].pk
    )

    # Hover: the node and its co-authors light up, the rest fade, the tooltip names it.
    leader = page.locator(f'.network-node[data-id="{network_world["North0"].pk}"]')
    leader.hover()
    tooltip = page.locator(".network-tooltip")
    tooltip.wait_for(state="visible")
    assert "Eva North0" in tooltip.inner_text()
    assert "engaged by our team" in tooltip.inner_text()
    assert "focused" in (svg.get_attribute("class") or "")
    lit = page.locator(".network-node.lit")
    lit_ids = {lit.nth(i).get_attribute("data-id") for i in range(lit.count())}
    expected = {network_world[name].pk for name in ("North0", "North1", "North2", "South0")}
    assert lit_ids == {str(pk) for pk in expected}
    page.mouse.move(2, 2)
    tooltip.wait_for(state="hidden")

    # Zoom with the buttons (and back).
    page.get_by_role("button", name="Zoom in").click()
    assert float(svg.get_attribute("data-scale") or "1") == pytest.approx(1.5)
    page.get_by_role("button", name="Reset").click()
    assert float(svg.get_attribute("data-scale") or "0") == pytest.approx(1.0)

    # The legend singles out a community.
    page.locator(".legend-item").first.click()
    assert "filtered" in (svg.get_attribute("class") or "")
    assert page.locator(".network-node.lit").count() == 5

    page.locator(".legend-item").first.click()
    page.locator(f'.network-node[data-id="{network_world["South3"].pk}"]').click()
    page.wait_for_url(re.compile(rf".*/directory/hcps/{network_world['South3'].pk}/$"))
    panel = page.locator("#network-panel-heading")
    panel.wait_for()
    assert page.locator("svg#ego-panel-svg .network-node").count() == 1 + 3
    axe.check(page)
