"""Planned demo publications as the PubMed records a real load reads (pure).

:func:`to_citation` draws the journal, dates, MeSH headings, grants and
affiliations of one :class:`~.publications.PlannedPublication` from the
generator; the literature step stores the records through the same service
as a PubMed file.
"""

from __future__ import annotations

import datetime as dt
import random

from liaison.directory.demo import topics
from liaison.directory.demo.topics import Descriptor
from liaison.literature.demo.publications import PlannedPublication
from liaison.literature.pubmed import (
    ArticleIds,
    Author,
    Chemical,
    Citation,
    Grant,
    Journal,
    MeshHeading,
    MeshQualifier,
    PartialDate,
    PublicationType,
)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TYPES: dict[str, tuple[Descriptor, ...]] = {
    "cohort": (topics.JOURNAL_ARTICLE, topics.OBSERVATIONAL, topics.MULTICENTER),
    "retrospective": (topics.JOURNAL_ARTICLE, topics.COMPARATIVE),
    "review": (topics.JOURNAL_ARTICLE, topics.REVIEW),
    "meta_analysis": (
        topics.JOURNAL_ARTICLE,
        topics.META_ANALYSIS,
        topics.SYSTEMATIC_REVIEW,
    ),
    "phase2": (topics.CLINICAL_TRIAL, topics.PHASE_2, topics.JOURNAL_ARTICLE),
    "rct": (topics.JOURNAL_ARTICLE, topics.RCT, topics.PHASE_3),
    "case_report": (topics.CASE_REPORTS, topics.JOURNAL_ARTICLE),
    "guideline": (topics.JOURNAL_ARTICLE, topics.PRACTICE_GUIDELINE),
    "editorial": (topics.EDITORIAL,),
    "letter": (topics.LETTER,),
    "trial_results": (
        topics.JOURNAL_ARTICLE,
        topics.RCT,
        topics.MULTICENTER,
        topics.PHASE_3,
    ),
    "trial_secondary": (topics.JOURNAL_ARTICLE, topics.RCT),
    "trial_design": (topics.JOURNAL_ARTICLE, topics.CLINICAL_TRIAL),
}
_CHECK_TAGS = (topics.ADULT, topics.MIDDLE_AGED, topics.AGED, topics.MALE, topics.FEMALE)
_DESIGN_TERMS: dict[str, tuple[Descriptor, ...]] = {
    "cohort": (topics.PROSPECTIVE, topics.COHORT, topics.RISK_FACTORS),
    "retrospective": (topics.RETROSPECTIVE, topics.TREATMENT_OUTCOME, topics.TIME_FACTORS),
    "review": (topics.BIOMARKERS,),
    "meta_analysis": (topics.RCT_AS_TOPIC, topics.TREATMENT_OUTCOME),
    "phase2": (topics.TREATMENT_OUTCOME, topics.COMBINATION),
    "rct": (topics.TREATMENT_OUTCOME, topics.KAPLAN_MEIER),
    "case_report": (topics.TREATMENT_OUTCOME,),
    "guideline": (topics.GUIDELINE_ADHERENCE,),
    "trial_results": (topics.TREATMENT_OUTCOME, topics.KAPLAN_MEIER),
    "trial_secondary": (topics.QUALITY_OF_LIFE, topics.PROGNOSIS),
    "trial_design": (topics.RCT_AS_TOPIC,),
}


def _heading(term: Descriptor, major: bool, *qualifiers: Descriptor) -> MeshHeading:
    return MeshHeading(
        term.ui,
        term.name,
        major and not qualifiers,
        tuple(MeshQualifier(item.ui, item.name, major) for item in qualifiers),
    )


def _mesh(rng: random.Random, plan: PlannedPublication) -> tuple[MeshHeading, ...]:
    if plan.kind in ("editorial", "letter") and rng.random() < 0.5:
        return ()
    area = topics.AREAS_BY_CODE[plan.area]
    condition = plan.condition
    qualifier = {
        "cohort": topics.EPIDEMIOLOGY,
        "retrospective": topics.THERAPY,
        "case_report": topics.DIAGNOSIS,
        "guideline": topics.THERAPY,
    }.get(plan.kind, topics.DRUG_THERAPY)
    headings = [_heading(condition.mesh[0], True, qualifier)]
    headings += [_heading(term, False) for term in condition.mesh[1:]]
    if plan.kind in ("review", "guideline", "editorial") or rng.random() < 0.2:
        headings.append(_heading(area.root, False, topics.THERAPY))
    headings.append(_heading(topics.HUMANS, False))
    if plan.kind not in ("review", "editorial", "letter", "guideline", "trial_design"):
        tags = list(_CHECK_TAGS)
        if plan.kind == "case_report":
            tags = [rng.choice(tags[:3]), rng.choice(tags[3:])]
        headings += [_heading(tag, False) for tag in tags]
    headings += [_heading(term, False) for term in _DESIGN_TERMS.get(plan.kind, ())]
    drug_class = rng.choice(area.drug_classes)
    headings.append(
        _heading(drug_class, rng.random() < 0.5, topics.THERAPEUTIC_USE, topics.ADVERSE_EFFECTS)
        if plan.kind in ("rct", "trial_results", "phase2")
        else _heading(drug_class, False, topics.THERAPEUTIC_USE)
    )
    # MeSH lists headings alphabetically.
    headings.sort(key=lambda heading: heading.name.lower())
    return tuple(headings)


