"""Demo clinical trials as ClinicalTrials.gov would register them (pure: no database).

Each trial studies a demo product in one of its conditions, sponsored by the
product's company (or, for investigator-initiated trials, by an academic
centre with the company as collaborator). Sites are demo institutions of the
area, each with a demo HCP as site principal investigator; the overall
officials are demo HCPs too. Statuses, phases and dates span the registry's
range and agree with each other; some trials carry a status history: they
are stored once per earlier snapshot, so the trials service records the
status changes as it does between real loads.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from liaison.directory.demo.community import Community, Person, Place
from liaison.directory.demo.evidence import Reference, TrialFacts
from liaison.directory.demo.topics import (
    AREAS_BY_CODE,
    DEVELOPMENT_CODES,
    REGISTRY_COUNTRIES,
    US_STATES,
    Condition,
)
from liaison.trials.ctgov import (
    Arm,
    Contact,
    Enrollment,
    Intervention,
    Location,
    MeshTerm,
    Official,
    Outcome,
    Sponsor,
    Study,
)

#: Demo NCT IDs are NCT09xxxxxx, beyond what the registry has issued.
NCT_PREFIX = "NCT09"
FIRST_NCT_NUMBER = 100_000

STATUS_WEIGHTS = {
    "COMPLETED": 30,
    "RECRUITING": 24,
    "ACTIVE_NOT_RECRUITING": 15,
    "NOT_YET_RECRUITING": 8,
    "TERMINATED": 7,
    "ENROLLING_BY_INVITATION": 3,
    "SUSPENDED": 3,
    "WITHDRAWN": 4,
    "UNKNOWN": 4,
}
PHASE_WEIGHTS: dict[tuple[str, ...], int] = {
    ("PHASE1",): 8,
    ("PHASE1", "PHASE2"): 5,
    ("PHASE2",): 24,
    ("PHASE2", "PHASE3"): 5,
    ("PHASE3",): 34,
    ("PHASE4",): 10,
    (): 14,  # observational
}
STOP_REASONS = {
    "TERMINATED": (
        "Futility at a planned interim analysis",
        "Sponsor decision (portfolio prioritization)",
        "Slow enrollment",
        "Recommendation of the independent data monitoring committee",
    ),
    "SUSPENDED": (
        "Temporary pause for a safety review by the data monitoring committee",
        "Drug supply interruption",
    ),
    "WITHDRAWN": (
        "Study was not initiated (business decision)",
        "No participants enrolled",
    ),
}
ACRONYM_WORDS = (
    "FIRST", "ADVANCE", "HORIZON", "PRIME", "SUMMIT", "BRIDGE", "ASCEND", "CLARITY",
    "VISION", "PATHWAY", "DELTA", "FORWARD", "INSIGHT", "REACH", "SPHERE", "ORBIT",
)  # fmt: skip
_SITE_STATUS = {
    "NOT_YET_RECRUITING": "NOT_YET_RECRUITING",
    "RECRUITING": "RECRUITING",
    "ENROLLING_BY_INVITATION": "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING": "ACTIVE_NOT_RECRUITING",
    "COMPLETED": "COMPLETED",
    "TERMINATED": "TERMINATED",
    "SUSPENDED": "SUSPENDED",
    "WITHDRAWN": "WITHDRAWN",
}


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """A demo product as the generators need it."""

    name: str
    generic: str
    company: str
    area: str
    is_own: bool


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The trial as the registry showed it at one time."""

    status: str
    posted: dt.date  # its last update posted


