"""The trials' part of the demo world (see ``liaison.core.demo``).

Two steps, declared in ``liaison.trials.apps``, around the literature's:

* ``trial plans`` (order 300): plans the trials of the demo products at the
  community's institutions (:mod:`.plans`, drawing from the generator before
  the publications do) and leaves what their publications may state
  (``directory.demo.evidence.TRIALS``);
* ``trials`` (order 500, after the publications): stores them through
  ``trials.services.load_studies`` as ClinicalTrials.gov studies naming their
  publications' PMIDs, earlier snapshots first, so the status history is the
  service's own; then links each site to the demo organization it is (a plain
  foreign key) and dates the status changes when the registry posted them.
  It links no official to an HCP: that is identity resolution's work (the
  experts step, order 650); the planned truth, the HCP behind each official,
  is left in :data:`PLANNED_OFFICIALS` for it to be measured against.

About 0.075 trials per HCP (150 for the default 2,000 HCPs), at least 3, at
most :data:`MAX_TRIALS`. Demo NCT IDs are ``NCT09...``
(:data:`~.plans.NCT_PREFIX`).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from liaison.core.demo import DemoContext, Slot, chunks, set_foreign_keys
from liaison.directory.demo.evidence import AS_OF, COMMUNITY, REFERENCES, TRIALS
from liaison.directory.models import Product
from liaison.trials.demo.plans import NCT_PREFIX, PlannedTrial, ProductInfo, plan_trials
from liaison.trials.models import Trial, TrialSite, TrialStatusChange
from liaison.trials.services import load_studies

TRIALS_PER_HCP = 0.075
MAX_TRIALS = 600

PLANNED = Slot[list[PlannedTrial]]("planned trials")
#: The planned truth: the HCP id behind each overall official, by ``(NCT ID,
#: position)`` (0-based, as ``TrialOfficial.position``); officials who are not demo
#: HCPs have no entry.
PLANNED_OFFICIALS = Slot[dict[tuple[str, int], int]]("planned officials")


def trial_count(people: int) -> int:
    """How many trials a community of ``people`` HCPs runs."""
    if people < 1:
        return 0
    return min(max(round(people * TRIALS_PER_HCP), 3), MAX_TRIALS)


def read_products() -> list[ProductInfo]:
    return [
        ProductInfo(name, generic, company, area, is_own)
        for name, generic, company, area, is_own in Product.objects.filter(
            therapeutic_area__isnull=False
        )
        .order_by("pk")
        .values_list("name", "generic_name", "company", "therapeutic_area__code", "is_own")
    ]


def plan(context: DemoContext) -> None:
    """The ``trial plans`` step: see the module's docstring."""
    community = context.take(COMMUNITY)
    planned = plan_trials(
        context.rng, community, read_products(), trial_count(len(community)), AS_OF
    )
    context.leave(PLANNED, planned)
    context.leave(TRIALS, [trial.facts() for trial in planned])


def build(context: DemoContext) -> None:
    """The ``trials`` step: see the module's docstring."""
    planned = context.take(PLANNED)
    references = context.get(REFERENCES, {})
    for trial in planned:
        trial.references = references.get(trial.nct_id, [])
    context.progress("trials", 0, len(planned))
    rounds = max((len(trial.stored) for trial in planned), default=0)
    for number in range(rounds):
        # Round r stores each trial's snapshot r counted from its last, the last round
        # every trial's current one: earlier statuses reach the service first.
        studies = [
            trial.studies()[number - rounds + len(trial.stored)]
            for trial in planned
            if len(trial.stored) >= rounds - number
        ]
        load_studies(actor=None, studies=studies)
    _link_sites(planned)
    context.leave(PLANNED_OFFICIALS, planned_officials(planned))
    _date_status_changes(planned)
    context.progress("trials", len(planned), len(planned))
    context.counts["trials"] = len(planned)


def clear(context: DemoContext) -> None:
    """Remove the demo trials (by their NCT IDs; evidence is not audited)."""
    Trial.objects.filter(nct_id__startswith=NCT_PREFIX).delete()


def planned_officials(trials: list[PlannedTrial]) -> dict[tuple[str, int], int]:
    """The HCP each planned overall official is, by ``(NCT ID, position)``."""
    return {
        (trial.nct_id, position): person.hcp_id
        for trial in trials
        for position, (person, _) in enumerate(trial.officials)
        if person is not None
    }


def _link_sites(trials: list[PlannedTrial]) -> None:
    sites: dict[tuple[str, int], int] = {}
    for trial in trials:
        for position, (place, _) in enumerate(trial.sites):
            sites[(trial.nct_id, position)] = place.organization_id
    site_pairs = []
    for chunk in chunks([trial.nct_id for trial in trials]):
        for pk, nct_id, position in TrialSite.objects.filter(trial__nct_id__in=chunk).values_list(
            "pk", "trial__nct_id", "position"
        ):
            organization = sites.get((nct_id, position))
            if organization is not None:
                site_pairs.append((organization, pk))
    set_foreign_keys(TrialSite, "organization_id", site_pairs)


def _date_status_changes(trials: list[PlannedTrial]) -> int:
    """Date the status changes the loads just recorded as the day after the registry
    posted them (the history happened then, not when the demo was built)."""
    posted = {
        (trial.nct_id, snapshot.status): snapshot.posted
        for trial in trials
        for snapshot in trial.stored
    }
    now = timezone.now()
    changes = [
        change
        for chunk in chunks([trial.nct_id for trial in trials])
        for change in TrialStatusChange.objects.filter(trial__nct_id__in=chunk).select_related(
            "trial"
        )
    ]
    for change in changes:
        day = posted.get((change.trial.nct_id, change.new_status))
        if day is not None:
            seen = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(5), tzinfo=dt.UTC)
            change.seen_at = min(seen, now)
    TrialStatusChange.objects.bulk_update(changes, ["seen_at"], batch_size=500)
    return len(changes)
