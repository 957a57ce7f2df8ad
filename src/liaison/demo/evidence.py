"""The demo literature and trial corpus: publications and trials of the demo directory.

:func:`build_evidence` reads the demo HCPs, institutions and products back
from the database, plans trials (:mod:`liaison.demo.trials`) and
publications (:mod:`liaison.demo.literature`) from the seeded generator, and
writes them through the same storing services as real loads: PubMed records
through ``literature.services.store_records``, ClinicalTrials.gov studies
through ``trials.services.load_studies`` (earlier snapshots first, so the
status history is the service's own). Then it links what identity
resolution would find: authorships to their HCPs, trial officials to HCPs
and trial sites to organizations (plain foreign keys: the models have no
link-method field; the next issue's resolution may replace them).

Sizes scale with the directory: about 1.5 publications and 0.075 trials per
HCP (3,000 and 150 for the default 2,000 HCPs), capped at
:data:`MAX_PUBLICATIONS` and :data:`MAX_TRIALS`. Dates are relative to
:data:`AS_OF`, a fixed day, so the same seed gives the same corpus on any day.
Demo records are recognisable by their identifiers: PMIDs from
:data:`~liaison.demo.literature.FIRST_PMID`, NCT IDs ``NCT09...``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from liaison.demo.community import Community, Person, Place
from liaison.demo.literature import (
    FIRST_PMID,
    PlannedPublication,
    plan_publications,
    to_citation,
)
from liaison.demo.trials import NCT_PREFIX, PlannedTrial, ProductInfo, plan_trials
from liaison.directory.models import HCP, Affiliation, Organization, Product
from liaison.literature.models import Authorship, Publication
from liaison.literature.services import LoadReport, store_records
from liaison.trials.models import Trial, TrialOfficial, TrialSite, TrialStatusChange
from liaison.trials.services import load_studies

Progress = Callable[[str, int, int], None]

AS_OF = dt.date(2026, 11, 1)
PUBLICATIONS_PER_HCP = 1.5
TRIALS_PER_HCP = 0.075
MAX_PUBLICATIONS = 20_000
MAX_TRIALS = 600
LAST_DEMO_PMID = 99_999_999
KEY_EXPERTS = "key-experts"


@dataclass(frozen=True, slots=True)
class EvidenceSummary:
    publications: int
    trials: int
    status_changes: int


def sizes(hcps: int) -> tuple[int, int]:
    """(publications, trials) for a directory of ``hcps`` HCPs."""
    if hcps < 1:
        return 0, 0
    publications = min(max(round(hcps * PUBLICATIONS_PER_HCP), 10), MAX_PUBLICATIONS)
    trials = min(max(round(hcps * TRIALS_PER_HCP), 3), MAX_TRIALS)
    return publications, trials


# --- reading the directory ---------------------------------------------------------------------


def read_people() -> list[Person]:
    """The HCPs with a therapeutic area and a current institution, in id order."""
    places = {
        pk: Place(pk, name, city, region, country)
        for pk, name, city, region, country in Organization.objects.values_list(
            "pk", "name", "city", "region", "country"
        )
    }
    areas: dict[int, list[str]] = {}
    for hcp_id, code in HCP.therapeutic_areas.through.objects.order_by("pk").values_list(
        "hcp_id", "therapeuticarea__code"
    ):
        areas.setdefault(hcp_id, []).append(code)
    current: dict[int, list[int]] = {}
    for hcp_id, organization_id in (
        Affiliation.objects.filter(end_date__isnull=True)
        .order_by("-is_primary", "pk")
        .values_list("hcp_id", "organization_id")
    ):
        current.setdefault(hcp_id, []).append(organization_id)
    experts = set(
        HCP.territories.through.objects.filter(territory__code=KEY_EXPERTS).values_list(
            "hcp_id", flat=True
        )
    )
    people = []
    for pk, given, family, suffix, credentials, orcid in HCP.objects.order_by("pk").values_list(
        "pk", "given_name", "family_name", "suffix", "credentials", "orcid"
    ):
        institutions = current.get(pk)
        if not institutions or pk not in areas:
            continue
        people.append(
            Person(
                hcp_id=pk,
                given=given,
                family=family,
                suffix=suffix,
                credentials=tuple(str(item) for item in credentials or ()),
                orcid=orcid or None,
                areas=tuple(areas[pk]),
                place=places[institutions[0]],
                second_place=places[institutions[1]] if len(institutions) > 1 else None,
                key_expert=pk in experts,
            )
        )
    return people


def read_products() -> list[ProductInfo]:
    return [
        ProductInfo(name, generic, company, area, is_own)
        for name, generic, company, area, is_own in Product.objects.filter(
            therapeutic_area__isnull=False
        )
        .order_by("pk")
        .values_list("name", "generic_name", "company", "therapeutic_area__code", "is_own")
    ]


# --- building ----------------------------------------------------------------------------------


def build_evidence(
    rng: random.Random,
    *,
    as_of: dt.date = AS_OF,
    progress: Progress | None = None,
) -> EvidenceSummary:
    """Plan and store the demo trials and publications; see the module's docstring."""
    report = progress or (lambda step, done, total: None)
    people = read_people()
    publication_count, trial_count = sizes(len(people))
    community = Community(people, rng)
    planned_trials = plan_trials(rng, community, read_products(), trial_count, as_of)
    planned = plan_publications(rng, community, planned_trials, publication_count, as_of)

    report("publications", 0, len(planned))
    citations = (to_citation(rng, plan) for plan in planned)

    def on_batch(current: LoadReport) -> None:
        report("publications", current.records, len(planned))

    store_records(citations, on_batch=on_batch)
    _link_authors(planned)

    report("trials", 0, len(planned_trials))
    rounds = max((len(trial.stored) for trial in planned_trials), default=0)
    for number in range(rounds):
        # Round r stores each trial's snapshot r counted from its last, the last round
        # every trial's current one: earlier statuses reach the service first.
        studies = [
            trial.studies()[number - rounds + len(trial.stored)]
            for trial in planned_trials
            if len(trial.stored) >= rounds - number
        ]
        load_studies(actor=None, studies=studies)
    _link_trials(planned_trials)
    changes = _date_status_changes(planned_trials)
    report("trials", len(planned_trials), len(planned_trials))
    return EvidenceSummary(len(planned), len(planned_trials), changes)


