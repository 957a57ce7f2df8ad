"""The experts' part of the demo world: resolve the demo corpus's authors and
investigators, then score every therapeutic area (order 650, after the
publications 400, the trials 500 and the watches 600; before engagement 700).

The step, in order:

1. gives every demo therapeutic area an :class:`AreaDefinition` naming the MeSH
   descriptors the demo's publications carry for it (the area's root and its
   conditions', ``directory.demo.topics.area_descriptors``) and the conditions
   its trials are registered under, and a :class:`WeightSet` v1 (the defaults);
2. runs identity resolution over the whole library and registry
   (``services.resolution.resolve_library``, as the system): the literature and
   trials steps linked no author and no official to an HCP (only the load's
   ORCID iD matches), so every other link the demo shows is the resolver's;
3. scores every area (its publications, trials and co-authorship network), so
   ranked and rising experts, networks, introductions and the site finder have
   something to show on first run;
4. measures the resolver against the plan's truth the earlier steps left
   (:data:`~liaison.literature.demo.PLANNED_AUTHORS`,
   :data:`~liaison.trials.demo.PLANNED_OFFICIALS`) and leaves the figures in
   :data:`RECOVERY` (and in the command's counts).

Everything is written as the system (audited "demo"); the same seed gives the
same world (the resolver and the scores are deterministic).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from liaison.core import audit
from liaison.core.demo import DemoContext, Slot, chunks, delete_audited
from liaison.directory.demo import AREAS, topics
from liaison.directory.models import TherapeuticArea
from liaison.experts.models import (
    AreaDefinition,
    Discovery,
    ExpertScore,
    MentionDecision,
    PersonDecision,
    Proposal,
    ResolutionRun,
    ScoreContribution,
    WeightSet,
    default_weights,
)
from liaison.experts.services import scoring as scoring_service
from liaison.experts.services.resolution import resolve_library
from liaison.literature.demo import PLANNED_AUTHORS
from liaison.literature.models import Authorship
from liaison.trials.demo import PLANNED_OFFICIALS
from liaison.trials.models import TrialOfficial

#: How each resolution stage is named on the demo's progress bars.
STAGES = {
    "mentions": "reading authors",
    "resolve": "resolving people",
    "people": "placing people",
    "links": "linking authors",
}
SCORING = "scoring experts"

K = TypeVar("K", int, str)


@dataclass(frozen=True, slots=True)
class Recovery:
    """How much of the plan's truth the resolver recovered.

    ``planned``: mentions whose HCP the plan knows; ``found``: linked to that HCP;
    ``wrong``: linked to another HCP (a discovered one included); the rest is
    unlinked. ``by_orcid``: the planned mentions carrying the HCP's ORCID iD (the
    load links those, certain, before any resolution)."""

    planned: int
    found: int
    wrong: int
    by_orcid: int

    @property
    def recall(self) -> float:
        return self.found / self.planned if self.planned else 1.0

    @property
    def precision(self) -> float:
        linked = self.found + self.wrong
        return self.found / linked if linked else 1.0

    @property
    def recall_without_orcid(self) -> float:
        """Recall over the mentions the load could not link by ORCID iD."""
        rest = self.planned - self.by_orcid
        return (self.found - self.by_orcid) / rest if rest else 1.0


#: The resolver's recovery of the planned links: authors, and trial officials.
RECOVERY = Slot[dict[str, Recovery]]("experts recovery")


def build(context: DemoContext) -> None:
    """The ``experts`` step: see the module's docstring."""
    areas = context.get(AREAS, {})
    define_areas(areas.values())

    def report(stage: str, done: int, total: int) -> None:
        context.progress(STAGES.get(stage, stage), done, total)

    run = resolve_library(actor=None, report=report)
    context.counts["discovered experts"] = run.discovered
    context.counts["resolution proposals"] = run.proposals

    chosen = list(scoring_service.scored_areas())
    context.progress(SCORING, 0, len(chosen))
    for done, area in enumerate(chosen, start=1):
        scoring_service.score_area(actor=None, area=area)  # as the system
        context.progress(SCORING, done, len(chosen))
    context.counts["expert scores"] = ExpertScore.objects.count()

    authors: dict[tuple[int, int], int] = context.get(PLANNED_AUTHORS, {})
    officials: dict[tuple[str, int], int] = context.get(PLANNED_OFFICIALS, {})
    recovery = {
        "authors": authors_recovered(authors),
        "officials": officials_recovered(officials),
    }
    context.leave(RECOVERY, recovery)


