"""The investigators of the query's trials, ranked (:func:`find_investigators`):
the trials' overall officials (resolved to HCPs, or by name until they are) and
the sites' named investigators (contacts whose role is an investigator's; one
joins the official's HCP of the same name, else the one directory HCP of that
name in the site's country, else stays a name), counted over exact sets of
trials in memory from a handful of narrow queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from liaison.core import policy
from liaison.core.policy import AnyUser
from liaison.core.registry import engaged_hcp_ids
from liaison.directory.models import HCP
from liaison.experts.finder.experience import (
    SUSPENDED,
    ExpertStrength,
    TrialFacts,
    experience_of,
    experience_points,
    reasons,
)
from liaison.experts.finder.names import (
    ROLE_WORDS,
    is_investigator,
    is_person,
    name_key,
    search_names,
)
from liaison.experts.finder.query import FinderQuery
from liaison.experts.finder.rows import InvestigatorRow, ranked
from liaison.experts.finder.sites import matching_sites
from liaison.experts.finder.trials import (
    TRIALS_SHOWN,
    chunks,
    matching_trials,
    newest_first,
    trial_links,
)
from liaison.experts.models import AreaDefinition, ExpertScore
from liaison.lib import countries
from liaison.lib.text import fold
from liaison.trials.models import Trial, TrialOfficial, TrialSite, TrialStatusChange


def trial_facts(trials: QuerySet[Trial]) -> dict[int, TrialFacts]:
    """The facts experience counts of each trial of ``trials`` (two queries)."""
    suspended = set(
        TrialStatusChange.objects.filter(trial__in=trials, new_status=SUSPENDED)
        .order_by()
        .values_list("trial_id", flat=True)
    )
    columns = (
        "id",
        "nct_id",
        "phase_key",
        "overall_status",
        "why_stopped",
        "start_on",
        "completion_on",
        "enrollment_count",
        "enrollment_type",
    )
    facts: dict[int, TrialFacts] = {}
    for pk, nct_id, phase_key, status, why, start, completion, count, kind in trials.values_list(
        *columns
    ):
        facts[pk] = TrialFacts(
            pk, nct_id, phase_key, status, why, start, completion, count, kind, pk in suspended
        )
    return facts


@dataclass
class _Person:
    name: Counter[str] = field(default_factory=Counter)
    affiliation: Counter[str] = field(default_factory=Counter)
    country: Counter[str] = field(default_factory=Counter)
    roles: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    trial_ids: set[int] = field(default_factory=set)

    def absorb(self, other: _Person) -> None:
        self.name.update(other.name)
        self.affiliation.update(other.affiliation)
        self.country.update(other.country)
        self.roles |= other.roles
        self.sources |= other.sources
        self.trial_ids |= other.trial_ids


HCPValues = tuple[int, str, str, str, str]  # id, given name, family name, suffix, country
_HCP_COLUMNS = ("id", "given_name", "family_name", "suffix", "country")


def _matching_areas(query: FinderQuery) -> dict[int, str]:
    """Therapeutic areas whose condition words (or MeSH names, or name) match a
    condition of the query, either way round: "melanoma" finds an area of
    "melanoma" and one of "skin neoplasms, melanoma"; "lung cancer" one of "cancer"."""
    wanted = [f" {fold(condition)} " for condition in query.conditions]
    areas: dict[int, str] = {}
    for definition in AreaDefinition.objects.select_related("area"):
        words = [*definition.conditions, *definition.mesh_terms, definition.area.name]
        for word in words:
            key = f" {fold(str(word))} "
            if key.strip() and any(key in text or text in key for text in wanted):
                areas[definition.area_id] = definition.area.name
                break
    return areas


def _expert_strengths(
    user: AnyUser, query: FinderQuery, hcp_ids: Sequence[int]
) -> dict[int, ExpertStrength]:
    """Each HCP's best expert score among the matching areas (a query per 500 HCPs)."""
    areas = _matching_areas(query)
    best: dict[int, ExpertStrength] = {}
    if not areas:
        return best
    for chunk in chunks(sorted(hcp_ids)):
        scores = (
            policy.scope(user, "view", ExpertScore)
            .filter(area_id__in=list(areas), hcp_id__in=list(chunk))
            .order_by()
            .values_list("hcp_id", "area_id", "score", "tier")
        )
        for hcp_id, area_id, score, tier in scores:
            if hcp_id not in best or score > best[hcp_id].score:
                best[hcp_id] = ExpertStrength(area_id, areas[area_id], float(score), tier)
    return best


