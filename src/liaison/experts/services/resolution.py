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
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from liaison.core import audit, policy
from liaison.core.audit import PendingEvent
from liaison.core.demo import set_foreign_keys
from liaison.core.models import AuditAction, User
from liaison.directory.models import HCP, Affiliation, Origin
from liaison.experts.mentions_db import MentionSet, build_mentions, initials_of, parse_key
from liaison.experts.models import (
    Discovery,
    MentionDecision,
    PairVerdict,
    PersonDecision,
    Proposal,
    ProposalKind,
    ProposalStatus,
    ResolutionRun,
    Verdict,
)
from liaison.experts.resolution import Mention, resolve
from liaison.lib import bulk, countries
from liaison.lib.progress import ProgressSink
from liaison.lib.text import fold
from liaison.literature.models import Authorship
from liaison.trials.models import TrialOfficial, TrialSite

#: Place similarity from which one name-compatible HCP takes a person's mentions.
LINK_PLACE = 0.6
#: HCPs of one family name and first initial compared pairwise for duplicates at most.
MAX_BUCKET = 400
#: Items of each kind kept in a proposal's or discovery's evidence.
EVIDENCE_ITEMS = 20

_WORDS = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    {"of", "the", "and", "for", "de", "der", "des", "di", "la", "le", "du", "und", "et", "y"}
)
#: Countries as affiliations write them where the ISO names differ.
_COUNTRY_WORDS = {
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "republic of korea": "KR",
    "korea republic of": "KR",
    "the netherlands": "NL",
    "holland": "NL",
    "p r china": "CN",
    "pr china": "CN",
    "prc": "CN",
    "deutschland": "DE",
    "u s a": "US",
    "united states of america": "US",
}
_US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "DC",
    ]
)
_US_STATE_ZIP = re.compile(r"\b([A-Z]{2})\s+\d{5}(?:-\d{4})?\b")


# --- reading the directory -----------------------------------------------------------------


@dataclass
class HCPFacts:
    """What the run compares of an HCP: names, identifiers and places (folded)."""

    pk: int
    family: str
    given: str
    orcid: str
    npi: str
    country: str
    city: str
    label: str
    places: set[str] = field(default_factory=set)

    def as_mention(self) -> Mention:
        """The HCP written as a mention, for :func:`~liaison.experts.resolution.explain`."""
        return Mention(
            key=f"hcp:{self.pk}",
            family=self.family,
            given=self.given,
            initials=initials_of(self.given),
            orcid=self.orcid,
            affiliations=tuple(sorted(self.places)),
        )


def family_key(family: str) -> str:
    return fold(family).replace(" ", "")


def directory_facts(ids: Iterable[int] | None = None) -> dict[int, HCPFacts]:
    """Every HCP (or those of ``ids``) with its organizations' names and cities."""
    hcps = HCP.objects.all() if ids is None else HCP.objects.filter(pk__in=list(ids))
    facts: dict[int, HCPFacts] = {}
    for pk, family, given, orcid, npi, country, city in hcps.values_list(
        "pk", "family_name", "given_name", "orcid", "npi", "country", "city"
    ).iterator(chunk_size=5000):
        facts[pk] = HCPFacts(
            pk, family, given, orcid or "", npi or "", country, fold(city), f"{given} {family}"
        )
        if city:
            facts[pk].places.add(fold(city))
    affiliations = Affiliation.objects.all()
    if ids is not None:
        affiliations = affiliations.filter(hcp_id__in=list(facts))
    for hcp_id, name, city in affiliations.values_list(
        "hcp_id", "organization__name", "organization__city"
    ).iterator(chunk_size=5000):
        if hcp_id in facts:
            facts[hcp_id].places.update(part for part in (fold(name), fold(city)) if part)
    return facts


# --- names and places --------------------------------------------------------------------


def _given_parts(given: str, initials: str) -> tuple[str, str]:
    """``(first full name or "", initials)`` of a given name: ``"Jennifer S"`` ->
    ``("jennifer", "JS")``; ``"J S"`` -> ``("", "JS")``."""
    words = fold(given).split()
    first = words[0] if words and len(words[0]) > 1 else ""
    return first, (initials or initials_of(given)).upper()