def _chunks(items: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _set_foreign_keys(model: type[Model], column: str, pairs: list[tuple[int, int]]) -> None:
    """``UPDATE ... SET column = value WHERE id = pk`` for many ``(value, pk)`` pairs at once."""
    if not pairs:
        return
    quote = connection.ops.quote_name
    sql = f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = %s WHERE {quote('id')} = %s"  # noqa: S608 - quoted names only
    with connection.cursor() as cursor:
        cursor.executemany(sql, pairs)


def _link_authors(planned: list[PlannedPublication]) -> None:
    wanted: dict[tuple[int, int], int] = {}
    for plan in planned:
        for position, person in enumerate(plan.authors, start=1):
            wanted[(plan.pmid, position)] = person.hcp_id
    pmids = [plan.pmid for plan in planned]
    pairs = []
    for chunk in _chunks(pmids):
        for pk, pmid, position, hcp_id in Authorship.objects.filter(
            publication__pmid__in=chunk
        ).values_list("pk", "publication__pmid", "position", "hcp_id"):
            hcp = wanted.get((pmid, position))
            if hcp is not None and hcp != hcp_id:
                pairs.append((hcp, pk))
    _set_foreign_keys(Authorship, "hcp_id", pairs)


def _link_trials(trials: list[PlannedTrial]) -> None:
    officials: dict[tuple[str, int], int] = {}
    sites: dict[tuple[str, int], int] = {}
    for trial in trials:
        for position, (person, _) in enumerate(trial.officials):
            if person is not None:
                officials[(trial.nct_id, position)] = person.hcp_id
        for position, (place, _) in enumerate(trial.sites):
            sites[(trial.nct_id, position)] = place.organization_id
    nct_ids = [trial.nct_id for trial in trials]
    official_pairs = []
    site_pairs = []
    for start in range(0, len(nct_ids), 500):
        chunk = nct_ids[start : start + 500]
        for pk, nct_id, position in TrialOfficial.objects.filter(
            trial__nct_id__in=chunk
        ).values_list("pk", "trial__nct_id", "position"):
            hcp = officials.get((nct_id, position))
            if hcp is not None:
                official_pairs.append((hcp, pk))
        for pk, nct_id, position in TrialSite.objects.filter(trial__nct_id__in=chunk).values_list(
            "pk", "trial__nct_id", "position"
        ):
            organization = sites.get((nct_id, position))
            if organization is not None:
                site_pairs.append((organization, pk))
    _set_foreign_keys(TrialOfficial, "hcp_id", official_pairs)
    _set_foreign_keys(TrialSite, "organization_id", site_pairs)


def _date_status_changes(trials: list[PlannedTrial]) -> int:
    """Date the status changes the loads just recorded as the day after the registry
    posted them (the history happened then, not when the demo was built)."""
    posted = {
        (trial.nct_id, snapshot.status): snapshot.posted
        for trial in trials
        for snapshot in trial.stored
    }
    now = timezone.now()
    nct_ids = [trial.nct_id for trial in trials]
    changes = [
        change
        for chunk in range(0, len(nct_ids), 500)
        for change in TrialStatusChange.objects.filter(
            trial__nct_id__in=nct_ids[chunk : chunk + 500]
        ).select_related("trial")
    ]
    for change in changes:
        day = posted.get((change.trial.nct_id, change.new_status))
        if day is not None:
            seen = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(5), tzinfo=dt.UTC)
            change.seen_at = min(seen, now)
    TrialStatusChange.objects.bulk_update(changes, ["seen_at"], batch_size=500)
    return len(changes)


# --- removing ----------------------------------------------------------------------------------


def clear_evidence() -> None:
    """Remove the demo publications and trials (by their identifier ranges), for ``--force``."""
    demo = Publication.objects.filter(pmid__gte=FIRST_PMID, pmid__lte=LAST_DEMO_PMID)
    ids = list(demo.values_list("pk", flat=True))
    for chunk in _chunks(ids):
        Publication.objects.filter(pk__in=chunk).delete()
    Trial.objects.filter(nct_id__startswith=NCT_PREFIX).delete()