@dataclass
class PlannedTrial:
    """A trial and the snapshots of it to store, oldest first."""

    nct_id: str
    area: str
    condition: Condition
    product: ProductInfo
    phases: tuple[str, ...]
    interventional: bool
    acronym: str | None
    brief_title: str
    official_title: str
    sponsor: Sponsor
    collaborators: tuple[Sponsor, ...]
    comparator: str
    enrollment: int
    start: dt.date
    primary_completion: dt.date
    completion: dt.date
    first_posted: dt.date
    history: list[Snapshot]  # every status it went through, oldest first
    stored: list[Snapshot]  # the snapshots loaded, oldest first (the last is current)
    sites: list[tuple[Place, Person]]  # institution and its site principal investigator
    officials: list[tuple[Person | None, Official]]
    has_results: bool
    why_stopped: str | None
    references: list[Reference] = field(default_factory=list)  # its publications

    @property
    def status(self) -> str:
        return self.stored[-1].status

    @property
    def published_results_after(self) -> dt.date | None:
        """When results could be published (the primary completion), if the trial got there."""
        if self.status in ("COMPLETED", "ACTIVE_NOT_RECRUITING", "TERMINATED"):
            return self.primary_completion
        return None

    def facts(self) -> TrialFacts:
        """What a publication about this trial may state (the literature builder's view)."""
        return TrialFacts(
            nct_id=self.nct_id,
            area=self.area,
            condition=self.condition,
            drug=self.product.generic,
            comparator=self.comparator,
            phases=self.phases,
            interventional=self.interventional,
            acronym=self.acronym,
            status=self.status,
            start=self.start,
            results_after=self.published_results_after,
            enrollment=self.enrollment,
            sponsor=self.sponsor.name,
            officials=tuple(person for person, _ in self.officials if person),
            site_investigators=tuple(person for _, person in self.sites),
        )

    def studies(self) -> list[Study]:
        """One :class:`Study` per stored snapshot, oldest first."""
        return [self._study(snapshot, snapshot is self.stored[-1]) for snapshot in self.stored]

    def _study(self, snapshot: Snapshot, current: bool) -> Study:
        status = snapshot.status
        ended = status in ("COMPLETED", "TERMINATED", "WITHDRAWN")
        actual = status in ("ACTIVE_NOT_RECRUITING", "COMPLETED", "TERMINATED", "WITHDRAWN")
        enrollment = 0 if status == "WITHDRAWN" else self.enrollment
        drug = self.product.generic.capitalize()
        interventions = [
            Intervention(
                "BIOLOGICAL" if self.product.generic.endswith("mab") else "DRUG",
                drug,
                f"{drug} as specified in the protocol",
                tuple(
                    name
                    for name in (self.product.name, DEVELOPMENT_CODES.get(self.product.generic))
                    if name
                ),
            )
        ]
        arms = [Arm(drug, "EXPERIMENTAL", f"Participants receive {drug}.", (drug,))]
        if self.interventional and self.comparator:
            comparator = self.comparator.capitalize()
            interventions.append(Intervention("DRUG", comparator, None, ()))
            kind = "PLACEBO_COMPARATOR" if comparator == "Placebo" else "ACTIVE_COMPARATOR"
            arms.append(Arm(comparator, kind, f"Participants receive {comparator}.", (comparator,)))
        if not self.interventional:
            arms = [Arm(f"Patients treated with {drug}", None, None, (drug,))]
        site_status = _SITE_STATUS.get(status)
        locations = tuple(
            Location(
                place.name,
                place.city,
                US_STATES.get(place.region) if place.country == "US" else None,
                None,
                REGISTRY_COUNTRIES.get(place.country, place.country),
                None,
                None,
                site_status,
                (Contact(investigator.registry_name, "PRINCIPAL_INVESTIGATOR", None, None),),
            )
            for place, investigator in self.sites
        )
        endpoints = self.condition.endpoints
        primary = endpoints[0].name if self.phases != ("PHASE1",) else "dose-limiting toxicities"
        return Study(
            nct_id=self.nct_id,
            brief_title=self.brief_title,
            official_title=self.official_title,
            acronym=self.acronym,
            overall_status=status,
            status_verified_date=snapshot.posted.strftime("%Y-%m"),
            why_stopped=self.why_stopped if current and status in STOP_REASONS else None,
            phases=self.phases,
            study_type="INTERVENTIONAL" if self.interventional else "OBSERVATIONAL",
            enrollment=Enrollment(enrollment, "ACTUAL" if actual else "ESTIMATED"),
            conditions=(self.condition.registry_name,),
            condition_mesh=tuple(MeshTerm(term.ui, term.name) for term in self.condition.mesh),
            keywords=self.condition.keywords[:3],
            interventions=tuple(interventions),
            arms=tuple(arms),
            lead_sponsor=self.sponsor,
            collaborators=self.collaborators,
            officials=tuple(official for _, official in self.officials),
            locations=locations,
            primary_outcomes=(Outcome(primary.capitalize(), None, "Up to 48 months"),),
            secondary_outcomes=(
                *(
                    Outcome(endpoint.name.capitalize(), None, "Up to 60 months")
                    for endpoint in endpoints[1:]
                ),
                Outcome("Incidence of treatment-emergent adverse events", None, "Up to 60 months"),
            ),
            start_date=_registry_date(self.start, exact=self.start <= snapshot.posted),
            primary_completion_date=_registry_date(
                self.primary_completion, exact=ended or self.primary_completion <= snapshot.posted
            ),
            completion_date=_registry_date(
                self.completion, exact=ended or self.completion <= snapshot.posted
            ),
            first_posted=self.first_posted.isoformat(),
            last_update_posted=snapshot.posted.isoformat(),
            has_results=self.has_results and current,
            reference_pmids=tuple(
                reference.pmid
                for reference in self.references
                if reference.published <= snapshot.posted
            ),
        )


