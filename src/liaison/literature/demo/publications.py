"""Demo publications planned from the seed (pure: no database).

Most publications come from a co-author community: a productive senior
author (the last author) draws 3 to 12 co-authors, mostly from their own
institution and country in the same therapeutic area (see
:class:`~liaison.directory.demo.community.Community`). Trials that got far enough have
their results, secondary analyses or design papers, written by their
officials and site investigators and naming the NCT ID. Authors carry the
HCP's name, ORCID (when the HCP has one) and institution as affiliation.
Publications spread over the ten years before ``as_of``, more in recent
years; PMIDs rise with the publication date. :mod:`.citations` turns a plan
into the PubMed record the literature services store.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from liaison.directory.demo import topics
from liaison.directory.demo.community import Community, Person
from liaison.directory.demo.evidence import Reference, TrialFacts
from liaison.directory.demo.topics import Condition, Endpoint
from liaison.literature.pubmed import AbstractSection

#: Demo PMIDs start here, far above what PubMed has issued.
FIRST_PMID = 90_000_000

#: Kinds of community publication and their share.
KIND_WEIGHTS = {
    "cohort": 26,
    "retrospective": 14,
    "review": 17,
    "meta_analysis": 7,
    "phase2": 8,
    "rct": 6,
    "case_report": 9,
    "guideline": 3,
    "editorial": 5,
    "letter": 5,
}
_AUTHOR_RANGE = {
    "cohort": (4, 11),
    "retrospective": (3, 9),
    "review": (3, 6),
    "meta_analysis": (4, 8),
    "phase2": (6, 12),
    "rct": (8, 12),
    "case_report": (3, 6),
    "guideline": (6, 12),
    "editorial": (3, 4),
    "letter": (3, 4),
    "trial_results": (8, 12),
    "trial_secondary": (5, 12),
    "trial_design": (4, 10),
}


@dataclass
class PlannedPublication:
    published: dt.date
    kind: str
    area: str
    condition: Condition
    title: str
    abstract: tuple[AbstractSection, ...]
    authors: list[Person]
    collective: str | None = None
    drug: str = ""
    trial: str | None = None
    trial_phases: tuple[str, ...] = ()
    pmid: int = 0


# --- pieces ------------------------------------------------------------------------------


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _publication_date(rng: random.Random, as_of: dt.date) -> dt.date:
    """Within ten years before ``as_of``, denser in recent years."""
    share = rng.random() if rng.random() < 0.5 else 1 - math.sqrt(rng.random())
    return as_of - dt.timedelta(days=int(share * 3650))


def _drug(rng: random.Random, condition: Condition) -> str:
    if condition.products and rng.random() < 0.45:
        return rng.choice(condition.products)
    return rng.choice(condition.comparators)


def _percent(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 1)


def _result_sentence(rng: random.Random, endpoint: Endpoint, drug: str, comparator: str) -> str:
    if endpoint.kind == "time":
        better = round(rng.uniform(8, 30), 1)
        worse = round(better * rng.uniform(0.45, 0.85), 1)
        ratio = round(rng.uniform(0.45, 0.88), 2)
        low, high = round(ratio * 0.8, 2), round(min(ratio * 1.2, 0.99), 2)
        p_value = rng.choice(("<0.001", "=0.002", "=0.01", "=0.03"))
        return (
            f"The median {endpoint.name} was {better} months with {drug} and {worse} months "
            f"with {comparator} (hazard ratio, {ratio}; 95% confidence interval [CI], "
            f"{low} to {high}; P{p_value})."
        )
    if endpoint.kind == "rate":
        better = _percent(rng, 35, 85)
        worse = round(better * rng.uniform(0.4, 0.8), 1)
        return (
            f"A {endpoint.name} occurred in {better}% of the patients in the {drug} group and "
            f"in {worse}% of those in the {comparator} group (difference, "
            f"{round(better - worse, 1)} percentage points; 95% CI, "
            f"{round((better - worse) * 0.7, 1)} to {round((better - worse) * 1.3, 1)})."
        )
    change = _percent(rng, 15, 60)
    other = round(change * rng.uniform(0.1, 0.5), 1)
    return (
        f"The {endpoint.name} from baseline was -{change}% with {drug} and -{other}% with "
        f"{comparator} (between-group difference, -{round(change - other, 1)} percentage "
        f"points; P<0.001)."
    )


def _sections(*parts: tuple[str, str]) -> tuple[AbstractSection, ...]:
    return tuple(AbstractSection(label, label, text) for label, text in parts)


def _plain(text: str) -> tuple[AbstractSection, ...]:
    return (AbstractSection(None, None, text),)


def _mechanism(drug: str) -> str:
    return topics.MECHANISMS.get(drug, "an established treatment")


# --- community publications -----------------------------------------------------------------


def _community_publication(
    rng: random.Random, community: Community, as_of: dt.date
) -> PlannedPublication:
    lead = community.anyone(rng)
    area = lead.areas[0] if len(lead.areas) == 1 or rng.random() < 0.8 else lead.areas[1]
    conditions = topics.AREAS_BY_CODE[area].conditions
    condition = rng.choices(conditions, weights=[item.weight for item in conditions])[0]
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    low, high = _AUTHOR_RANGE[kind]
    authors = community.coauthors(rng, lead, area, rng.randint(low, high))
    # The senior (lead) author signs last, a junior one first.
    rest = authors[1:]
    rng.shuffle(rest)
    authors = [*rest, lead] if rest else [lead]
    drug = _drug(rng, condition)
    comparator = rng.choice([item for item in condition.comparators if item != drug] or ["placebo"])
    published = _publication_date(rng, as_of)
    country = topics.COUNTRY_ADJECTIVES.get(lead.place.country, lead.place.country)
    endpoint = rng.choice(condition.endpoints)
    name, short = condition.name, condition.short
    patients = rng.randint(60, 9000)
    title: str
    abstract: tuple[AbstractSection, ...]
    if kind in ("cohort", "retrospective"):
        design = "prospective cohort" if kind == "cohort" else "retrospective"
        title = rng.choice(
            (
                f"Real-world effectiveness of {drug} in {name}: a {design} study",
                f"Incidence and risk factors of treatment discontinuation in {short}: "
                f"a {country} {'registry' if kind == 'cohort' else 'multicentre'} study",
                f"Long-term outcomes of patients with {name} treated with {drug} "
                f"in routine practice",
                f"{_capital(endpoint.name)} in {short} treated with {drug} versus {comparator}: "
                f"a {country} {design} study",
                f"Sex and age differences in {endpoint.name} among patients with {name}: "
                f"a {design} analysis",
                f"Treatment patterns and {endpoint.name} of {drug} in {short}: "
                f"{rng.choice(('a population-based', 'a multicentre', 'a nationwide'))} "
                f"{design} study",
            )
        )
        abstract = _sections(
            (
                "BACKGROUND",
                f"Evidence on {drug} outside clinical trials in {name} remains limited.",
            ),
            (
                "METHODS",
                f"We included {patients} consecutive patients with {short} treated at "
                f"{rng.randint(2, 40)} centres between {published.year - rng.randint(3, 8)} and "
                f"{published.year - 1}. The primary outcome was {endpoint.name}.",
            ),
            ("RESULTS", _result_sentence(rng, endpoint, drug, comparator)),
            (
                "CONCLUSIONS",
                f"In routine practice, {drug} showed outcomes consistent with the pivotal "
                f"trials in {short}.",
            ),
        )
    elif kind in ("phase2", "rct"):
        phase = "phase 2" if kind == "phase2" else "phase 3"
        title = (
            f"{_capital(drug)} versus {comparator} in {name}: a randomised, {phase} trial"
            if kind == "rct"
            else f"Efficacy and safety of {drug} in {name}: an open-label, {phase} study"
        )
        abstract = _sections(
            ("BACKGROUND", f"{_capital(drug)} is {_mechanism(drug)}."),
            (
                "METHODS",
                f"We randomly assigned {rng.randint(80, 900)} patients with {short} to receive "
                f"{drug} or {comparator}. The primary end point was {endpoint.name}.",
            ),
            ("RESULTS", _result_sentence(rng, endpoint, drug, comparator)),
            (
                "CONCLUSIONS",
                f"{_capital(drug)} improved {endpoint.name} in patients with {short}, "
                f"with a manageable safety profile.",
            ),
        )
    elif kind == "review":
        title = rng.choice(
            (
                f"Current and emerging treatment strategies for {name}: a narrative review",
                f"{_capital(drug)} in {short}: mechanism of action, evidence and place in therapy",
                f"Biomarkers in {name}: from biology to clinical practice",
                f"Sequencing {drug} and {comparator} in {short}: a clinician's review",
                f"Safety of {drug} in {name}: what have we learned?",
                f"{_capital(short)} in older patients: evidence and practical management",
            )
        )
        abstract = _plain(
            f"The treatment of {name} has changed considerably over the past decade. This review "
            f"summarises the evidence for {drug}, {_mechanism(drug)}, and for {comparator}, "
            f"discusses sequencing and patient selection, and outlines open questions for "
            f"clinical research."
        )
    elif kind == "meta_analysis":
        title = rng.choice(
            (
                f"{_capital(drug)} for {name}: a systematic review and meta-analysis "
                f"of randomised trials",
                f"{_capital(drug)} versus {comparator} in {short}: "
                f"a systematic review and network meta-analysis",
                f"{_capital(endpoint.name)} with {drug} in {name}: a meta-analysis of "
                f"{rng.randint(4, 28)} randomised trials",
            )
        )
        abstract = _sections(
            ("BACKGROUND", f"Trials of {drug} in {short} reported heterogeneous results."),
            (
                "METHODS",
                f"We searched MEDLINE, Embase and CENTRAL for randomised trials of {drug} in "
                f"{short} and pooled {rng.randint(4, 28)} trials ({patients} patients) with "
                f"random-effects models.",
            ),
            ("RESULTS", _result_sentence(rng, endpoint, drug, comparator)),
            ("CONCLUSIONS", f"{_capital(drug)} improved {endpoint.name} across trials."),
        )
    elif kind == "case_report":
        title = rng.choice(
            (
                f"An unusual adverse reaction during {drug} therapy for {name}: a case report",
                f"Sustained response to {drug} in refractory {short}: a case report",
            )
        )
        abstract = _plain(
            f"We describe a {rng.randint(24, 86)}-year-old patient with {name} treated with "
            f"{drug}, {_mechanism(drug)}, and discuss the course, management and the "
            f"literature on similar cases."
        )
    elif kind == "guideline":
        title = (
            f"{country} expert recommendations on the management of {name}: {published.year} update"
        )
        abstract = _plain(
            f"A panel of {len(authors)} experts reviewed the evidence on the diagnosis and "
            f"treatment of {name}, including {drug} and {comparator}, and agreed recommendations "
            f"by consensus."
        )
    elif kind == "editorial":
        title = f"{_capital(short)} in {published.year}: where do we stand with {drug}?"
        abstract = ()
    else:  # letter
        title = f"Comment on the use of {drug} in {name}"
        abstract = ()
    return PlannedPublication(published, kind, area, condition, title, abstract, authors, drug=drug)


# --- trial publications ------------------------------------------------------------------------


def _trial_publications(
    rng: random.Random, community: Community, trial: TrialFacts, as_of: dt.date
) -> list[PlannedPublication]:
    investigators = list(trial.officials)
    for person in sorted(trial.site_investigators, key=lambda person: -community.weight(person)):
        if person not in investigators:
            investigators.append(person)
    if len(investigators) < 2 or not trial.interventional:
        return []
    drug = trial.drug
    comparator = trial.comparator or "standard of care"
    name, short = trial.condition.name, trial.condition.short
    the_trial = f"the {trial.acronym} trial" if trial.acronym else "a randomised trial"
    named = f" ({trial.acronym})" if trial.acronym else ""
    planned: list[PlannedPublication] = []

    def authors(kind: str) -> list[Person]:
        low, high = _AUTHOR_RANGE[kind]
        count = min(rng.randint(low, high), len(investigators))
        chosen = investigators[:1] + rng.sample(investigators[1:], k=count - 1)
        return chosen[:1] + sorted(chosen[1:], key=lambda person: -community.weight(person))

    ready = trial.results_after
    if ready is not None and trial.phases != ("PHASE1",):
        published = ready + dt.timedelta(days=rng.randint(120, 540))
        endpoint = trial.condition.endpoints[0]
        if published < as_of:
            phase = ", ".join(phase.replace("PHASE", "phase ") for phase in trial.phases)
            planned.append(
                PlannedPublication(
                    published,
                    "trial_results",
                    trial.area,
                    trial.condition,
                    f"{_capital(drug)} versus {comparator} in {name}{named}: "
                    f"a randomised, {phase} trial",
                    _sections(
                        ("BACKGROUND", f"{_capital(drug)} is {_mechanism(drug)}."),
                        (
                            "METHODS",
                            f"In this multicentre trial at {len(trial.site_investigators)} sites, we "
                            f"randomly assigned {trial.enrollment} patients with {short} to "
                            f"{drug} or {comparator}. The primary end point was {endpoint.name}.",
                        ),
                        ("RESULTS", _result_sentence(rng, endpoint, drug, comparator)),
                        (
                            "CONCLUSIONS",
                            f"{_capital(drug)} improved {endpoint.name} in {short}. (Funded by "
                            f"{trial.sponsor}; {trial.acronym or ''} ClinicalTrials.gov "
                            f"number, {trial.nct_id}.)".replace(";  ", "; "),
                        ),
                    ),
                    authors("trial_results"),
                    collective=(
                        f"{trial.acronym} Investigators"
                        if trial.acronym and rng.random() < 0.4
                        else None
                    ),
                    drug=drug,
                    trial=trial.nct_id,
                    trial_phases=trial.phases,
                )
            )
            for _ in range(rng.randint(0, 2)):
                later = published + dt.timedelta(days=rng.randint(90, 900))
                if later >= as_of:
                    break
                topic = rng.choice(
                    (
                        "patient-reported outcomes",
                        "outcomes by age and sex",
                        "biomarker analysis",
                        "long-term safety",
                    )
                )
                planned.append(
                    PlannedPublication(
                        later,
                        "trial_secondary",
                        trial.area,
                        trial.condition,
                        f"{_capital(topic)} with {drug} in {short}: a secondary analysis of "
                        f"{the_trial}",
                        _sections(
                            ("BACKGROUND", f"{_capital(the_trial)} showed a benefit of {drug}."),
                            ("METHODS", f"A prespecified analysis of {topic} in {the_trial}."),
                            ("RESULTS", _result_sentence(rng, endpoint, drug, comparator)),
                            ("CONCLUSIONS", f"Results were consistent across {topic}."),
                        ),
                        authors("trial_secondary"),
                        drug=drug,
                        trial=trial.nct_id,
                        trial_phases=trial.phases,
                    )
                )
    elif trial.status == "RECRUITING" and trial.phases == ("PHASE3",) and rng.random() < 0.5:
        published = trial.start + dt.timedelta(days=rng.randint(60, 400))
        if published < as_of:
            planned.append(
                PlannedPublication(
                    published,
                    "trial_design",
                    trial.area,
                    trial.condition,
                    f"Rationale and design of {the_trial} of {drug} versus {comparator} in {name}",
                    _plain(
                        f"{trial.acronym or 'The trial'} ({trial.nct_id}) is a randomised "
                        f"phase 3 trial enrolling "
                        f"about {trial.enrollment} patients with {short} at {len(trial.site_investigators)} "
                        f"sites. We describe its rationale, design and statistical plan."
                    ),
                    authors("trial_design"),
                    drug=drug,
                    trial=trial.nct_id,
                    trial_phases=trial.phases,
                )
            )
    return planned


def plan_publications(
    rng: random.Random,
    community: Community,
    trials: list[TrialFacts],
    count: int,
    as_of: dt.date,
) -> list[PlannedPublication]:
    """About ``count`` publications: the trials' own, then community ones; PMIDs in
    date order."""
    if len(community) == 0 or count < 1:
        return []
    planned: list[PlannedPublication] = []
    for trial in trials:
        planned += _trial_publications(rng, community, trial, as_of)
    planned = planned[:count]
    while len(planned) < count:
        planned.append(_community_publication(rng, community, as_of))
    planned.sort(key=lambda plan: plan.published)
    pmid = FIRST_PMID
    for plan in planned:
        pmid += rng.randint(1, 400)
        plan.pmid = pmid
    return planned


def references(planned: list[PlannedPublication]) -> dict[str, list[Reference]]:
    """The publications naming each trial, by NCT ID, in publication order."""
    by_trial: dict[str, list[Reference]] = {}
    for plan in planned:
        if plan.trial:
            by_trial.setdefault(plan.trial, []).append(Reference(plan.pmid, plan.published))
    return by_trial