def _link_named(
    user: AnyUser,
    people: dict[str, _Person],
    hcps: dict[int, HCPValues],
    unlinked_officials: dict[str, set[int]],
) -> None:
    """Link the named site investigators no official links yet to the directory HCP
    of their site's country who bears their name, when exactly one does."""
    wanted: dict[str, set[str]] = defaultdict(set)  # a search name -> person keys
    codes: set[str] = set()
    for key, person in people.items():
        if key.startswith("n:") and person.country:
            codes |= set(person.country)
            for name in person.name:
                for search_name in search_names(name):
                    wanted[search_name].add(key)
    found: dict[tuple[str, str], list[HCPValues]] = defaultdict(list)
    for chunk in chunks(sorted(wanted)):
        for values in (
            policy.scope(user, "view", HCP)
            .filter(search_name__in=list(chunk), country__in=sorted(codes))
            .values_list(*_HCP_COLUMNS)
        ):
            found[(name_key(f"{values[1]} {values[2]}"), values[4])].append(values)
    for key in sorted({key for keys in wanted.values() for key in keys}):
        person = people[key]
        matches = {values for code in person.country for values in found[(key[2:], code)]}
        if len(matches) != 1:
            continue
        (values,) = matches
        hcps[values[0]] = values
        linked = f"h:{values[0]}"
        people[linked].absorb(people.pop(key))
        if key in unlinked_officials:
            unlinked_officials[linked] = unlinked_officials.pop(key)


def _trial_countries(user: AnyUser, trial_ids: set[int]) -> dict[int, set[str]]:
    """The site countries (codes) of each trial."""
    found: dict[int, set[str]] = defaultdict(set)
    ids = sorted(trial_ids)
    for chunk in chunks(ids):
        rows = (
            policy.scope(user, "view", TrialSite)
            .filter(trial_id__in=list(chunk))
            .exclude(country="")
            .order_by()
            .values_list("trial_id", "country")
            .distinct()
        )
        for trial_id, country in rows:
            code = countries.code_for(country)
            if code:
                found[trial_id].add(code)
    return found