def _registry_date(date: dt.date, *, exact: bool) -> str:
    """Actual dates are days; anticipated ones often only a month ("2027-06")."""
    return date.isoformat() if exact or date.day % 3 else date.strftime("%Y-%m")


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _timeline(
    rng: random.Random, status: str, as_of: dt.date
) -> tuple[list[Snapshot], dt.date, dt.date, dt.date, dt.date]:
    """The statuses a trial went through and its first posted, start, primary
    completion and completion dates, consistent with ``status`` on ``as_of``."""
    past = as_of - dt.timedelta(days=10)
    if status == "NOT_YET_RECRUITING":
        posted = as_of - _days(rng, 10, 120)
        start = as_of + _days(rng, 15, 270)
        primary = start + _days(rng, 500, 1500)
        return [Snapshot(status, posted)], posted, start, primary, primary + _days(rng, 90, 540)
    if status in ("RECRUITING", "ENROLLING_BY_INVITATION"):
        start = as_of - _days(rng, 30, 1100)
        posted = start - _days(rng, 20, 120)
        primary = max(start + _days(rng, 700, 1800), as_of + _days(rng, 60, 400))
        history = [Snapshot("NOT_YET_RECRUITING", posted), Snapshot(status, start)]
        return history, posted, start, primary, primary + _days(rng, 90, 540)
    if status == "WITHDRAWN":
        posted = as_of - _days(rng, 200, 1500)
        start = posted + _days(rng, 60, 200)
        withdrawn = min(posted + _days(rng, 60, 400), past)
        history = [Snapshot("NOT_YET_RECRUITING", posted), Snapshot(status, withdrawn)]
        return history, posted, start, start, start
    if status == "SUSPENDED":
        start = as_of - _days(rng, 200, 900)
        posted = start - _days(rng, 20, 120)
        suspended = min(start + _days(rng, 60, 700), past)
        primary = as_of + _days(rng, 200, 900)
        history = [
            Snapshot("NOT_YET_RECRUITING", posted),
            Snapshot("RECRUITING", start),
            Snapshot(status, suspended),
        ]
        return history, posted, start, primary, primary + _days(rng, 90, 365)
    if status == "UNKNOWN":
        start = as_of - _days(rng, 2000, 3500)
        posted = start - _days(rng, 20, 120)
        verified = start + _days(rng, 100, 600)
        history = [
            Snapshot("NOT_YET_RECRUITING", posted),
            Snapshot("RECRUITING", start),
            Snapshot(status, verified + dt.timedelta(days=730)),
        ]
        primary = start + _days(rng, 700, 1400)
        return history, posted, start, primary, primary + _days(rng, 90, 365)
    if status == "TERMINATED":
        start = as_of - _days(rng, 700, 3300)
        posted = start - _days(rng, 20, 120)
        stopped = min(start + _days(rng, 120, 1000), past)
        history = [
            Snapshot("NOT_YET_RECRUITING", posted),
            Snapshot("RECRUITING", start),
            Snapshot(status, stopped),
        ]
        return history, posted, start, stopped, stopped
    if status == "ACTIVE_NOT_RECRUITING":
        start = as_of - _days(rng, 500, 2200)
        posted = start - _days(rng, 20, 120)
        closed = min(start + _days(rng, 300, 900), past)
        primary = closed + _days(rng, 60, 700)
        history = [
            Snapshot("NOT_YET_RECRUITING", posted),
            Snapshot("RECRUITING", start),
            Snapshot(status, closed),
        ]
        return history, posted, start, primary, max(primary, as_of) + _days(rng, 90, 700)
    # COMPLETED
    start = as_of - _days(rng, 1300, 3600)
    posted = start - _days(rng, 20, 120)
    closed = start + _days(rng, 300, 900)
    primary = closed + _days(rng, 90, 600)
    completion = primary + _days(rng, 0, 300)
    overshoot = completion - (as_of - dt.timedelta(days=60))
    if overshoot.days > 0:
        start, posted, closed, primary, completion = (
            day - overshoot for day in (start, posted, closed, primary, completion)
        )
    history = [
        Snapshot("NOT_YET_RECRUITING", posted),
        Snapshot("RECRUITING", start),
        Snapshot("ACTIVE_NOT_RECRUITING", closed),
        Snapshot(status, completion + _days(rng, 10, 45)),
    ]
    return history, posted, start, primary, completion


