"""A small library for the search language's tests (the library's and the watches'):
publications written through the ORM, as any write path does (the search index
follows them by itself), with what a PubMed load would store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from liaison.lib.text import fold
from liaison.literature.models import (
    Authorship,
    AuthorshipRole,
    MeshTerm,
    Publication,
    PublicationMesh,
    PublicationType,
)

Person = tuple[str, str, str]  # family, given, initials


@dataclass(frozen=True)
class Paper:
    pmid: int
    title: str
    abstract: str
    published_on: dt.date
    authors: tuple[Person, ...] = ()
    investigators: tuple[Person, ...] = ()
    mesh: tuple[str, ...] = ()
    types: tuple[str, ...] = ("Journal Article",)


MESH = {
    "Alzheimer Disease": "D000544",
    "Cardiovascular Diseases": "D002318",
    "Heart Failure": "D006333",
    "Heart Transplantation": "D016027",
    "Amyloidosis": "D000686",
}
RCT = "Randomized Controlled Trial"

PAPERS = (
    Paper(
        101,
        "Lecanemab in early Alzheimer's disease",
        "Amyloid removal slowed decline in a randomized trial.",
        dt.date(2023, 1, 5),
        authors=(("van Dyck", "Christopher H", "CH"), ("Swanson", "Chad J", "CJ")),
        mesh=("Alzheimer Disease",),
        types=("Journal Article", RCT),
    ),
    Paper(
        102,
        "Evolocumab and clinical outcomes in cardiovascular disease",
        "PCSK9 inhibition lowered LDL cholesterol.",
        dt.date(2017, 5, 4),
        authors=(("Sabatine", "Marc S", "MS"),),
        mesh=("Cardiovascular Diseases",),
        types=("Journal Article", RCT),
    ),
    Paper(
        103,
        "Heart failure registries: a review",
        "Registries of heart failure care vary across Europe.",
        dt.date(2019, 6, 1),
        authors=(("Müller", "Jürgen", "J"),),
        mesh=("Heart Failure",),
        types=("Journal Article", "Review"),
    ),
    Paper(
        104,
        "Failure of heart transplant grafts",
        "Graft failure after heart transplantation.",
        dt.date(2021, 2, 1),
        authors=(("Smith", "John A", "JA"),),
        investigators=(("Okafor", "Ngozi", "N"),),
        mesh=("Heart Transplantation",),
    ),
    Paper(
        105,
        "Cardiomyopathy in amyloidosis",
        "Cardiac amyloid deposits treated with tafamidis in a trial.",
        dt.date(2020, 11, 1),
        authors=(("García", "José", "J"),),
        # A study group's member: an investigator, not an author (PubMed's [au] too).
        investigators=(("Sabatine", "Marc S", "MS"), ("Smith", "Jane", "J")),
        mesh=("Amyloidosis",),
    ),
    Paper(
        106,
        "Donanemab versus lecanemab: a review",
        "Anti-amyloid antibodies compared in Alzheimer disease.",
        dt.date(2024, 3, 1),
        authors=(("Weiß", "Karl", "K"),),
        mesh=("Alzheimer Disease",),
        types=("Journal Article", "Review"),
    ),
    Paper(
        107,
        "Café au lait spots",
        "Diagnosis in children.",
        dt.date(2018, 1, 1),
        authors=(("Dupont", "Pierre", "P"),),
    ),
)


def search_name(person: Person) -> str:
    """``Authorship.search_name`` as the loader writes it."""
    return fold(" ".join(part for part in person if part))


def build() -> list[Publication]:
    """The papers of :data:`PAPERS` in the library."""
    terms = {name: MeshTerm.objects.create(ui=ui, name=name) for name, ui in MESH.items()}
    types: dict[str, PublicationType] = {}
    stored = []
    for paper in PAPERS:
        publication = Publication.objects.create(
            pmid=paper.pmid,
            title=paper.title,
            abstract_text=paper.abstract,
            published_on=paper.published_on,
            published_year=paper.published_on.year,
        )
        for role, people in (
            (AuthorshipRole.AUTHOR, paper.authors),
            (AuthorshipRole.INVESTIGATOR, paper.investigators),
        ):
            for position, person in enumerate(people, start=1):
                family, given, initials = person
                Authorship.objects.create(
                    publication=publication,
                    role=role,
                    position=position,
                    family=family,
                    given=given,
                    initials=initials,
                    search_name=search_name(person),
                )
        for name in paper.mesh:
            PublicationMesh.objects.create(publication=publication, term=terms[name])
        for name in paper.types:
            if name not in types:
                types[name] = PublicationType.objects.create(name=name)
            publication.types.add(types[name])
        stored.append(publication)
    return stored
