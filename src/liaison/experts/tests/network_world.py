"""Records for the network tests: an area defined by a MeSH descriptor, HCPs, papers
with their authors, and HCPs our team engages (an interaction of the MSL's)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from liaison.core.models import User
from liaison.directory.models import HCP, TherapeuticArea
from liaison.engagement.models import Channel, Interaction, InteractionKind
from liaison.experts.models import AreaDefinition
from liaison.literature.models import (
    Authorship,
    AuthorshipRole,
    MeshTerm,
    Publication,
    PublicationMesh,
)

_pmids = itertools.count(41_000_001)


def area(code: str = "net-melanoma", mesh: str = "Melanoma") -> TherapeuticArea:
    record, _ = TherapeuticArea.objects.get_or_create(code=code, defaults={"name": mesh})
    AreaDefinition.objects.update_or_create(area=record, defaults={"mesh_terms": [mesh]})
    return record


def hcp(family: str, *, given: str = "Anna", country: str = "DE", city: str = "") -> HCP:
    return HCP.objects.create(family_name=family, given_name=given, country=country, city=city)


def paper(
    *authors: HCP | None,
    year: int = 2024,
    mesh: str = "Melanoma",
    retracted: bool = False,
    investigators: tuple[HCP, ...] = (),
    title: str = "",
) -> Publication:
    """A publication of ``mesh`` written by ``authors`` in order (``None``: an author
    not linked to an HCP)."""
    pmid = next(_pmids)
    publication = Publication.objects.create(
        pmid=pmid,
        title=title or f"Paper {pmid} on {mesh}",
        published_year=year,
        is_retracted=retracted,
        content_hash="x",
    )
    term = MeshTerm.objects.filter(name=mesh).first() or MeshTerm.objects.create(name=mesh)
    PublicationMesh.objects.create(publication=publication, term=term)
    Authorship.objects.bulk_create(
        [
            Authorship(
                publication=publication,
                position=position,
                family=author.family_name if author else f"Unlinked{position}",
                given=author.given_name if author else "X",
                hcp=author,
            )
            for position, author in enumerate(authors, start=1)
        ]
        + [
            Authorship(
                publication=publication,
                role=AuthorshipRole.INVESTIGATOR,
                position=position,
                family=person.family_name,
                hcp=person,
            )
            for position, person in enumerate(investigators, start=1)
        ]
    )
    return publication


def engage(msl: User, *hcps: HCP) -> Interaction:
    """An interaction of ``msl`` with ``hcps`` yesterday: our team engages them."""
    record = Interaction.objects.create(
        msl=msl,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        time_zone="Europe/Berlin",
        channel=Channel.IN_PERSON,
        kind=InteractionKind.ONE_TO_ONE,
        notes="Discussed the data.",
    )
    record.hcps.set(hcps)
    return record