def find_investigators(
    user: AnyUser, query: FinderQuery, *, today: dt.date | None = None
) -> list[InvestigatorRow]:
    """Every investigator of the query's trials, ranked (without their trials:
    :func:`with_investigator_trials`)."""
    today = today or timezone.localdate()
    trials = matching_trials(user, query)
    facts = trial_facts(trials)
    if not facts:
        return []
    people: dict[str, _Person] = defaultdict(_Person)
    unlinked_officials: dict[str, set[int]] = defaultdict(set)
    officials = (
        policy.scope(user, "view", TrialOfficial)
        .filter(trial__in=trials)
        .order_by()
        .values_list("trial_id", "hcp_id", "name", "affiliation", "role")
    )
    for trial_id, hcp_id, name, affiliation, role in officials:
        if not hcp_id and not is_person(name):
            continue
        key = f"h:{hcp_id}" if hcp_id else f"n:{name_key(name)}"
        person = people[key]
        person.name[name.strip()] += 1
        if affiliation.strip():
            person.affiliation[affiliation.strip()] += 1
        if role:
            person.roles.add(role)
        person.sources.add("overall official")
        person.trial_ids.add(trial_id)
        if not hcp_id:
            unlinked_officials[key].add(trial_id)
    hcps: dict[int, HCPValues] = {
        values[0]: values
        for values in policy.scope(user, "view", HCP)
        .filter(pk__in=TrialOfficial.objects.filter(trial__in=trials).values("hcp_id"))
        .values_list(*_HCP_COLUMNS)
    }
    # A named person resolves to a linked HCP when exactly one HCP bears the name.
    by_name: dict[str, set[str]] = defaultdict(set)
    for key, person in people.items():
        if key.startswith("h:"):
            for name in person.name:
                by_name[name_key(name)].add(key)
            hcp = hcps.get(int(key[2:]))
            if hcp:
                by_name[name_key(f"{hcp[1]} {hcp[2]}")].add(key)
    contacts = (
        matching_sites(user, query)
        .exclude(contacts=[])
        .values_list("trial_id", "contacts", "facility", "country")
    )
    for trial_id, site_contacts, facility, country in contacts:
        for contact in site_contacts or []:
            if not is_investigator(contact):
                continue
            name = str(contact["name"]).strip()
            named = name_key(name)
            holders = by_name.get(named, set())
            key = next(iter(holders)) if len(holders) == 1 else f"n:{named}"
            person = people[key]
            person.name[name] += 1
            if facility.strip():
                person.affiliation[facility.strip()] += 1
            code = countries.code_for(country) if country else None
            if code:
                person.country[code] += 1
            person.roles.add(str(contact["role"]))
            person.sources.add("site investigator")
            person.trial_ids.add(trial_id)
    _link_named(user, people, hcps, unlinked_officials)
    if query.country:
        _keep_in_country(user, query.country, people, hcps, unlinked_officials)
    strengths = _expert_strengths(
        user, query, [int(key[2:]) for key in people if key.startswith("h:")]
    )
    engaged = engaged_hcp_ids(user)
    rows = []
    for key, person in people.items():
        hcp = hcps.get(int(key[2:])) if key.startswith("h:") else None
        linked: int | None = None
        if hcp is not None:
            linked, given, family, suffix, country = hcp
            name = f"{given} {family}".strip() + (f", {suffix}" if suffix else "")
        else:
            name = person.name.most_common(1)[0][0]
            country = person.country.most_common(1)[0][0] if person.country else ""
        experience = experience_of(
            (facts[pk] for pk in person.trial_ids if pk in facts), today=today
        )
        expert = strengths.get(linked) if linked else None
        rows.append(
            InvestigatorRow(
                key=key,
                name=name,
                hcp_id=linked,
                country=country,
                affiliation=person.affiliation.most_common(1)[0][0] if person.affiliation else "",
                roles=[ROLE_WORDS.get(role, role.lower()) for role in sorted(person.roles)],
                sources=sorted(person.sources),
                trial_ids=person.trial_ids,
                experience=experience,
                expert=expert,
                engaged=linked in engaged if linked else False,
                points=experience_points(experience, expert),
                reasons=reasons(experience, query.condition_label, expert, today=today),
            )
        )
    return ranked(rows)


def _keep_in_country(
    user: AnyUser,
    code: str,
    people: dict[str, _Person],
    hcps: dict[int, HCPValues],
    unlinked_officials: dict[str, set[int]],
) -> None:
    """Drop the people not of the country ``code`` (see the module's docstring)."""
    country_word = f" {fold(countries.name(code))} "
    trial_countries = _trial_countries(
        user, {pk for ids in unlinked_officials.values() for pk in ids}
    )
    for key in list(people):
        person = people[key]
        if key.startswith("h:"):
            hcp = hcps.get(int(key[2:]))
            if hcp is None or hcp[4] != code:
                del people[key]
            continue
        if person.country.get(code):
            continue  # a named investigator of a site in the country
        official_trials = unlinked_officials.get(key, set())
        in_country = any(trial_countries.get(pk) == {code} for pk in official_trials) or any(
            country_word in f" {fold(affiliation)} " for affiliation in person.affiliation
        )
        if not (official_trials and in_country):
            del people[key]


def with_investigator_trials(
    rows: Sequence[InvestigatorRow], *, shown: int = TRIALS_SHOWN
) -> Sequence[InvestigatorRow]:
    """Fill the trials and NCT IDs of ``rows`` (one query)."""
    links = trial_links({pk for row in rows for pk in row.trial_ids})
    for row in rows:
        ordered = newest_first(links[pk] for pk in row.trial_ids if pk in links)
        row.trials = ordered[:shown]
        row.nct_ids = [link.nct_id for link in ordered]
    return rows