def given_compatible(a_given: str, a_initials: str, b_given: str, b_initials: str) -> int:
    """How well two given names agree: 0 not at all ("Mark" and "Jennifer"), 1 by
    initials ("J" and "Jennifer S"), 2 by the full first name."""
    a_first, a_init = _given_parts(a_given, a_initials)
    b_first, b_init = _given_parts(b_given, b_initials)
    if a_init[:1] and b_init[:1] and a_init[:1] != b_init[:1]:
        return 0
    if a_first and b_first:
        if a_first == b_first:
            return 2
        shorter, longer = sorted((a_first, b_first), key=len)
        return 1 if len(shorter) >= 3 and longer.startswith(shorter) else 0
    if (
        len(a_init) > 1
        and len(b_init) > 1
        and not (a_init.startswith(b_init) or b_init.startswith(a_init))
    ):
        return 0
    return 1


def place_similarity(texts: Iterable[str], places: set[str]) -> float:
    """How much the affiliations ``texts`` (folded) name one of ``places`` (an HCP's
    folded organization names and cities): 1 for a whole organization name, less
    for most of its words, 0.6 for the city alone."""
    best = 0.0
    bodies = [f" {text} " for text in texts]
    for place in places:
        words = [word for word in _WORDS.findall(place) if word not in _STOP]
        if not words:
            continue
        for body in bodies:
            if f" {place} " in body:
                score = 1.0 if len(words) > 1 else 0.6
            else:
                found = sum(1 for word in words if f" {word} " in body)
                score = 0.8 * found / len(words) if len(words) > 1 and found >= 2 else 0.0
            best = max(best, score)
    return best


def country_of(texts: Iterable[str]) -> str:
    """The country an affiliation names at its end ("..., Lund, Sweden" -> ``"SE"``;
    "Boston, MA 02115" -> ``"US"``), or ``""``. Two-letter words are never read as
    countries ("MA" is Massachusetts, not Morocco)."""
    for text in texts:
        clean = re.sub(r"\S+@\S+", " ", text)
        clean = re.sub(r"(?i)electronic address:?", " ", clean).strip(" .;")
        parts = [part.strip(" .;") for part in clean.split(",") if part.strip(" .;")]
        for part in reversed(parts[-2:]):
            candidate = re.sub(r"[\d-]+", " ", part).strip()
            folded = fold(candidate)
            if folded in _COUNTRY_WORDS:
                return _COUNTRY_WORDS[folded]
            if len(candidate) > 2 or folded in ("uk", "us"):
                code = countries.code_for(candidate)
                if code:
                    return code
            state = _US_STATE_ZIP.search(part)
            if state and state.group(1) in _US_STATES:
                return "US"
            last_word = candidate.split()[-1] if candidate.split() else ""
            if len(last_word) > 3:
                code = countries.code_for(last_word)
                if code:
                    return code
    return ""


def city_of(texts: Iterable[str], country: str) -> str:
    """The part before the country in an affiliation ("..., Lund, Sweden" -> "Lund")."""
    for text in texts:
        parts = [part.strip(" .;") for part in text.split(",") if part.strip(" .;")]
        if len(parts) >= 2 and country_of([parts[-1]]) == country:
            city = re.sub(r"\b\d[\d\s-]*\b|\b[A-Z]{1,2}-?\d+\b", " ", parts[-2]).strip()
            if 1 < len(city) <= 60 and not any(ch.isdigit() for ch in city) and "@" not in city:
                return " ".join(city.split())
    return ""


# --- a run's plan ----------------------------------------------------------------------------


@dataclass
class Draft:
    """A proposal the run would have open."""

    kind: str
    hcp: int | None
    other_hcp: int | None
    mentions: list[str]
    score: float
    evidence: dict[str, Any]

    @property
    def signature(self) -> str:
        return signature_of(self.kind, self.hcp, self.other_hcp, self.mentions)


def signature_of(kind: str, hcp: int | None, other: int | None, mentions: Iterable[str]) -> str:
    """What makes two proposals the same across runs."""
    if kind == ProposalKind.DUPLICATE:
        pair = sorted(pk for pk in (hcp, other) if pk is not None)
        return f"{kind}|{pair}"
    keys = sorted(mentions)
    return f"{kind}|{hcp if kind == ProposalKind.LINK else ''}|{','.join(keys)}"


