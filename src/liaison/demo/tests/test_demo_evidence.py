"""The demo literature and trial corpus: deterministic from the seed, sized by the
directory, authored by the demo HCPs in co-author communities, trials at demo
institutions with a status history, stored through the real storing services."""

from __future__ import annotations

import datetime as dt
import random
import re
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone

from liaison.core.models import User
from liaison.demo.world import build_demo
from liaison.directory.demo import evidence, topics
from liaison.directory.demo import hcps as directory
from liaison.directory.demo.community import Community, Person, Place
from liaison.directory.demo.products import PRODUCTS as PRODUCT_ROWS
from liaison.directory.models import HCP, Organization
from liaison.lib.text import fold
from liaison.literature.demo import LAST_DEMO_PMID, MAX_PUBLICATIONS, publication_count
from liaison.literature.demo.citations import to_citation
from liaison.literature.demo.publications import (
    FIRST_PMID,
    PlannedPublication,
    plan_publications,
    references,
)
from liaison.literature.models import Authorship, Publication, PublicationTrial
from liaison.literature.selectors import PublicationFilters, publication_queryset
from liaison.trials.demo import MAX_TRIALS, trial_count
from liaison.trials.demo.plans import PlannedTrial, ProductInfo, plan_trials
from liaison.trials.models import Trial, TrialOfficial, TrialSite, TrialStatusChange

AS_OF = evidence.AS_OF
SMALL = 200
TRIAL_KINDS = ("trial_results", "trial_secondary", "trial_design")


def people(seed: int, count: int) -> list[Person]:
    """The planned demo HCPs as the generators see them (ids numbered from 1)."""
    rng = random.Random(seed)
    organizations = directory.plan_organizations(rng)
    places = [
        Place(number, plan.name, plan.city, plan.region, plan.country)
        for number, plan in enumerate(organizations, start=1)
    ]
    result = []
    for number, plan in enumerate(directory.plan_hcps(rng, count, organizations), start=1):
        current = [item.organization for item in plan.affiliations if item.end_date is None]
        result.append(
            Person(
                hcp_id=number,
                given=plan.given_name,
                family=plan.family_name,
                suffix=plan.suffix,
                credentials=plan.credentials,
                orcid=plan.orcid,
                areas=plan.therapeutic_areas,
                place=places[current[0]],
                second_place=places[current[1]] if len(current) > 1 else None,
                key_expert=plan.key_expert,
            )
        )
    return result


PRODUCTS = [
    ProductInfo(name, generic, company, area, ours)
    for name, generic, company, ours, area, _ in PRODUCT_ROWS
]


def sizes(hcps: int) -> tuple[int, int]:
    """(publications, trials) of a directory of ``hcps`` HCPs."""
    return publication_count(hcps), trial_count(hcps)


def corpus(
    seed: int, count: int = 600
) -> tuple[Community, list[PlannedTrial], list[PlannedPublication]]:
    rng = random.Random(seed)
    community = Community(people(42, count), rng)
    publications, trial_total = sizes(count)
    trials = plan_trials(rng, community, PRODUCTS, trial_total, AS_OF)
    facts = [trial.facts() for trial in trials]
    planned = plan_publications(rng, community, facts, publications, AS_OF)
    cited = references(planned)
    for trial in trials:
        trial.references = cited.get(trial.nct_id, [])
    return community, trials, planned


@pytest.fixture(scope="module")
def planned() -> tuple[Community, list[PlannedTrial], list[PlannedPublication]]:
    return corpus(42)


# --- planning (no database) --------------------------------------------------------------------


def test_same_seed_gives_the_same_pmids_titles_and_nct_ids() -> None:
    def head(seed: int) -> tuple[list[tuple[int, str]], list[str]]:
        rng = random.Random(seed)
        _, trials, publications = corpus(seed, 300)
        first = [to_citation(rng, plan) for plan in publications[:20]]
        return [(item.pmid, item.title or "") for item in first], [t.nct_id for t in trials]

    assert head(42) == head(42)
    assert head(42) != head(7)


def test_corpus_scales_with_the_directory_and_is_capped() -> None:
    assert sizes(2000) == (3000, 150)
    assert sizes(200) == (300, 15)
    assert sizes(100_000) == (MAX_PUBLICATIONS, MAX_TRIALS)
    _, trials, publications = corpus(42, 300)
    assert (len(publications), len(trials)) == sizes(300)


