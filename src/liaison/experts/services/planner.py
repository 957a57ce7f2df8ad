"""What a resolution run does with each person the resolver found, decided person
by person without writing (:class:`Planner`, its :class:`Plan`): which mentions join
which HCP, which people become new HCPs, what is proposed for a person to decide.
The rules are those of :mod:`liaison.experts.services.resolution`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from liaison.experts.mentions_db import OFFICIAL_CHUNK, MentionSet, parse_key
from liaison.experts.models import ProposalKind
from liaison.experts.resolution import Mention
from liaison.experts.services.matching import (
    HCPFacts,
    city_of,
    country_of,
    family_key,
    given_compatible,
    given_parts,
    place_similarity,
)
from liaison.experts.services.proposals import EVIDENCE_ITEMS, Draft
from liaison.lib import countries
from liaison.lib.text import fold
from liaison.trials.models import TrialSite

#: Place similarity from which one name-compatible HCP takes a person's mentions.
LINK_PLACE = 0.6
#: HCPs of one family name and first initial compared pairwise for duplicates at most.
MAX_BUCKET = 400


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


def person_summary(mentions: list[Mention]) -> dict[str, Any]:
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
        #: Each trial official's site countries (codes), read once when first needed.
        self._site_countries: dict[int, frozenset[str]] | None = None

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
        evidence = {"person": person_summary(allowed), "reasons": reasons}
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
        summary = person_summary(mentions)
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
        """The one country of the sites of the trials the officials lead, if one."""
        if not officials:
            return ""
        site_countries = self._official_site_countries()
        codes: set[str] = set()
        for mention in officials:
            codes |= site_countries.get(parse_key(mention.key)[1], frozenset())
        return codes.pop() if len(codes) == 1 else ""

    def _official_site_countries(self) -> dict[int, frozenset[str]]:
        """Official id -> the country codes of its trial's sites, for every official of
        the run: read on first need in one query per :data:`OFFICIAL_CHUNK` officials
        (not two per person, which on a large registry cost a round trip each)."""
        if self._site_countries is not None:
            return self._site_countries
        ids = sorted(parse_key(key)[1] for key in self.found.officials)
        codes: dict[str, str | None] = {}
        found: dict[int, set[str]] = {}
        for start in range(0, len(ids), OFFICIAL_CHUNK):
            rows = (
                TrialSite.objects.filter(
                    trial__officials__pk__in=ids[start : start + OFFICIAL_CHUNK]
                )
                .exclude(country="")
                .order_by()
                .values_list("trial__officials__pk", "country")
                .distinct()
            )
            for official, name in rows:
                if name not in codes:
                    codes[name] = countries.code_for(name)
                code = codes[name]
                if code:
                    found.setdefault(official, set()).add(code)
        self._site_countries = {pk: frozenset(values) for pk, values in found.items()}
        return self._site_countries

    def directory_duplicates(self, different: set[frozenset[int]]) -> None:
        """HCPs of one family name, compatible given names and one city or organization."""
        buckets: dict[tuple[str, str], list[HCPFacts]] = {}
        for family, facts in self.by_family.items():
            for fact in facts:
                first = given_parts(fact.given, "")[1][:1]
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