@dataclass
class NewPerson:
    """An HCP the run discovers."""

    given: str
    family: str
    country: str
    city: str
    orcid: str
    emails: list[str]
    mentions: list[str]
    evidence: dict[str, Any]


@dataclass
class Plan:
    links: dict[str, int] = field(default_factory=dict)
    discoveries: list[NewPerson] = field(default_factory=list)
    drafts: dict[str, Draft] = field(default_factory=dict)
    person_hcp: dict[int, int] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)

    def propose(self, draft: Draft) -> None:
        known = self.drafts.get(draft.signature)
        if known is None or known.score < draft.score:
            self.drafts[draft.signature] = draft


def _person_summary(mentions: list[Mention]) -> dict[str, Any]:
    """The evidence of a person: names, affiliations, years, journals, topics, co-authors."""
    names = Counter(" ".join(part for part in (m.given, m.family) if part) for m in mentions)
    affiliations = Counter(text for m in mentions for text in m.affiliations)
    topics = Counter(topic for m in mentions for topic in m.mesh)
    coauthors = Counter(name for m in mentions for name in m.coauthors)
    years = sorted(m.year for m in mentions if m.year)
    return {
        "names": [name for name, _ in names.most_common(EVIDENCE_ITEMS)],
        "affiliations": [text for text, _ in affiliations.most_common(EVIDENCE_ITEMS)],
        "topics": [topic for topic, _ in topics.most_common(EVIDENCE_ITEMS)],
        "coauthors": [name for name, _ in coauthors.most_common(EVIDENCE_ITEMS)],
        "journals": sorted({m.journal for m in mentions if m.journal})[:EVIDENCE_ITEMS],
        "years": [years[0], years[-1]] if years else [],
        "orcids": sorted({m.orcid for m in mentions if m.orcid}),
        "mentions": len(mentions),
    }


def _best_name(mentions: list[Mention]) -> tuple[str, str]:
    """The fullest name written: the longest given name, the most common family spelling
    (with its accents)."""
    families = Counter(m.family for m in mentions if m.family)
    family = max(families, key=lambda name: (families[name], not name.isascii(), name))
    given = max((m.given or m.initials for m in mentions), key=lambda g: (len(g), g), default="")
    return given.strip()[:120], family.strip()[:120]