def clear(context: DemoContext) -> None:
    """Remove what the step made: scores, the resolution's records and the area
    definitions (audited where the app audits them). The HCPs it discovered go
    with the directory's step; the links it made with the evidence."""
    ScoreContribution.objects.all().delete()
    ExpertScore.objects.all().delete()
    for model in (Proposal, MentionDecision, PersonDecision, Discovery):
        delete_audited(model.objects.all())
    ResolutionRun.objects.all().delete()
    delete_audited(WeightSet.objects.all())
    delete_audited(AreaDefinition.objects.all())


# --- areas -------------------------------------------------------------------------------------


def area_terms(code: str) -> tuple[list[str], list[str]]:
    """The MeSH descriptor names and the registry's condition names of demo area ``code``
    (what the demo's publications and trials carry for it)."""
    mesh = [descriptor.name for descriptor in topics.area_descriptors(code)]
    conditions = [condition.registry_name for condition in topics.AREAS_BY_CODE[code].conditions]
    return list(dict.fromkeys(mesh)), list(dict.fromkeys(conditions))


def define_areas(areas: Iterable[TherapeuticArea]) -> None:
    """An evidence definition and a weight set v1 (the defaults) for each demo area."""
    for area in sorted(areas, key=lambda item: item.code):
        if area.code not in topics.AREAS_BY_CODE:
            continue
        mesh, conditions = area_terms(area.code)
        audit.create_record(
            actor=None,
            instance=AreaDefinition(area=area, mesh_terms=mesh, conditions=conditions),
        )
        audit.create_record(
            actor=None,
            instance=WeightSet(
                area=area,
                version=1,
                weights=default_weights(),
                note="The default weights, as the demo set them.",
            ),
        )


# --- scores ------------------------------------------------------------------------------------


# --- the resolver against the plan -------------------------------------------------------------


def _recovery(
    planned: Mapping[tuple[K, int], int],
    rows: Callable[[Sequence[K]], Iterable[tuple[K, int, int | None, bool]]],
) -> Recovery:
    found = wrong = by_orcid = 0
    records = sorted({record for record, _ in planned}, key=str)
    for chunk in chunks(records):
        for record, position, hcp_id, has_orcid in rows(chunk):
            truth = planned.get((record, position))
            if truth is None:
                continue
            if hcp_id == truth:
                found += 1
                by_orcid += has_orcid
            elif hcp_id is not None:
                wrong += 1
    return Recovery(planned=len(planned), found=found, wrong=wrong, by_orcid=by_orcid)


def authors_recovered(planned: Mapping[tuple[int, int], int]) -> Recovery:
    """How many of the planned authorship links (``(PMID, position)`` -> HCP) hold now."""

    def rows(pmids: Sequence[int]) -> Iterator[tuple[int, int, int | None, bool]]:
        for pmid, position, hcp_id, orcid in Authorship.objects.filter(
            publication__pmid__in=pmids
        ).values_list("publication__pmid", "position", "hcp_id", "orcid"):
            yield pmid, position, hcp_id, bool(orcid)

    return _recovery(planned, rows)


def officials_recovered(planned: Mapping[tuple[str, int], int]) -> Recovery:
    """How many of the planned trial-official links (``(NCT ID, position)`` -> HCP) hold now."""

    def rows(nct_ids: Sequence[str]) -> Iterator[tuple[str, int, int | None, bool]]:
        for nct_id, position, hcp_id in TrialOfficial.objects.filter(
            trial__nct_id__in=nct_ids
        ).values_list("trial__nct_id", "position", "hcp_id"):
            yield nct_id, position, hcp_id, False

    return _recovery(planned, rows)


def describe(recovery: Recovery) -> str:
    """``"1,234 of 1,500 planned links found (82.3%), 3 wrong (precision 99.8%)"``."""
    return (
        f"{recovery.found:,} of {recovery.planned:,} planned links found "
        f"({recovery.recall:.1%}), {recovery.wrong:,} wrong (precision {recovery.precision:.1%})"
    )
