"""The literature's part of the demo world (see ``liaison.core.demo``).

One step, ``publications`` (order 400, between the trials' planning and their
storing): plans the publications of the demo HCPs' community, the planned
trials' own among them (:mod:`.publications`), stores them as PubMed records
(:mod:`.citations`) through ``literature.services.store_records``, as a real
load would, and leaves each trial's publications for the trials step.

It links no authorship to an HCP itself: the load links those whose ORCID iD
an HCP holds, as any load does, and the rest is identity resolution's work
(the experts step, order 650). What the plan knows, the HCP behind each
authorship, is left as the truth in :data:`PLANNED_AUTHORS`, so the experts
step (and its tests) can measure how much of it the resolver recovers.

About 1.5 publications per HCP (3,000 for the default 2,000 HCPs), at least
10, at most :data:`MAX_PUBLICATIONS`. Demo PMIDs run from
:data:`~.publications.FIRST_PMID` to :data:`LAST_DEMO_PMID`.
"""

from __future__ import annotations

from liaison.core.demo import DemoContext, Slot, chunks
from liaison.directory.demo.evidence import AS_OF, COMMUNITY, REFERENCES, TRIALS
from liaison.literature.demo.citations import to_citation
from liaison.literature.demo.publications import (
    FIRST_PMID,
    PlannedPublication,
    plan_publications,
    references,
)
from liaison.literature.models import Publication
from liaison.literature.services import LoadReport, store_records

PUBLICATIONS_PER_HCP = 1.5
MAX_PUBLICATIONS = 20_000
LAST_DEMO_PMID = 99_999_999

#: The planned truth: the HCP id behind each authorship, by ``(PMID, position)``
#: (1-based, as ``Authorship.position``); a collective name has no entry.
PLANNED_AUTHORS = Slot[dict[tuple[int, int], int]]("planned authors")


def publication_count(people: int) -> int:
    """How many publications a community of ``people`` HCPs writes."""
    if people < 1:
        return 0
    return min(max(round(people * PUBLICATIONS_PER_HCP), 10), MAX_PUBLICATIONS)


def build(context: DemoContext) -> None:
    """The ``publications`` step: see the module's docstring."""
    community = context.take(COMMUNITY)
    rng = context.rng
    planned = plan_publications(
        rng, community, context.get(TRIALS, []), publication_count(len(community)), AS_OF
    )
    context.leave(REFERENCES, references(planned))
    report = context.progress
    report("publications", 0, len(planned))

    def on_batch(current: LoadReport) -> None:
        report("publications", current.records, len(planned))

    store_records((to_citation(rng, plan) for plan in planned), on_batch=on_batch)
    context.leave(PLANNED_AUTHORS, planned_authors(planned))
    context.counts["publications"] = len(planned)


def clear(context: DemoContext) -> None:
    """Remove the demo publications (by their PMID range; evidence is not audited)."""
    demo = Publication.objects.filter(pmid__gte=FIRST_PMID, pmid__lte=LAST_DEMO_PMID)
    for chunk in chunks(list(demo.values_list("pk", flat=True))):
        Publication.objects.filter(pk__in=chunk).delete()


def planned_authors(planned: list[PlannedPublication]) -> dict[tuple[int, int], int]:
    """The HCP each planned author is, by ``(PMID, position)``: the authors come first
    in a record, a collective name (not a person) after them."""
    return {
        (plan.pmid, position): person.hcp_id
        for plan in planned
        for position, person in enumerate(plan.authors, start=1)
    }