class Planner:
    """Decides, person by person, what a run does (no writes)."""

    def __init__(self, found: MentionSet, facts: dict[int, HCPFacts]) -> None:
        self.found = found
        self.facts = facts
        self.by_family: dict[str, list[HCPFacts]] = {}
        self.by_orcid: dict[str, int] = {}
        for fact in facts.values():
            self.by_family.setdefault(family_key(fact.family), []).append(fact)
            if fact.orcid:
                self.by_orcid[fact.orcid] = fact.pk
        self.plan = Plan()
        self.trial_countries: dict[str, str] = {}

    def place(self, person: int, mentions: list[Mention]) -> None:
        found, plan = self.found, self.plan
        keys = [m.key for m in mentions]
        linked = Counter(found.linked[key] for key in keys if key in found.linked)
        for key in keys:
            pinned = found.pinned.get(key)
            if pinned is not None and found.linked.get(key) != pinned and pinned in self.facts:
                plan.links[key] = pinned  # a decision's link, restored
        unlinked = [m for m in mentions if m.key not in found.linked]
        if linked:
            target = linked.most_common(1)[0][0]
            plan.person_hcp[person] = target
            if len(linked) > 1:
                self._span_duplicates(linked, mentions)
            if not unlinked:
                return
            if len(linked) == 1:
                self._link(unlinked, target)
            else:
                self._propose_link(unlinked, target, 0.5, {"reason": "mentions of several HCPs"})
            return
        self._new_person(person, mentions)

    def _link(self, mentions: list[Mention], hcp: int) -> None:
        for mention in mentions:
            if hcp not in self.found.refused.get(mention.key, ()):
                self.plan.links[mention.key] = hcp
                self.plan.counts["linked"] += 1

    def _propose_link(
        self, mentions: list[Mention], hcp: int, score: float, reasons: dict[str, Any]
    ) -> None:
        allowed = [m for m in mentions if hcp not in self.found.refused.get(m.key, ())]
        if not allowed:
            return
        evidence = {"person": _person_summary(allowed), "reasons": reasons}
        self.plan.propose(
            Draft(ProposalKind.LINK, hcp, None, [m.key for m in allowed], score, evidence)
        )

    def _span_duplicates(self, linked: Counter[int], mentions: list[Mention]) -> None:
        target, _ = linked.most_common(1)[0]
        for other in linked:
            if other != target:
                self.duplicate(
                    target,
                    other,
                    0.8,
                    {"reason": "the resolver found their mentions to be one person"},
                )

    def duplicate(self, a: int, b: int, score: float, reasons: dict[str, Any]) -> None:
        first, second = self.facts.get(a), self.facts.get(b)
        if first is None or second is None or a == b:
            return
        if first.orcid and second.orcid and first.orcid != second.orcid:
            return
        if first.npi and second.npi and first.npi != second.npi:
            return
        keep, other = sorted((a, b))
        self.plan.propose(
            Draft(ProposalKind.DUPLICATE, keep, other, [], score, {"reasons": reasons})
        )

    def _candidates(self, mentions: list[Mention]) -> list[tuple[HCPFacts, int, float]]:
        family = family_key(mentions[0].family)
        orcids = {m.orcid for m in mentions if m.orcid}
        texts = {fold(text) for m in mentions for text in m.affiliations}
        refused_by_all = set.intersection(
            *(set(self.found.refused.get(m.key, ())) for m in mentions)
        )
        found = []
        for fact in self.by_family.get(family, []):
            if fact.pk in refused_by_all or (fact.orcid and orcids and fact.orcid not in orcids):
                continue
            name = max(given_compatible(m.given, m.initials, fact.given, "") for m in mentions)
            if name:
                found.append((fact, name, place_similarity(texts, fact.places)))
        found.sort(key=lambda item: (-item[2], -item[1], item[0].pk))
        return found

    def _new_person(self, person: int, mentions: list[Mention]) -> None:
        plan = self.plan
        orcids = sorted({m.orcid for m in mentions if m.orcid})
        for orcid in orcids:
            if orcid in self.by_orcid:
                plan.person_hcp[person] = self.by_orcid[orcid]
                self._link(mentions, self.by_orcid[orcid])
                return
        candidates = self._candidates(mentions)
        if candidates:
            best, name, place = candidates[0]
            others_at_place = [c for c in candidates[1:] if c[2] > 0]
            reasons = {
                "candidates": [
                    {
                        "hcp": fact.pk,
                        "name": fact.label,
                        "given_name_match": n,
                        "place": round(p, 2),
                    }
                    for fact, n, p in candidates[:5]
                ]
            }
            if place >= LINK_PLACE and not others_at_place and (name == 2 or len(candidates) == 1):
                plan.person_hcp[person] = best.pk
                self._link(mentions, best.pk)
                return
            score = round(min(0.95, 0.3 + 0.15 * name + 0.35 * place), 2)
            plan.person_hcp[person] = best.pk
            self._propose_link(mentions, best.pk, score, reasons)
            plan.counts["link_proposed"] += len(mentions)
            return
        officials = [m for m in mentions if m.key in self.found.officials]
        if len(mentions) < 2 and not officials and not orcids:
            plan.counts["unlinked"] += len(mentions)
            return
        texts = [text for m in mentions for text in m.affiliations]
        country = country_of(texts) or self._trial_country(officials)
        given, family = _best_name(mentions)
        summary = _person_summary(mentions)
        if not given or not family:
            plan.counts["unlinked"] += len(mentions)
            return
        if not country:
            evidence = {"person": summary, "reasons": {"country": "no country in the affiliations"}}
            plan.propose(
                Draft(ProposalKind.DISCOVER, None, None, [m.key for m in mentions], 0.5, evidence)
            )
            plan.counts["discover_proposed"] += len(mentions)
            return
        emails = sorted({m.email for m in mentions if m.email})
        plan.discoveries.append(
            NewPerson(
                given=given,
                family=family,
                country=country,
                city=city_of(texts, country)[:120],
                orcid=orcids[0] if len(orcids) == 1 else "",
                emails=emails[:5],
                mentions=[m.key for m in mentions],
                evidence=summary,
            )
        )

    def _trial_country(self, officials: list[Mention]) -> str:
        """The one country of the sites of the trials an official leads, if one."""
        if not officials:
            return ""
        ids = [parse_key(m.key)[1] for m in officials]
        trial_ids = TrialOfficial.objects.filter(pk__in=ids).values_list("trial_id", flat=True)
        names = set(
            TrialSite.objects.filter(trial_id__in=trial_ids).values_list("country", flat=True)
        )
        codes = {countries.code_for(name) for name in names if name}
        codes.discard(None)
        return str(codes.pop()) if len(codes) == 1 else ""

    def directory_duplicates(self, different: set[frozenset[int]]) -> None:
        """HCPs of one family name, compatible given names and one city or organization."""
        buckets: dict[tuple[str, str], list[HCPFacts]] = {}
        for family, facts in self.by_family.items():
            for fact in facts:
                first = _given_parts(fact.given, "")[1][:1]
                buckets.setdefault((family, first), []).append(fact)
        for bucket in buckets.values():
            if len(bucket) < 2:
                continue
            if len(bucket) > MAX_BUCKET:
                by_city: dict[str, list[HCPFacts]] = {}
                for fact in bucket:
                    by_city.setdefault(fact.city, []).append(fact)
                groups = [group[:MAX_BUCKET] for city, group in by_city.items() if city]
            else:
                groups = [bucket]
            for group in groups:
                for i, a in enumerate(group):
                    for b in group[i + 1 :]:
                        self._directory_pair(a, b, different)

    def _directory_pair(self, a: HCPFacts, b: HCPFacts, different: set[frozenset[int]]) -> None:
        if frozenset((a.pk, b.pk)) in different:
            return
        name = given_compatible(a.given, "", b.given, "")
        if not name:
            return
        same_city = bool(a.city) and a.city == b.city
        shared = sorted(a.places & b.places)
        if not (same_city or shared):
            return
        score = round(min(0.95, 0.45 + 0.2 * name + (0.15 if shared else 0.0) + 0.1 * same_city), 2)
        self.duplicate(
            a.pk,
            b.pk,
            score,
            {
                "given_name_match": "full name" if name == 2 else "initials",
                "same_city": same_city,
                "shared_places": shared[:5],
            },
        )


