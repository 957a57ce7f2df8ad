"""Identity resolution on the database: a run of the resolver over every mention,
and what it does with the people it finds.

:func:`resolve_library` (administrators: ``resolve`` on Proposal) reads the
mentions (:mod:`liaison.experts.mentions_db`), runs the resolver
(:func:`liaison.experts.resolution.resolve`) and, for each person found:

* mentions already linked to one HCP: the person's other mentions join it
  (except a mention a person said is not that HCP);
* mentions linked to several HCPs: the HCPs are proposed as duplicates and the
  unlinked mentions are proposed to the HCP holding most of them;
* no HCP yet: an HCP with the person's ORCID iD takes them (certain); else the
  HCPs of the same family name with a compatible given name ("J S" and
  "Jennifer", not "Mark") are candidates: one candidate at a place the person
  writes from (its organization or city in the affiliations) takes them, any
  other case is a LINK proposal for a person to decide;
* no candidate at all: a person of two mentions or more, a trial official, or
  an ORCID iD becomes a new HCP of origin "discovered" with a ``Discovery``
  holding the evidence; when no country can be read from the affiliations
  (an HCP needs one) it is a DISCOVER proposal instead. A single mention
  without an HCP stays unlinked (counted).

Pairs the resolver found close but below its threshold whose people sit on two
HCPs, and pairs of HCPs of the directory with one family name, compatible
given names and one city or organization, become DUPLICATE proposals, never
for a pair a person said are different people.

A run never undoes a human decision: mentions already linked stay where they
are (the resolver may only add links), pinned mentions are anchors, refused
mentions never go back, decided proposals are not proposed again, and open
proposals a run no longer produces are superseded. The run writes in one
transaction (the computation before it takes no lock); decisions made while it
computed are read again inside it.

The parts, by subject: :mod:`~liaison.experts.services.matching` (the directory's
HCPs, names and places), :mod:`~liaison.experts.services.planner` (what the run does
with each person, without writing), :mod:`~liaison.experts.services.proposals` (what
it proposes and how proposals are written) and
:mod:`~liaison.experts.services.resolution_queue` (the queue pages' reads). This
module runs and writes; it re-exports the names other modules import from it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.demo import set_foreign_keys
from liaison.core.models import AuditAction, User
from liaison.directory.models import HCP, Origin
from liaison.experts.mentions_db import MentionSet, build_mentions, parse_key
from liaison.experts.models import (
    Discovery,
    MentionDecision,
    PairVerdict,
    PersonDecision,
    Proposal,
    ProposalStatus,
    ResolutionRun,
    Verdict,
)
from liaison.experts.resolution import resolve
from liaison.experts.services.matching import (
    HCPFacts,
    city_of,
    country_of,
    directory_facts,
    family_key,
    given_compatible,
    place_similarity,
)
from liaison.experts.services.planner import LINK_PLACE, MAX_BUCKET, NewPerson, Plan, Planner
from liaison.experts.services.proposals import (
    EVIDENCE_ITEMS,
    Draft,
    created_event,
    mention_sources,
    signature_of,
    write_proposals,
)
from liaison.experts.services.resolution_queue import compare, describe_mentions, hcp_mention_keys
from liaison.lib import bulk
from liaison.lib.progress import ProgressSink
from liaison.lib.text import fold
from liaison.literature.models import Authorship
from liaison.trials.models import TrialOfficial

# What other modules import from here (the run's parts live in the modules above).
__all__ = [
    "EVIDENCE_ITEMS",
    "LINK_PLACE",
    "MAX_BUCKET",
    "Draft",
    "HCPFacts",
    "NewPerson",
    "Plan",
    "Planner",
    "city_of",
    "compare",
    "country_of",
    "describe_mentions",
    "directory_facts",
    "family_key",
    "given_compatible",
    "hcp_mention_keys",
    "place_similarity",
    "resolve_library",
    "signature_of",
]


def _stage(report: Callable[[str, int, int], None] | None, name: str) -> Callable[[int, int], None]:
    def step(done: int, total: int) -> None:
        if report is not None:
            report(name, done, total)

    return step


def resolve_library(
    *,
    actor: User | None,
    progress: ProgressSink | None = None,
    report: Callable[[str, int, int], None] | None = None,
) -> ResolutionRun:
    """Run identity resolution over the library and the registry (see the module).

    ``actor`` is an administrator (``None``: the system, for the demo); ``progress``
    counts the stages done (a job's row), ``report(stage, done, total)`` draws each
    stage (the command line's bars)."""
    if actor is not None:
        policy.require(actor, "resolve", Proposal)
    started = timezone.now()
    seconds: dict[str, float] = {}
    if progress is not None:
        progress.set_total(5)
    clock = time.perf_counter()
    found = build_mentions(progress=_stage(report, "mentions"))
    seconds["mentions"] = time.perf_counter() - clock
    _done(progress, mentions=len(found.mentions))

    clock = time.perf_counter()
    resolution = resolve(found.mentions, progress=_stage(report, "resolve"))
    people = resolution.people()
    seconds["resolve"] = time.perf_counter() - clock
    _done(progress, people=len(people))

    clock = time.perf_counter()
    planner = Planner(found, directory_facts())
    by_key = {m.key: m for m in found.mentions}
    step = _stage(report, "people")
    for done, (person, keys) in enumerate(people.items(), start=1):
        planner.place(person, [by_key[key] for key in keys])
        if done % 5000 == 0 or done == len(people):
            step(done, len(people))
    for miss in resolution.near_misses:
        a, b = (
            planner.plan.person_hcp.get(miss.person_a),
            planner.plan.person_hcp.get(miss.person_b),
        )
        if a is not None and b is not None and a != b:
            planner.duplicate(a, b, round(miss.probability, 3), dict(miss.reasons))
    different = _different_pairs()
    planner.directory_duplicates(different)
    del by_key
    planner.plan.counts["people"] = len(people)
    seconds["people"] = time.perf_counter() - clock
    _done(progress)

    clock = time.perf_counter()
    with transaction.atomic():
        run = _write(actor, planner.plan, found, resolution.stats, started, different, report)
    seconds["write"] = time.perf_counter() - clock
    run.stats = {**run.stats, "seconds": {k: round(v, 2) for k, v in seconds.items()}}
    ResolutionRun.objects.filter(pk=run.pk).update(stats=run.stats)
    _done(progress, proposals=run.proposals, discovered=run.discovered)
    return run


def _done(progress: ProgressSink | None, **counts: int) -> None:
    if progress is not None:
        progress.advance(1, **counts)


def _different_pairs() -> set[frozenset[int]]:
    return {
        frozenset((a, b))
        for a, b in PersonDecision.objects.filter(
            verdict=PairVerdict.DIFFERENT, hcp__isnull=False, other_hcp__isnull=False
        ).values_list("hcp_id", "other_hcp_id")
    }


def _recent_decisions(since: Any) -> tuple[set[tuple[str, int]], set[str]]:
    """Decisions made while the run computed: (key, HCP) refusals, and pinned keys."""
    refused: set[tuple[str, int]] = set()
    pinned: set[str] = set()
    for decision in MentionDecision.objects.filter(decided_at__gte=since):
        if decision.verdict == Verdict.NOT_THIS:
            refused.add((decision.mention_key, decision.hcp_id))
        else:
            pinned.add(decision.mention_key)
    return refused, pinned


def _write(
    actor: User | None,
    plan: Plan,
    found: MentionSet,
    resolver_stats: dict[str, Any],
    started: Any,
    different: set[frozenset[int]],
    report: Callable[[str, int, int], None] | None,
) -> ResolutionRun:
    run = ResolutionRun.objects.create(started_at=started, started_by=actor)
    refused, pinned = _recent_decisions(started)
    links = {
        key: hcp
        for key, hcp in plan.links.items()
        if (key, hcp) not in refused and (key not in pinned or found.pinned.get(key) == hcp)
    }
    existing = set(HCP.objects.filter(pk__in=set(links.values())).values_list("pk", flat=True))
    links = {key: hcp for key, hcp in links.items() if hcp in existing}
    # A person whose mentions someone decided on meanwhile waits for the next run,
    # which reads the decision: discovering them now would undo it (and duplicate them).
    people = [p for p in plan.discoveries if not any(key in pinned for key in p.mentions)]
    discovered = _discover(actor, people, run, links)
    _apply_links(links, _stage(report, "links"))
    counts = write_proposals(actor, plan.drafts, run, different | _different_pairs())
    linked = Authorship.objects.filter(hcp__isnull=False).count()
    linked += TrialOfficial.objects.filter(hcp__isnull=False).count()
    run.finished_at = timezone.now()
    run.mentions = len(found.mentions)
    run.people = plan.counts["people"]
    run.linked = linked
    run.discovered = discovered
    run.proposals = Proposal.objects.filter(status=ProposalStatus.OPEN).count()
    run.stats = {
        **{k: v for k, v in resolver_stats.items() if isinstance(v, int | float | str)},
        "newly_linked": len(links),
        "unlinked_single_mentions": plan.counts["unlinked"],
        "mentions_proposed_for_link": plan.counts["link_proposed"],
        "mentions_proposed_for_discovery": plan.counts["discover_proposed"],
        "discoveries_deferred": len(plan.discoveries) - len(people),
        **counts,
    }
    run.save()
    audit.record_event(
        actor=actor,
        action=AuditAction.CREATE,
        instance=run,
        changes={
            "mentions": [None, run.mentions],
            "linked": [None, run.linked],
            "discovered": [None, run.discovered],
            "proposals": [None, run.proposals],
        },
        reason="identity resolution run",
    )
    return run


def _discover(
    actor: User | None, people: list[NewPerson], run: ResolutionRun, links: dict[str, int]
) -> int:
    """Create the discovered HCPs, their ``Discovery`` and their links (``links`` grows)."""
    if not people:
        return 0
    taken = set(
        HCP.objects.filter(orcid__in=[p.orcid for p in people if p.orcid]).values_list(
            "orcid", flat=True
        )
    )
    hcps = []
    for person in people:
        orcid = person.orcid if person.orcid and person.orcid not in taken else None
        if orcid:
            taken.add(orcid)
        hcps.append(
            HCP(
                given_name=person.given,
                family_name=person.family,
                search_name=fold(f"{person.family} {person.given}"),
                country=person.country,
                city=person.city,
                orcid=orcid,
                orcid_source="PubMed record" if orcid else "",
                emails=person.emails,
                origin=Origin.DISCOVERED,
            )
        )
    bulk.insert_instances(HCP, hcps)
    discoveries = []
    for hcp, person in zip(hcps, people, strict=True):
        evidence = {**person.evidence, **mention_sources(person.mentions), "run": run.pk}
        discoveries.append(Discovery(hcp=hcp, run=run, evidence=evidence))
        for key in person.mentions:
            links[key] = hcp.pk
    bulk.insert_instances(Discovery, discoveries)
    events = []
    for hcp in hcps:
        events.append(created_event(hcp))
    for discovery in discoveries:
        events.append(created_event(discovery))
    audit.record_events(actor=actor, events=events, reason="discovered by identity resolution")
    return len(hcps)


def _apply_links(links: dict[str, int], step: Callable[[int, int], None]) -> None:
    authorships = [(hcp, parse_key(key)[1]) for key, hcp in links.items() if key.startswith("a:")]
    officials = [(hcp, parse_key(key)[1]) for key, hcp in links.items() if key.startswith("o:")]
    total = len(authorships) + len(officials)
    for start in range(0, len(authorships), 10000):
        set_foreign_keys(Authorship, "hcp_id", authorships[start : start + 10000])
        step(min(start + 10000, len(authorships)), total)
    set_foreign_keys(TrialOfficial, "hcp_id", officials)
    step(total, total)