def _journal(rng: random.Random, plan: PlannedPublication) -> tuple[tuple[str, str], int, int, str]:
    journals = topics.AREAS_BY_CODE[plan.area].journals
    if plan.kind in ("trial_results", "rct"):
        title = journals[rng.randrange(min(3, len(journals)))]
    elif rng.random() < 0.12:
        title = rng.choice(topics.GENERAL_JOURNALS)
    else:
        title = rng.choice(journals)
    founded = 1995 + sum(ord(char) for char in title[0]) % 20
    volume = plan.published.year - founded + 1
    start = rng.randint(1, 1800)
    pages = f"{start}-{start + rng.randint(4, 14)}" if plan.abstract else f"{start}-{start + 1}"
    return title, volume, plan.published.month, pages


def _authors(rng: random.Random, plan: PlannedPublication) -> tuple[Author, ...]:
    authors = []
    for person in plan.authors:
        affiliations = [person.place.affiliation]
        if person.second_place is not None and rng.random() < 0.5:
            affiliations.append(person.second_place.affiliation)
        authors.append(
            Author(
                family=person.family,
                given=person.given,
                initials=person.initials or None,
                suffix=person.suffix or None,
                collective=None,
                affiliations=tuple(affiliations),
                orcid=person.orcid,
                equal_contribution=False,
                valid=True,
            )
        )
    if plan.collective:
        authors.append(Author(None, None, None, None, plan.collective, (), None, False, True))
    return tuple(authors)


def to_citation(rng: random.Random, plan: PlannedPublication) -> Citation:
    """The PubMed record of a planned publication (``plan.pmid`` set)."""
    (journal_title, iso), volume, issue, pages = _journal(rng, plan)
    published = plan.published
    exact = rng.random() < 0.6
    month = MONTHS[published.month - 1]
    text = f"{published.year} {month} {published.day:02d}" if exact else f"{published.year} {month}"
    electronic = None
    if rng.random() < 0.7:
        epub = published - dt.timedelta(days=rng.randint(14, 90))
        electronic = PartialDate(
            epub.year, epub.month, epub.day, f"{epub.year} {epub.month:02d} {epub.day:02d}"
        )
    lead = plan.authors[-1]
    types = list(_TYPES[plan.kind])
    if topics.PHASE_3 in types and plan.trial_phases and "PHASE3" not in plan.trial_phases:
        phase = {"PHASE2": topics.PHASE_2, "PHASE4": topics.CLINICAL_TRIAL}
        types[types.index(topics.PHASE_3)] = phase.get(plan.trial_phases[-1], topics.CLINICAL_TRIAL)
    grants: list[Grant] = []
    if lead.place.country == "US" and rng.random() < 0.3:
        letters, agency = topics.AREAS_BY_CODE[plan.area].nih_institute
        grants.append(
            Grant(f"R01 {letters}{rng.randint(100000, 299999)}", letters, agency, "United States")
        )
        types.append(topics.NIH_SUPPORT)
    if plan.trial or rng.random() < 0.3:
        types.append(topics.NON_US_SUPPORT)
    area = topics.AREAS_BY_CODE[plan.area]
    chemicals: tuple[Chemical, ...] = ()
    if plan.kind not in ("editorial", "letter"):
        drug_class = area.drug_classes[0]
        chemicals = (Chemical(drug_class.ui, drug_class.name, None),)
    slug = "".join(char for char in iso.lower() if char.isalpha())[:12]
    return Citation(
        pmid=plan.pmid,
        version=1,
        kind="article",
        title=plan.title + ("" if plan.title.endswith("?") else "."),
        vernacular_title=None,
        abstract=plan.abstract,
        journal=Journal(journal_title, iso, None, None, str(volume), str(issue), pages),
        published=PartialDate(
            published.year, published.month, published.day if exact else None, text
        ),
        electronic_date=electronic,
        languages=("eng",),
        publication_types=tuple(PublicationType(item.ui, item.name) for item in types),
        authors=_authors(rng, plan),
        investigators=(),
        mesh=_mesh(rng, plan),
        keywords=tuple(dict.fromkeys((*plan.condition.keywords[:3], plan.drug)))
        if plan.abstract and plan.drug
        else (),
        chemicals=chemicals,
        grants=tuple(grants),
        article_ids=ArticleIds(
            f"10.5555/{slug}.{published.year}.{plan.pmid % 100000:05d}", None, None
        ),
        trial_ids=(plan.trial,) if plan.trial else (),
        comments_corrections=(),
    )
