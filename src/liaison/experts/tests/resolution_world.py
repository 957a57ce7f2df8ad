"""Publications and trial officials for the resolution tests, written directly."""

from __future__ import annotations

import itertools
from typing import Any

from liaison.directory.models import HCP
from liaison.literature.models import Authorship, AuthorshipRole, Journal, Publication
from liaison.trials.models import Trial, TrialOfficial

_pmids = itertools.count(40_000_001)
_ncts = itertools.count(91_000_001)


def paper(
    *authors: dict[str, Any], year: int = 2020, journal: str = "Journal of Lung Cancer"
) -> Publication:
    """A publication whose authors are given as Authorship fields, in order."""
    found, _ = Journal.objects.get_or_create(title=journal)
    publication = Publication.objects.create(
        pmid=next(_pmids), title=f"Paper {year}", published_year=year, journal=found
    )
    for position, values in enumerate(authors, start=1):
        values = dict(values)
        values.setdefault("role", AuthorshipRole.AUTHOR)
        Authorship.objects.create(publication=publication, position=position, **values)
    return publication


def author(family: str, given: str, *, place: str = "", **values: Any) -> dict[str, Any]:
    initials = "".join(part[0] for part in given.replace("-", " ").split() if part)
    values.setdefault("initials", initials)
    values.setdefault("affiliations", [place] if place else [])
    return {"family": family, "given": given, **values}


def trial_official(name: str, affiliation: str = "", hcp: HCP | None = None) -> TrialOfficial:
    trial = Trial.objects.create(nct_id=f"NCT{next(_ncts):08d}", conditions=["Lung Cancer"])
    return TrialOfficial.objects.create(
        trial=trial,
        position=1,
        name=name,
        affiliation=affiliation,
        hcp=hcp,
        role="PRINCIPAL_INVESTIGATOR",
    )


def key_of(authorship: Authorship) -> str:
    return f"a:{authorship.pk}"


def authorships(family: str) -> list[Authorship]:
    return list(Authorship.objects.filter(family=family).order_by("pk"))


LUND = "Department of Oncology, Lund University, Lund, Sweden"
KAROLINSKA = "Karolinska Institutet, Stockholm, Sweden"
