"""Records for the scoring tests: an area defined by a MeSH descriptor and a trial
condition, its publications with authorships, its trials with officials."""

from __future__ import annotations

import itertools
from typing import Any

from liaison.directory.models import HCP, TherapeuticArea
from liaison.experts.models import AreaDefinition
from liaison.literature.models import Authorship, MeshTerm, Publication, PublicationMesh
from liaison.trials.models import Trial, TrialOfficial

_pmids = itertools.count(30_000_001)
_ncts = itertools.count(70_000_001)


def area(
    code: str = "melanoma", name: str = "Melanoma", *, mesh: str = "Melanoma"
) -> TherapeuticArea:
    record, _ = TherapeuticArea.objects.get_or_create(code=code, defaults={"name": name})
    AreaDefinition.objects.update_or_create(
        area=record, defaults={"mesh_terms": [mesh], "conditions": [mesh.lower()]}
    )
    return record


def hcp(family: str, *, country: str = "DE", given: str = "Anna", **values: Any) -> HCP:
    return HCP.objects.create(family_name=family, given_name=given, country=country, **values)


def publication(
    *authors: HCP | None,
    year: int = 2025,
    types: tuple[str, ...] = ("Journal Article",),
    retracted: bool = False,
    mesh: str = "Melanoma",
    investigators: tuple[HCP, ...] = (),
) -> Publication:
    """A publication of ``mesh`` whose authors are ``authors`` in order (``None``: an
    author not linked to an HCP)."""
    pub = Publication.objects.create(
        pmid=next(_pmids),
        title=f"A study of {mesh}",
        published_year=year,
        publication_types=[{"ui": "", "name": name} for name in types],
        is_retracted=retracted,
        content_hash="x",
    )
    term = MeshTerm.objects.filter(name=mesh).first() or MeshTerm.objects.create(name=mesh)
    PublicationMesh.objects.create(publication=pub, term=term)
    for position, author in enumerate(authors, start=1):
        Authorship.objects.create(
            publication=pub,
            position=position,
            family=author.family_name if author else f"Unlinked{position}",
            given=author.given_name if author else "X",
            hcp=author,
        )
    for position, investigator in enumerate(investigators, start=1):
        Authorship.objects.create(
            publication=pub,
            role="investigator",
            position=position,
            family=investigator.family_name,
            hcp=investigator,
        )
    return pub


def trial(
    *officials: tuple[HCP, str],
    condition: str = "melanoma",
    phases: tuple[str, ...] = ("PHASE3",),
    status: str = "RECRUITING",
    sponsor_class: str = "INDUSTRY",
    enrollment: int | None = None,
    start: str = "2025-01-01",
) -> Trial:
    import datetime as dt

    record = Trial.objects.create(
        nct_id=f"NCT{next(_ncts):08d}",
        brief_title=f"A trial in {condition}",
        overall_status=status,
        phases=list(phases),
        conditions=[condition],
        condition_text=f" {condition.lower()} ",
        lead_sponsor_class=sponsor_class,
        enrollment_count=enrollment,
        start_on=dt.date.fromisoformat(start),
        start_date=start,
        content_hash="x",
    )
    for position, (person, role) in enumerate(officials, start=1):
        TrialOfficial.objects.create(
            trial=record, position=position, name=person.full_name, role=role, hcp=person
        )
    return record