def test_publication_identifiers_rise_with_the_date_in_the_demo_range(planned: Any) -> None:
    _, trials, publications = planned
    pmids = [plan.pmid for plan in publications]
    assert pmids == sorted(pmids) and len(set(pmids)) == len(pmids)
    assert pmids[0] > FIRST_PMID and pmids[-1] <= LAST_DEMO_PMID
    dates = [plan.published for plan in publications]
    assert dates == sorted(dates)
    assert AS_OF - dt.timedelta(days=3660) <= dates[0] and dates[-1] <= AS_OF
    assert len({day.year for day in dates}) >= 10
    assert all(re.fullmatch(r"NCT09\d{6}", trial.nct_id) for trial in trials)


def test_coauthors_cluster_by_therapeutic_area_and_place(planned: Any) -> None:
    _, _, publications = planned
    same_area = same_place = pairs = 0
    for plan in publications:
        if plan.kind in TRIAL_KINDS:
            continue
        assert 3 <= len(plan.authors) <= 12
        for first, second in combinations(plan.authors, 2):
            pairs += 1
            same_area += bool(set(first.areas) & set(second.areas))
            same_place += first.place == second.place or first.place.country == second.place.country
    assert pairs > 1000
    assert same_area / pairs > 0.85
    # Pairs drawn at random from the directory share a country about 15% of the time.
    assert same_place / pairs > 0.5