def _enrollment(rng: random.Random, phases: tuple[str, ...], area: str) -> int:
    if phases in (("PHASE1",), ("PHASE1", "PHASE2")):
        return rng.randint(2, 12) * 10
    if phases == ("PHASE2",):
        return rng.randint(6, 40) * 10
    if phases in (("PHASE3",), ("PHASE2", "PHASE3")):
        top = 1500 if area == "cardiology" else 120
        return rng.randint(30, top) * 10
    return rng.randint(20, 400) * 10


def _site_count(rng: random.Random, phases: tuple[str, ...], sponsored: bool) -> int:
    if not sponsored:
        return rng.randint(1, 5)
    if phases in (("PHASE1",), ("PHASE1", "PHASE2")):
        return rng.randint(1, 4)
    if phases == ("PHASE2",):
        return rng.randint(3, 15)
    if phases in (("PHASE3",), ("PHASE2", "PHASE3")):
        return rng.randint(10, 40)
    return rng.randint(3, 20)


def _titles(
    plan_phases: tuple[str, ...],
    interventional: bool,
    drug: str,
    comparator: str,
    condition: Condition,
    acronym: str | None,
) -> tuple[str, str]:
    tag = f" ({acronym})" if acronym else ""
    registry = condition.registry_name
    if not interventional:
        brief = f"Real-World Outcomes of {drug} in {registry}{tag}"
        official = (
            f"A Prospective, Multicenter, Observational Study of the Effectiveness and Safety "
            f"of {drug} in Routine Clinical Practice in Patients With {registry}"
        )
        return brief, official
    phase = " / ".join(phase.replace("PHASE", "Phase ") for phase in plan_phases)
    if comparator == "placebo":
        brief = f"A Study of {drug} Compared With Placebo in Participants With {registry}{tag}"
        design = "Randomized, Double-blind, Placebo-controlled"
    elif comparator:
        brief = f"{drug} Versus {comparator.capitalize()} in {registry}{tag}"
        design = "Randomized, Open-label, Active-controlled"
    else:
        brief = f"A Study of {drug} in Participants With {registry}{tag}"
        design = "Open-label, Dose-escalation and Expansion"
    official = (
        f"A {phase}, {design}, Multicenter Study to Evaluate the Efficacy and Safety of "
        f"{drug} in Participants With {condition.name}"
    )
    return brief, official


