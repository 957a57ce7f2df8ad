"""Which evidence belongs to a therapeutic area (its :class:`AreaDefinition`).

A publication belongs when it carries one of the area's MeSH descriptors (by
name, case-insensitively) or matches the area's library search; a trial when
one of the area's condition words appears in its conditions (or its condition
MeSH terms). An area without a definition has no evidence. These are the
system's reads (scoring, networks and the finder start from them); what a user
may see of the evidence is public to every member.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from liaison.directory.models import TherapeuticArea
from liaison.experts.models import AreaDefinition
from liaison.lib.text import fold
from liaison.literature import search
from liaison.literature.models import Publication, PublicationMesh
from liaison.trials.models import Trial


def definition_of(area: TherapeuticArea) -> AreaDefinition | None:
    return AreaDefinition.objects.filter(area=area).first()


def area_publications(area: TherapeuticArea) -> QuerySet[Publication]:
    """The area's publications (retracted ones included: scoring gives them nothing)."""
    definition = definition_of(area)
    if definition is None:
        return Publication.objects.none()
    wanted = Q(pk__in=[])
    names = [name for name in definition.mesh_terms if name.strip()]
    if names:
        mesh = Q()
        for name in names:
            mesh |= Q(term__name__iexact=name.strip())
        wanted |= Q(pk__in=PublicationMesh.objects.filter(mesh).values("publication_id"))
    if definition.search_query.strip():
        matched = search.matching(Publication.objects.all(), definition.search_query)
        wanted |= Q(pk__in=matched.values("pk"))
    return Publication.objects.filter(wanted)


def condition_query(words: list[str]) -> Q:
    """Trials whose conditions (or condition MeSH terms) contain one of ``words``."""
    query = Q(pk__in=[])
    for word in words:
        key = fold(word).strip()
        if key:
            query |= Q(condition_text__contains=f" {key}")
    return query


def area_trials(area: TherapeuticArea) -> QuerySet[Trial]:
    """The area's trials: by its condition words, else by its MeSH descriptor names."""
    definition = definition_of(area)
    if definition is None:
        return Trial.objects.none()
    words = list(definition.conditions) or list(definition.mesh_terms)
    return Trial.objects.filter(condition_query(words))