# --- the run -------------------------------------------------------------------------------


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
    discovered = _discover(actor, plan.discoveries, run, links)
    _apply_links(links, _stage(report, "links"))
    counts = _write_proposals(actor, plan, run, different | _different_pairs())
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
        evidence = {**person.evidence, **_sources(person.mentions), "run": run.pk}
        discoveries.append(Discovery(hcp=hcp, run=run, evidence=evidence))
        for key in person.mentions:
            links[key] = hcp.pk
    bulk.insert_instances(Discovery, discoveries)
    events = []
    for hcp in hcps:
        events.append(_created_event(hcp))
    for discovery in discoveries:
        events.append(_created_event(discovery))
    audit.record_events(actor=actor, events=events, reason="discovered by identity resolution")
    return len(hcps)


def _created_event(instance: Any) -> PendingEvent:
    changes = {
        f.name: [None, audit.to_json_value(getattr(instance, f.attname))]
        for f in instance._meta.concrete_fields
        if getattr(instance, f.attname) not in (None, "", [], {})
    }
    return PendingEvent(
        action=AuditAction.CREATE,
        record_type=audit.record_type_of(instance),
        record_id=instance.pk,
        record_label=str(instance),
        changes=changes,
    )


def _sources(keys: list[str]) -> dict[str, list[str]]:
    """The PMIDs and NCT IDs behind ``keys`` (at most :data:`EVIDENCE_ITEMS` of each)."""
    authorships = [parse_key(k)[1] for k in keys if k.startswith("a:")][:200]
    officials = [parse_key(k)[1] for k in keys if k.startswith("o:")][:200]
    pmids = sorted(
        {
            str(pmid)
            for pmid in Authorship.objects.filter(pk__in=authorships).values_list(
                "publication__pmid", flat=True
            )
        }
    )
    ncts = sorted(
        set(TrialOfficial.objects.filter(pk__in=officials).values_list("trial__nct_id", flat=True))
    )
    return {"pmids": pmids[:EVIDENCE_ITEMS], "nct_ids": ncts[:EVIDENCE_ITEMS]}