def plan_trials(
    rng: random.Random,
    community: Community,
    products: list[ProductInfo],
    count: int,
    as_of: dt.date,
) -> list[PlannedTrial]:
    """``count`` trials of ``products`` at the community's institutions, NCT IDs in
    order of first posting."""
    studied = [
        (product, condition)
        for product in products
        for condition in AREAS_BY_CODE[product.area].conditions
        if product.generic in condition.products and community.sites.get(product.area)
    ]
    if not studied or count < 1:
        return []
    weights = [condition.weight * (3 if product.is_own else 2) for product, condition in studied]
    academic = {
        area: [(place, weight) for place, weight in sites if "University" in place.name] or sites
        for area, sites in community.sites.items()
    }
    acronym_numbers: dict[str, int] = {}
    trials: list[PlannedTrial] = []
    all_phases = list(PHASE_WEIGHTS)
    all_statuses = list(STATUS_WEIGHTS)
    for number in range(count):
        product, condition = rng.choices(studied, weights=weights)[0]
        area = product.area
        # The first trials go through every phase and status once, so even a small
        # demo shows the whole spectrum; the rest follow the weights.
        phases = rng.choices(all_phases, weights=list(PHASE_WEIGHTS.values()))[0]
        if number < len(all_phases):
            phases = all_phases[number]
        interventional = bool(phases)
        status = rng.choices(all_statuses, weights=list(STATUS_WEIGHTS.values()))[0]
        if number < len(all_statuses):
            status = all_statuses[number]
        history, posted, start, primary, completion = _timeline(rng, status, as_of)
        sponsored = rng.random() < 0.75
        drug = product.generic.capitalize()
        comparator = ""
        if interventional and phases != ("PHASE1",):
            comparator = rng.choice(["placebo", *condition.comparators])
        acronym = None
        if phases not in (("PHASE1",),) and rng.random() < 0.8:
            stem = product.name.upper()[:4] + "-" + rng.choice(ACRONYM_WORDS)
            acronym_numbers[stem] = acronym_numbers.get(stem, 0) + 1
            number = acronym_numbers[stem]
            acronym = stem if number == 1 else f"{stem} {number}"
        brief, official = _titles(phases, interventional, drug, comparator, condition, acronym)

        # Sites: institutions of the area, weighted by their people's output; an
        # investigator-initiated trial stays in its sponsor's country.
        candidates = community.sites[area]
        if sponsored:
            sponsor = Sponsor(product.company, "INDUSTRY")
            collaborators: tuple[Sponsor, ...] = ()
        else:
            home, _ = rng.choices(academic[area], weights=[weight for _, weight in academic[area]])[
                0
            ]
            sponsor = Sponsor(home.name, "OTHER")
            collaborators = (Sponsor(product.company, "INDUSTRY"),)
            if home.country == "US" and rng.random() < 0.4:
                collaborators += (Sponsor("National Institutes of Health (NIH)", "NIH"),)
            candidates = [item for item in candidates if item[0].country == home.country]
        wanted = 0 if status == "WITHDRAWN" else _site_count(rng, phases, sponsored)
        places: list[Place] = []
        if not sponsored:
            places.append(home)
        attempts = 0
        while len(places) < min(wanted, len(candidates)) and attempts < wanted * 10:
            attempts += 1
            place = rng.choices(candidates, weights=[weight for _, weight in candidates])[0][0]
            if place not in places:
                places.append(place)
        sites: list[tuple[Place, Person]] = []
        for place in places:
            investigator = community.at(rng, place, area)
            if investigator is not None:
                sites.append((place, investigator))

        officials: list[tuple[Person | None, Official]] = []
        if sites:
            ranked = sorted(sites, key=lambda site: -community.weight(site[1]))
            chairs = 2 if len(sites) >= 15 and rng.random() < 0.5 else 1
            role = "STUDY_CHAIR" if len(sites) > 1 else "PRINCIPAL_INVESTIGATOR"
            for place, person in ranked[:chairs]:
                officials.append((person, Official(person.registry_name, place.name, role)))
        if sponsored and rng.random() < 0.5:
            officials.append(
                (None, Official("Medical Director", product.company, "STUDY_DIRECTOR"))
            )

        stored = [history[-1]]
        if len(history) > 1 and rng.random() < 0.35:
            stored = history[-rng.choice((2, 3)) :]
        stored = [
            Snapshot(item.status, min(item.posted + _days(rng, 1, 14), as_of)) for item in stored
        ]
        if stored[-1].status in ("RECRUITING", "ACTIVE_NOT_RECRUITING", "ENROLLING_BY_INVITATION"):
            last = stored[-1]
            later = last.posted + dt.timedelta(
                days=rng.randint(0, max((as_of - last.posted).days, 0))
            )
            stored[-1] = Snapshot(last.status, later)
        has_results = (
            status == "COMPLETED"
            and interventional
            and phases != ("PHASE1",)
            and completion < as_of - dt.timedelta(days=365)
            and rng.random() < 0.6
        )
        if has_results:
            last = stored[-1]
            stored[-1] = Snapshot(
                last.status, max(last.posted, min(completion + _days(rng, 300, 420), as_of))
            )
        trials.append(
            PlannedTrial(
                nct_id="",
                area=area,
                condition=condition,
                product=product,
                phases=phases,
                interventional=interventional,
                acronym=acronym,
                brief_title=brief,
                official_title=official,
                sponsor=sponsor,
                collaborators=collaborators,
                comparator=comparator,
                enrollment=_enrollment(rng, phases, area) // (1 if sponsored else 4) or 12,
                start=start,
                primary_completion=primary,
                completion=completion,
                first_posted=posted,
                history=history,
                stored=stored,
                sites=sites,
                officials=officials,
                has_results=has_results,
                why_stopped=rng.choice(STOP_REASONS[status]) if status in STOP_REASONS else None,
            )
        )
    trials.sort(key=lambda trial: trial.first_posted)
    number = FIRST_NCT_NUMBER
    for trial in trials:
        number += rng.randint(1, 800)
        trial.nct_id = f"{NCT_PREFIX}{number:06d}"
    return trials