def test_authorship_is_heavy_tailed(planned: Any) -> None:
    _, _, publications = planned
    counts: dict[int, int] = {}
    for plan in publications:
        for person in plan.authors:
            counts[person.hcp_id] = counts.get(person.hcp_id, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    assert ranked[0] >= 5 * ranked[len(ranked) // 2]


def test_trials_span_statuses_and_phases_with_dates_that_agree(planned: Any) -> None:
    _, trials, _ = planned
    statuses = {trial.status for trial in trials}
    assert {"RECRUITING", "COMPLETED", "ACTIVE_NOT_RECRUITING", "NOT_YET_RECRUITING"} <= statuses
    assert len(statuses) >= 7
    phases = {phase for trial in trials for phase in trial.phases}
    assert {"PHASE1", "PHASE2", "PHASE3", "PHASE4"} <= phases
    assert any(not trial.interventional for trial in trials)
    assert any(len(trial.stored) > 1 for trial in trials)
    for trial in trials:
        posted = [snapshot.posted for snapshot in trial.stored]
        assert posted == sorted(posted) and posted[-1] <= AS_OF
        if trial.status == "NOT_YET_RECRUITING":
            assert trial.start > AS_OF
        if trial.status in ("COMPLETED", "TERMINATED"):
            assert trial.completion < AS_OF and trial.start < trial.completion
        if trial.status == "RECRUITING":
            assert trial.start <= AS_OF < trial.primary_completion


def test_trials_are_sponsored_by_the_product_companies_and_name_the_products(
    planned: Any,
) -> None:
    _, trials, _ = planned
    companies = {product.company for product in PRODUCTS}
    for trial in trials:
        study = trial.studies()[-1]
        sponsors = {study.lead_sponsor.name if study.lead_sponsor else None}
        sponsors |= {item.name for item in study.collaborators}
        assert companies & sponsors
        names = {name for item in study.interventions for name in (item.name, *item.other_names)}
        assert trial.product.name in names and trial.product.generic.capitalize() in names
    assert {trial.sponsor.sponsor_class for trial in trials} >= {"INDUSTRY", "OTHER"}


def test_trial_sites_are_institutions_that_fit_the_area(planned: Any) -> None:
    _, trials, _ = planned
    places = [(trial.area, place.name) for trial in trials for place, _ in trial.sites]
    assert len(places) > 100
    misfits = [name for area, name in places if topics.area_affinity(name, area) < 1]
    assert len(misfits) / len(places) < 0.05
    assert topics.area_affinity("Herzzentrum Leipzig", "oncology") < 1
    assert topics.area_affinity("Herzzentrum Leipzig", "cardiology") > 1


def test_trial_publications_are_written_by_its_investigators(planned: Any) -> None:
    _, trials, publications = planned
    by_nct = {trial.nct_id: trial for trial in trials}
    linked = [plan for plan in publications if plan.trial]
    assert linked
    for plan in linked:
        trial = by_nct[plan.trial]
        investigators = {person.hcp_id for _, person in trial.sites}
        investigators |= {person.hcp_id for person, _ in trial.officials if person}
        assert {person.hcp_id for person in plan.authors} <= investigators
        assert plan.pmid in [reference.pmid for reference in trial.references]
        types = {item.name for item in to_citation(random.Random(1), plan).publication_types}
        if "PHASE3" not in trial.phases:
            assert "Clinical Trial, Phase III" not in types


def test_mesh_terms_are_the_areas_real_descriptors(planned: Any) -> None:
    _, _, publications = planned
    rng = random.Random(1)
    for plan in publications[:400]:
        citation = to_citation(rng, plan)
        uis = {heading.ui for heading in citation.mesh}
        assert all(ui and re.fullmatch(r"D\d{6,9}", ui) for ui in uis)
        if plan.kind not in ("editorial", "letter"):
            area = {item.ui for item in topics.area_descriptors(plan.area)}
            assert uis & area
        for author in citation.authors:
            if author.collective is None:
                assert author.affiliations and author.family and author.given


# --- stored through the services -----------------------------------------------------------------


@pytest.fixture
def world(db: None, tmp_path: Path, settings: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_demo(seed=42, hcps=SMALL, data_dir=tmp_path)


def test_demo_stores_publications_authored_by_its_hcps(world: Any) -> None:
    assert Publication.objects.count() == sizes(SMALL)[0]
    people_authors = Authorship.objects.filter(collective="")
    assert people_authors.exists()
    # The links are identity resolution's (the experts step; its own demo test measures
    # them against the plan): most authors are linked, each to an HCP of their name.
    linked = people_authors.filter(hcp__isnull=False)
    assert linked.count() >= 0.85 * people_authors.count()
    hcps = HCP.objects.in_bulk()
    for authorship in linked.order_by("pk")[:500]:
        assert authorship.hcp_id is not None
        assert fold(authorship.family) == fold(hcps[authorship.hcp_id].family_name)
    # An ORCID iD links on load, to the HCP holding it.
    with_orcid = people_authors.exclude(orcid="")
    assert with_orcid.exists()
    for authorship in with_orcid[:200]:
        assert authorship.hcp_id is not None
        assert hcps[authorship.hcp_id].orcid == authorship.orcid
    # Every publication naming a trial names a demo trial.
    named = set(PublicationTrial.objects.values_list("nct_id", flat=True))
    assert named and named <= set(Trial.objects.values_list("nct_id", flat=True))


def test_demo_trials_have_sites_at_demo_organizations_and_hcp_officials(world: Any) -> None:
    assert Trial.objects.count() == sizes(SMALL)[1]
    sites = TrialSite.objects.select_related("organization")
    assert sites.exists() and not sites.filter(organization__isnull=True).exists()
    for site in sites:
        assert site.organization is not None
        assert (site.facility, site.city) == (site.organization.name, site.organization.city)
    assert Organization.objects.filter(trial_sites__isnull=False).distinct().count() > 5
    # Officials are linked by identity resolution (the experts step), each to their HCP.
    officials = TrialOfficial.objects.filter(hcp__isnull=False).select_related("hcp")
    assert officials.exists()
    for official in officials:
        assert official.hcp is not None and official.name.startswith(official.hcp.full_name)
    people = TrialOfficial.objects.exclude(role="STUDY_DIRECTOR")
    assert people.filter(hcp__isnull=False).count() >= 0.8 * people.count()


def test_demo_trials_carry_a_dated_status_history(world: Any) -> None:
    changes = TrialStatusChange.objects.select_related("trial")
    assert changes.exists()
    for change in changes:
        assert change.old_status != change.new_status
        assert change.seen_at <= timezone.now()
        assert change.seen_at.date() <= evidence.AS_OF + dt.timedelta(days=1)
    assert any(change.new_status == change.trial.overall_status for change in changes)


def test_library_search_finds_demo_publications(world: Any) -> None:
    msl = User.objects.get(username="msl")
    found = publication_queryset(msl, PublicationFilters(q="lung cancer"))
    assert found.exists()
    assert all("lung" in (p.title + p.abstract_text).lower() for p in found[:20])
    by_mesh = publication_queryset(msl, PublicationFilters(mesh="D002289"))
    assert by_mesh.exists()
    with_trial = publication_queryset(msl, PublicationFilters(has_trial=True))
    assert with_trial.exists()
    hcp = Authorship.objects.filter(hcp__isnull=False).values_list("family", flat=True).first()
    assert hcp and publication_queryset(msl, PublicationFilters(author=hcp)).exists()


def test_forced_rebuild_replaces_the_corpus(world: Any, tmp_path: Path) -> None:
    build_demo(seed=42, hcps=60, data_dir=tmp_path, force=True)
    assert Publication.objects.count() == sizes(60)[0]
    assert Trial.objects.count() == sizes(60)[1]
    assert not Authorship.objects.filter(collective="", hcp__isnull=True).exists()
    assert not TrialSite.objects.filter(Q(organization__isnull=True)).exists()