def _apply_links(links: dict[str, int], step: Callable[[int, int], None]) -> None:
    authorships = [(hcp, parse_key(key)[1]) for key, hcp in links.items() if key.startswith("a:")]
    officials = [(hcp, parse_key(key)[1]) for key, hcp in links.items() if key.startswith("o:")]
    total = len(authorships) + len(officials)
    for start in range(0, len(authorships), 10000):
        set_foreign_keys(Authorship, "hcp_id", authorships[start : start + 10000])
        step(min(start + 10000, len(authorships)), total)
    set_foreign_keys(TrialOfficial, "hcp_id", officials)
    step(total, total)


def _write_proposals(
    actor: User | None, plan: Plan, run: ResolutionRun, different: set[frozenset[int]]
) -> dict[str, int]:
    """Open the run's proposals, keep those already open, supersede the rest."""
    decided: set[str] = set()
    open_by_signature: dict[str, Proposal] = {}
    for proposal in Proposal.objects.all().only(
        "pk", "kind", "status", "hcp_id", "other_hcp_id", "mentions"
    ):
        signature = signature_of(
            proposal.kind, proposal.hcp_id, proposal.other_hcp_id, proposal.mentions
        )
        if proposal.status == ProposalStatus.OPEN:
            open_by_signature[signature] = proposal
        elif proposal.status in (ProposalStatus.CONFIRMED, ProposalStatus.REJECTED):
            decided.add(signature)
    hcps = set(HCP.objects.values_list("pk", flat=True))
    created: list[Proposal] = []
    kept: list[Proposal] = []
    for signature, draft in plan.drafts.items():
        if signature in decided:
            continue
        if draft.kind == ProposalKind.DUPLICATE and (
            frozenset((draft.hcp, draft.other_hcp)) in different
        ):
            continue
        if any(pk is not None and pk not in hcps for pk in (draft.hcp, draft.other_hcp)):
            continue
        evidence = {**draft.evidence, **(_sources(draft.mentions) if draft.mentions else {})}
        current = open_by_signature.pop(signature, None)
        if current is not None:
            current.score, current.evidence, current.run = draft.score, evidence, run
            current.mentions = draft.mentions
            kept.append(current)
            continue
        created.append(
            Proposal(
                kind=draft.kind,
                hcp_id=draft.hcp,
                other_hcp_id=draft.other_hcp,
                mentions=draft.mentions,
                score=draft.score,
                evidence=evidence,
                run=run,
                created_at=timezone.now(),
            )
        )
    Proposal.objects.bulk_update(kept, ["score", "evidence", "run", "mentions"], batch_size=500)
    bulk.insert_instances(Proposal, created)
    stale = list(open_by_signature.values())
    Proposal.objects.filter(pk__in=[p.pk for p in stale]).update(status=ProposalStatus.SUPERSEDED)
    events = [_created_event(proposal) for proposal in created]
    events += [
        PendingEvent(
            action=AuditAction.UPDATE,
            record_type=audit.record_type_of(Proposal),
            record_id=proposal.pk,
            record_label=str(proposal),
            changes={"status": [ProposalStatus.OPEN, ProposalStatus.SUPERSEDED]},
        )
        for proposal in stale
    ]
    if events:  # record_events() with none would key the chain without saving its head
        audit.record_events(actor=actor, events=events, reason=f"resolution run {run.pk}")
    return {"proposals_opened": len(created), "proposals_kept": len(kept), "superseded": len(stale)}


# --- reads for the queue's pages -------------------------------------------------------------


