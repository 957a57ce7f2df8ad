"""Expert rankings as an insights lead uses them: open Rankings from the menu, pick a
therapeutic area, narrow the list to a country, open an HCP and read the score breakdown
down to the papers and the trial behind it; then ask the site finder for a condition.
axe-core on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from liaison.core.models import Role, User
from liaison.directory.models import HCP, TherapeuticArea
from liaison.experts.services.scoring import score_area
from liaison.experts.tests import scoring_world as world
from liaison.literature.models import Publication
from liaison.trials.models import Trial, TrialSite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough browser password"


@pytest.fixture
def ranking_world(settings: Any) -> dict[str, Any]:
    """Melanoma: two German experts and a French one, scored; Schmidt's papers carry
    titles of their own and she leads a phase 3 trial at the Charité."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    lead = User.objects.create_user(username="iris", password=PASSWORD, role=Role.INSIGHTS_LEAD)
    area = world.area()
    schmidt = world.hcp("Schmidt", given="Anna", country="DE", city="Berlin")
    weber = world.hcp("Weber", given="Jonas", country="DE", city="Hamburg")
    dubois = world.hcp("Dubois", given="Claire", country="FR", city="Lyon")
    rct = world.publication(schmidt, weber, year=2024, types=("Randomized Controlled Trial",))
    review = world.publication(dubois, schmidt, year=2022, types=("Review",))
    world.publication(weber, year=2023)
    world.publication(dubois, year=2021)
    Publication.objects.filter(pk=rct.pk).update(title="Adjuvant nivolumab in stage III melanoma")
    Publication.objects.filter(pk=review.pk).update(title="Melanoma immunotherapy: a review")
    trial = world.trial((schmidt, "PRINCIPAL_INVESTIGATOR"), enrollment=420, start="2023-03-01")
    Trial.objects.filter(pk=trial.pk).update(brief_title="Neoadjuvant therapy in melanoma")
    TrialSite.objects.create(
        trial=trial, position=1, facility="Charité Berlin", city="Berlin", country="Germany"
    )
    score_area(actor=lead, area=area)
    return {
        "area": area,
        "schmidt": schmidt,
        "weber": weber,
        "dubois": dubois,
        "rct": rct,
        "trial": trial,
    }


def sign_in(page: Any) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill("iris")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))


def ranked_names(page: Any) -> list[str]:
    links = page.locator("#results table tbody tr td:nth-child(2) a")
    return [links.nth(i).inner_text() for i in range(links.count())]


def test_an_insights_lead_ranks_filters_and_reads_the_evidence_behind_a_score(
    page: Any, axe: Any, ranking_world: dict[str, Any]
) -> None:
    area: TherapeuticArea = ranking_world["area"]
    schmidt: HCP = ranking_world["schmidt"]
    sign_in(page)

    page.get_by_role("link", name="Rankings", exact=True).click()
    page.wait_for_url(re.compile(r".*/experts/$"))
    axe.check(page)
    page.get_by_role("link", name=area.name).click()
    page.wait_for_url(re.compile(rf".*/experts/\?area={area.pk}$"))
    status = page.locator("#result-count")
    assert "3 experts found" in status.inner_text()
    assert set(ranked_names(page)) == {"Schmidt, Anna", "Weber, Jonas", "Dubois, Claire"}
    axe.check(page)

    # The country filter narrows the list in place (htmx) and says how many remain.
    page.get_by_label("Country", exact=True).select_option("DE")
    page.wait_for_url(re.compile(r".*country=DE.*"))
    page.wait_for_function(
        "() => document.querySelector('#result-count').textContent.includes('2 experts found')"
    )
    names = ranked_names(page)
    assert names[0] == "Schmidt, Anna"  # first author of the RCT and the trial's PI
    assert set(names) == {"Schmidt, Anna", "Weber, Jonas"}
    first_row = page.locator("#results table tbody tr").first
    assert "Tier 1" in first_row.inner_text()
    axe.check(page)

    # The HCP's profile explains the score down to the papers and the trial.
    page.get_by_role("link", name="Schmidt, Anna").click()
    page.wait_for_url(re.compile(rf".*/directory/hcps/{schmidt.pk}/$"))
    panel = page.locator("section[aria-labelledby='expert-score-heading']")
    panel.wait_for()
    assert area.name in panel.locator("table").first.inner_text()
    breakdown = panel.locator("details").first
    breakdown.locator("summary").click()
    rows = breakdown.locator("tbody tr")
    evidence = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any("Adjuvant nivolumab in stage III melanoma" in row for row in evidence)
    assert any("Melanoma immunotherapy: a review" in row for row in evidence)
    assert any(ranking_world["trial"].nct_id in row for row in evidence)
    assert any("RCT" in row and "first author" in row for row in evidence)
    rct_link = breakdown.get_by_role("link", name="Adjuvant nivolumab in stage III melanoma")
    assert rct_link.get_attribute("href") == reverse(
        "literature:publication-detail", args=[ranking_world["rct"].pmid]
    )
    axe.check(page)


def test_the_site_finder_answers_a_condition(
    page: Any, axe: Any, ranking_world: dict[str, Any]
) -> None:
    sign_in(page)
    page.goto(f"/experts/?area={ranking_world['area'].pk}")
    page.get_by_role("link", name="Trial site finder").click()
    page.wait_for_url(re.compile(r".*/experts/sites/$"))
    axe.check(page)

    page.get_by_label("Condition").fill("melanoma")
    page.get_by_role("button", name="Find").click()
    status = page.locator("#result-count")
    status.wait_for()
    assert "1 site and 1 investigator for melanoma" in status.inner_text()
    sites = page.locator("section[aria-labelledby='sites-heading'] table")
    assert "Charité Berlin" in sites.inner_text()
    assert "1 trial in melanoma" in sites.inner_text()
    page.wait_for_url(re.compile(r".*condition=melanoma.*"))
    investigators = page.locator("table", has_text="Anna Schmidt")
    assert "expert score" in investigators.inner_text()
    axe.check(page)
