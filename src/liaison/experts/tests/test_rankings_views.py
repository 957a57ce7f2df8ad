"""The ranked lists, rising experts, export, area page and recompute in the web."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import Job, User
from liaison.directory.models import HCP, Affiliation, Organization
from liaison.experts import scoring_tasks
from liaison.experts.models import WeightSet
from liaison.experts.services import scoring
from liaison.experts.tests import scoring_world as world

pytestmark = pytest.mark.django_db


def this_year() -> int:
    """Read per test: a module constant goes stale when a run crosses New Year."""
    return timezone.localdate().year


@pytest.fixture
def scored(admin_user: User) -> dict[str, HCP]:
    """Three German experts (one rising, one at the Charité) and a French one."""
    world.area()
    people = {
        "top": world.hcp("Topscorer"),
        "second": world.hcp("Second"),
        "rising": world.hcp("Riser"),
        "french": world.hcp("Francais", country="FR"),
    }
    for year in range(this_year() - 12, this_year() + 1):
        world.publication(people["top"], year=year, types=("Review",))
        world.publication(people["second"], year=year)
    for n in range(8):
        world.publication(people["rising"], year=this_year() - n % 3)
    world.publication(people["french"], year=this_year())
    charite = Organization.objects.create(name="Charité", country="DE", type="hospital")
    Affiliation.objects.create(hcp=people["second"], organization=charite, is_primary=True)
    scoring.score_all(actor=admin_user)
    return people


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def area_id() -> int:
    return world.area().pk


def test_without_an_area_the_page_offers_the_areas_with_counts(
    client: Client, msl: User, scored: dict[str, HCP]
) -> None:
    page = signed_in(client, msl).get(reverse("experts:ranking-list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Melanoma" in text and "Choose an area" in text


def test_the_ranked_list_shows_rank_tier_components_and_institution(
    client: Client, msl: User, scored: dict[str, HCP]
) -> None:
    page = signed_in(client, msl).get(reverse("experts:ranking-list"), {"area": area_id()})
    text = page.content.decode()
    assert text.index("Topscorer") < text.index("Second")
    assert "Tier 1" in text and "Charité" in text
    assert "4 experts found" in text


def test_filters_narrow_the_list(client: Client, msl: User, scored: dict[str, HCP]) -> None:
    client = signed_in(client, msl)
    french = client.get(reverse("experts:ranking-list"), {"area": str(area_id()), "country": "FR"})
    assert "Francais" in french.content.decode()
    assert "Topscorer" not in french.content.decode()
    organization = Organization.objects.get(name="Charité")
    at = client.get(
        reverse("experts:ranking-list"),
        {"area": str(area_id()), "institution": str(organization.pk)},
    )
    assert "Second" in at.content.decode() and "Topscorer" not in at.content.decode()


def test_the_rising_page_lists_rising_experts_with_their_reason(
    client: Client, msl: User, scored: dict[str, HCP]
) -> None:
    page = signed_in(client, msl).get(reverse("experts:rising-list"), {"area": area_id()})
    text = page.content.decode()
    assert "Riser" in text and "Topscorer" not in text
    assert f"points in {this_year() - 2}-{this_year()}" in text


def test_an_htmx_request_gets_the_results_fragment(
    client: Client, msl: User, scored: dict[str, HCP]
) -> None:
    page = signed_in(client, msl).get(
        reverse("experts:ranking-list"), {"area": area_id()}, headers={"HX-Request": "true"}
    )
    text = page.content.decode()
    assert "Topscorer" in text and "<h1>" not in text


def test_csv_export_has_the_filtered_rows(
    client: Client, msl: User, scored: dict[str, HCP]
) -> None:
    response = signed_in(client, msl).get(
        reverse("experts:ranking-export"),
        {"area": str(area_id()), "format": "csv", "country": "DE"},
    )
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Rank in country", "HCP", "HCP id"]
    assert rows[1][1] == "Anna Topscorer"
    assert len(rows) == 4


def test_xlsx_export_opens_as_a_workbook(client: Client, msl: User, scored: dict[str, HCP]) -> None:
    response = signed_in(client, msl).get(
        reverse("experts:ranking-export"), {"area": str(area_id()), "format": "xlsx"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    assert workbook.active is not None
    assert workbook.active.max_row == 5


def test_a_large_export_runs_as_a_download_job(
    client: Client, msl: User, scored: dict[str, HCP], settings: Any
) -> None:
    settings.LIAISON_EXPORT_SYNC_MAX_ROWS = 2
    client = signed_in(client, msl)
    url = f"{reverse('experts:ranking-export')}?area={area_id()}&format=csv"
    offer = client.get(url)
    assert "in the background" in offer.content.decode()
    started = client.post(url)
    job = Job.objects.get(kind=scoring_tasks.EXPORT_KIND)
    assert started["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.owner == msl


def test_an_administrator_saves_weights_as_a_new_version(
    client: Client, admin_user: User, scored: dict[str, HCP]
) -> None:
    client = signed_in(client, admin_user)
    url = reverse("experts:area-weights-edit", args=[area_id()])
    response = client.post(
        url,
        {
            "w:half_life_years": "3",
            "w:position:first": "1.5",
            "new:publication_type:name": "Editorial",
            "new:publication_type:value": "0.2",
            "note": "first authors",
        },
    )
    assert response.status_code == 302
    weight_set = WeightSet.objects.get(area_id=area_id())
    assert weight_set.weights["half_life_years"] == 3
    assert weight_set.weights["position"] == {"first": 1.5}  # the others were emptied
    assert weight_set.weights["publication_type"] == {"Editorial": 0.2}
    assert weight_set.weights["tiers"] == {"1": 5.0, "2": 20.0}  # not posted: kept
    page = client.get(reverse("experts:area-detail", args=[area_id()]))
    assert "first authors" in page.content.decode()


def test_a_wrong_weight_is_shown_naming_it_and_nothing_is_saved(
    client: Client, admin_user: User, scored: dict[str, HCP]
) -> None:
    response = signed_in(client, admin_user).post(
        reverse("experts:area-weights-edit", args=[area_id()]), {"w:half_life_years": "0"}
    )
    assert response.status_code == 400
    assert "half_life_years: must be above 0" in response.content.decode()
    assert not WeightSet.objects.exists()


def test_an_msl_reads_the_weights_but_has_no_form(
    client: Client, msl: User, scored: dict[str, HCP]
) -> None:
    page = signed_in(client, msl).get(reverse("experts:area-detail", args=[area_id()]))
    text = page.content.decode()
    assert "half life years" in text and "Save as a new version" not in text
    refused = client.post(reverse("experts:area-weights-edit", args=[area_id()]), {})
    assert refused.status_code == 403


def test_recompute_starts_a_job_for_insights_leads(
    client: Client, insights_lead: User, scored: dict[str, HCP]
) -> None:
    response = signed_in(client, insights_lead).post(
        reverse("experts:score-recompute"), {"area": area_id()}
    )
    job = Job.objects.get(kind=scoring_tasks.RECOMPUTE_KIND)
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])


def test_the_hcp_profile_shows_the_breakdown_publications_and_trials(
    client: Client, msl: User, scored: dict[str, HCP]
) -> None:
    top = scored["top"]
    page = signed_in(client, msl).get(reverse("directory:hcp-detail", args=[top.pk]))
    text = page.content.decode()
    assert "Expert scores" in text and "Tier 1" in text
    assert "sole author ×1 · review ×1.5" in text  # a contribution's reason
    assert "A study of Melanoma" in text  # the publications list
    assert "Search the library for author Topscorer" in text


def test_the_profile_panel_reads_a_constant_number_of_queries(
    msl: User, scored: dict[str, HCP]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liaison.experts.panels import score_panel

    with CaptureQueriesContext(connection) as few:
        score_panel(msl, scored["french"])
    with CaptureQueriesContext(connection) as many:
        score_panel(msl, scored["top"])
    assert len(many) == len(few)