def describe_mentions(keys: list[str]) -> list[dict[str, Any]]:
    """Each mention of ``keys`` as a person reads it: the name as written, its
    record (PMID or NCT ID, title, year, journal), affiliations, role; in ``keys``' order."""
    authorship_ids = [parse_key(key)[1] for key in keys if key.startswith("a:")]
    official_ids = [parse_key(key)[1] for key in keys if key.startswith("o:")]
    found: dict[str, dict[str, Any]] = {}
    for row in Authorship.objects.filter(pk__in=authorship_ids).values(
        "pk",
        "family",
        "given",
        "role",
        "affiliations",
        "orcid",
        "hcp_id",
        "publication__pmid",
        "publication__title",
        "publication__published_year",
        "publication__journal__title",
    ):
        found[f"a:{row['pk']}"] = {
            "key": f"a:{row['pk']}",
            "name": " ".join(part for part in (row["given"], row["family"]) if part),
            "role": row["role"],
            "affiliations": row["affiliations"] or [],
            "orcid": row["orcid"],
            "hcp_id": row["hcp_id"],
            "source": f"PMID {row['publication__pmid']}",
            "url": f"https://pubmed.ncbi.nlm.nih.gov/{row['publication__pmid']}/",
            "title": row["publication__title"],
            "year": row["publication__published_year"],
            "journal": row["publication__journal__title"] or "",
        }
    for trial_row in TrialOfficial.objects.filter(pk__in=official_ids).values(
        "pk",
        "name",
        "role",
        "affiliation",
        "hcp_id",
        "trial__nct_id",
        "trial__brief_title",
        "trial__start_on",
    ):
        start = trial_row["trial__start_on"]
        found[f"o:{trial_row['pk']}"] = {
            "key": f"o:{trial_row['pk']}",
            "name": trial_row["name"],
            "role": (trial_row["role"] or "").replace("_", " ").lower(),
            "affiliations": [trial_row["affiliation"]] if trial_row["affiliation"] else [],
            "orcid": "",
            "hcp_id": trial_row["hcp_id"],
            "source": trial_row["trial__nct_id"],
            "url": f"https://clinicaltrials.gov/study/{trial_row['trial__nct_id']}",
            "title": trial_row["trial__brief_title"],
            "year": start.year if start else None,
            "journal": "",
        }
    return [found[key] for key in keys if key in found]


def hcp_mention_keys(hcp: HCP, *, limit: int = 200) -> list[str]:
    """The keys of the mentions linked to ``hcp`` (newest publications first), at most ``limit``."""
    keys = [
        f"a:{pk}"
        for pk in Authorship.objects.filter(hcp=hcp)
        .order_by("-publication__published_on", "-pk")
        .values_list("pk", flat=True)[:limit]
    ]
    keys += [
        f"o:{pk}"
        for pk in TrialOfficial.objects.filter(hcp=hcp)
        .order_by("-trial__start_on", "-pk")
        .values_list("pk", flat=True)[: max(limit - len(keys), 0)]
    ]
    return keys


def compare(keys: list[str], hcp: HCP | None, other: HCP | None = None) -> dict[str, Any]:
    """What a proposal's page shows side by side: the left side's mentions (``keys``) or
    ``hcp``'s own, the right side's HCP with a sample of its mentions, and the resolver's
    features (:func:`~liaison.experts.resolution.explain`) between the two."""
    from liaison.experts.mentions_db import mentions_for
    from liaison.experts.resolution import explain

    left_keys = keys or (hcp_mention_keys(hcp, limit=20) if other is not None and hcp else [])
    right = other if other is not None else hcp
    right_keys = hcp_mention_keys(right, limit=20) if right is not None else []
    left_mentions = mentions_for(left_keys[:20])
    right_mentions = mentions_for(right_keys[:20])
    facts = directory_facts([pk for pk in (hcp and hcp.pk, other and other.pk) if pk])
    a = next(iter(left_mentions.values()), None)
    if a is None and other is not None and hcp is not None and hcp.pk in facts:
        a = facts[hcp.pk].as_mention()
    b = next(iter(right_mentions.values()), None)
    if b is None and right is not None and right.pk in facts:
        b = facts[right.pk].as_mention()
    features: dict[str, Any] = {}
    if a is not None and b is not None:
        try:
            features = explain(a, b)
        except OSError as error:  # the trained model's file is missing: the page still shows
            features = {"unavailable": f"the resolver's model could not be read ({error.strerror})"}
    return {
        "left": describe_mentions(left_keys[:50]),
        "right": describe_mentions(right_keys[:50]),
        "left_summary": _person_summary(list(left_mentions.values())) if left_mentions else {},
        "right_summary": _person_summary(list(right_mentions.values())) if right_mentions else {},
        "features": features,
        "places": {pk: sorted(fact.places) for pk, fact in facts.items()},
    }
