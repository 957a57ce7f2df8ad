"""The network pages: an area's network (drawing, communities, tables), an HCP's
co-authors, the introductions, and the co-authors panel on the HCP profile."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core.models import User
from liaison.directory.models import HCP
from liaison.experts.tests import network_world as world

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, HCP]:
    """Two groups: Arnold, Berg and Curie (Arnold and Berg: three papers), and Dahl and
    Eder; Berg and Dahl wrote one paper together. Our team engages Curie."""
    found = {
        key: world.hcp(name, city="Berlin")
        for key, name in [
            ("a", "Arnold"),
            ("b", "Berg"),
            ("c", "Curie"),
            ("d", "Dahl"),
            ("e", "Eder"),
        ]
    }
    world.area()
    for year in (2020, 2022, 2024):
        world.paper(found["a"], found["b"], year=year)
    world.paper(found["a"], found["c"], year=2023)
    world.paper(found["b"], found["c"], year=2023)
    world.paper(found["d"], found["e"], year=2024)
    world.paper(found["d"], found["e"], year=2021)
    world.paper(found["b"], found["d"], year=2018)
    return found


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_without_an_area_the_page_offers_the_defined_areas(client: Client, msl: User) -> None:
    world.area()
    page = signed_in(client, msl).get(reverse("experts:network-area"))
    assert page.status_code == 200
    assert "Choose a therapeutic area" in page.content.decode()
    assert "Melanoma</option>" in page.content.decode()


def test_the_area_page_draws_every_hcp_with_its_ties_and_tables(
    client: Client, msl: User, people: dict[str, HCP]
) -> None:
    world.engage(msl, people["c"])
    area = world.area()
    page = signed_in(client, msl).get(reverse("experts:network-area"), {"area": area.pk})
    html = page.content.decode()
    assert page.status_code == 200
    dots = re.findall(r'class="network-node ([^"]*)" data-id="(\d+)"', html)
    assert {int(pk) for _, pk in dots} == {hcp.pk for hcp in people.values()}
    engaged = {int(pk) for classes, pk in dots if "engaged" in classes.split()}
    assert engaged == {people["c"].pk}
    assert len(re.findall(r"<line [^>]*data-source=", html)) == 5
    # The table view holds the same HCPs, and the ties table the same pairs.
    rows = re.findall(r'<tr data-id="(\d+)">', html)
    assert {int(pk) for pk in rows} == {hcp.pk for hcp in people.values()}
    assert "Anna Arnold and Anna Berg: 3 joint papers" in html
    assert "Community 1" in html and "Community 2" in html
    assert "experts/network.js" in html


def test_the_area_page_keeps_the_years_and_the_number_drawn(
    client: Client, msl: User, people: dict[str, HCP]
) -> None:
    area = world.area()
    page = signed_in(client, msl).get(
        reverse("experts:network-area"), {"area": area.pk, "year_from": 2022, "top": 2}
    )
    html = page.content.decode()
    assert len(re.findall(r'<tr data-id="(\d+)">', html)) == 2
    assert "Anna Arnold and Anna Berg: 2 joint papers" in html  # 2022 and 2024
    assert "Anna Berg and Anna Dahl" not in html  # 2018 is before the years asked


def test_the_area_page_names_a_wrong_choice(client: Client, msl: User) -> None:
    area = world.area()
    page = signed_in(client, msl).get(
        reverse("experts:network-area"), {"area": area.pk, "year_from": 2024, "year_to": 2020}
    )
    assert page.status_code == 200
    assert "2020 is before the first year, 2024" in page.content.decode()
    page = client.get(reverse("experts:network-area"), {"area": 99999, "top": 9999})
    html = page.content.decode()
    assert "Select a valid choice" in html
    assert "Ensure this value is less than or equal to 500" in html
    assert "<svg" not in html


def test_the_hcp_page_lists_every_coauthor(
    client: Client, msl: User, people: dict[str, HCP]
) -> None:
    page = signed_in(client, msl).get(reverse("experts:network-hcp", args=[people["b"].pk]))
    html = page.content.decode()
    rows = [int(pk) for pk in re.findall(r'<tr data-id="(\d+)">', html)]
    assert rows == [people["a"].pk, people["c"].pk, people["d"].pk]
    assert "3 co-authors in the directory" in html


def test_the_hcp_page_of_an_unknown_hcp_is_not_found(client: Client, msl: User) -> None:
    assert (
        signed_in(client, msl).get(reverse("experts:network-hcp", args=[98765])).status_code == 404
    )


def test_the_introductions_page_shows_the_chain_and_its_papers(
    client: Client, msl: User, people: dict[str, HCP]
) -> None:
    world.engage(msl, people["a"])
    page = signed_in(client, msl).get(
        reverse("experts:network-introductions", args=[people["e"].pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    chain = re.search(r'<ol class="introductions" id="introductions">(.*?)</ol>', html, re.S)
    assert chain is not None
    text = re.sub(r"<[^>]+>", "", chain.group(1))
    assert "Anna Arnold → Anna Berg: 3 joint papers" in text
    assert "Anna Berg → Anna Dahl: 1 joint paper" in text
    assert "Anna Dahl → Anna Eder: 2 joint papers" in text
    one_hop = client.get(
        reverse("experts:network-introductions", args=[people["e"].pk]), {"max_hops": 1}
    )
    assert 'id="introductions"' not in one_hop.content.decode()
    assert "within 1 hop of co-authorship" in one_hop.content.decode()


def test_the_introductions_page_says_when_the_team_engages_nobody(
    client: Client, msl: User, people: dict[str, HCP]
) -> None:
    page = signed_in(client, msl).get(
        reverse("experts:network-introductions", args=[people["e"].pk])
    )
    assert "Our team engages no HCP yet" in page.content.decode()


def test_the_profile_shows_the_coauthors_panel(
    client: Client, msl: User, people: dict[str, HCP]
) -> None:
    world.engage(msl, people["c"])
    page = signed_in(client, msl).get(reverse("directory:hcp-detail", args=[people["a"].pk]))
    html = page.content.decode()
    panel = html[html.index('id="network-panel-heading"') :]
    assert "2 co-authors in the directory; our team engages 1 of them" in panel
    assert reverse("experts:network-introductions", args=[people["a"].pk]) in panel
    assert f'class="network-node coauthor engaged" data-id="{people["c"].pk}"' in panel


def test_the_profile_panel_of_an_hcp_without_coauthors_says_so(client: Client, msl: User) -> None:
    lonely = world.hcp("Alone")
    page = signed_in(client, msl).get(reverse("directory:hcp-detail", args=[lonely.pk]))
    assert "No co-author in the directory yet" in page.content.decode()
