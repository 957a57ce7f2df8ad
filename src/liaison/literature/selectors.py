"""Reads of the library, always starting from the policy's queryset.

:func:`publication_queryset` is the one search of the library, used by the
page, the API, exports and the watches that run on the library: the query
(``q``, in the search language of :mod:`liaison.lib.query`, matched by
:mod:`.search`), filters, and the sort. :func:`check_filters` says what of
them cannot be read, before any search.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.policy import AnyUser
from liaison.lib import query
from liaison.lib.text import fold
from liaison.literature import search
from liaison.literature.models import (
    Authorship,
    AuthorshipRole,
    MeshTerm,
    Publication,
    PublicationMesh,
    PublicationTrial,
    PublicationType,
)

#: Sort keys: newest first, oldest first, best match first (newest without a query).
PUBLICATION_SORTS = ("date", "oldest", "relevance")


@dataclass(frozen=True)
class PublicationFilters:
    """What the library is searched for; empty values do not filter."""

    q: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    publication_type: str = ""
    journal: str = ""
    mesh: str = ""
    has_trial: bool | None = None
    author: str = ""
    sort: str = "date"


def _by_date(queryset: QuerySet[Publication], *, newest: bool) -> QuerySet[Publication]:
    if newest:
        return queryset.order_by(F("published_on").desc(nulls_last=True), "-pmid")
    return queryset.order_by(F("published_on").asc(nulls_last=True), "pmid")


def check_filters(filters: PublicationFilters) -> query.Node | None:
    """The tree of the query ``q`` (``None`` when blank), once the filters are known
    to be readable: a query that cannot be read raises :class:`liaison.lib.query.QueryError`
    naming ``q``, a date range that ends before it starts a :class:`LiaisonError`
    naming ``date_to``."""
    node = query.parse(filters.q, field="q")
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise LiaisonError(
            f"the date range is reversed: published up to {filters.date_to:%Y-%m-%d} is "
            f"before published from {filters.date_from:%Y-%m-%d}",
            field="date_to",
        )
    return node


def publication_queryset(user: AnyUser, filters: PublicationFilters) -> QuerySet[Publication]:
    """The publications ``user`` may see that match ``filters``, sorted (see
    :func:`check_filters` for the errors)."""
    node = check_filters(filters)
    queryset = policy.scope(user, "view", Publication)
    by_relevance = filters.sort == "relevance" and node is not None
    if node is not None and not by_relevance:
        queryset = search.matching(queryset, node)
    if filters.date_from is not None:
        queryset = queryset.filter(published_on__gte=filters.date_from)
    if filters.date_to is not None:
        queryset = queryset.filter(published_on__lte=filters.date_to)
    if filters.publication_type:
        queryset = queryset.filter(
            Exists(
                Publication.types.through.objects.filter(
                    publication=OuterRef("pk"), publicationtype__name=filters.publication_type
                )
            )
        )
    journal = filters.journal.strip()
    if journal:
        queryset = queryset.filter(
            Q(journal__title__icontains=journal)
            | Q(journal__iso_abbreviation__icontains=journal)
            | Q(journal__issn=journal)
        )
    mesh = filters.mesh.strip()
    if mesh:
        terms = MeshTerm.objects.filter(Q(ui=mesh) | Q(name__iexact=mesh))
        queryset = queryset.filter(
            Exists(PublicationMesh.objects.filter(publication=OuterRef("pk"), term__in=terms))
        )
    if filters.has_trial is not None:
        linked = Exists(PublicationTrial.objects.filter(publication=OuterRef("pk")))
        queryset = queryset.filter(linked if filters.has_trial else ~linked)
    author = fold(filters.author)
    if author:
        # Authors only, as PubMed's [au]: an investigator is not an author of the paper.
        queryset = queryset.filter(
            Exists(
                Authorship.objects.filter(
                    publication=OuterRef("pk"),
                    role=AuthorshipRole.AUTHOR,
                    search_name__contains=author,
                )
            )
        )
    if by_relevance:
        best_first = search.ranked(queryset, node)  # matches and sorts in one go
        if best_first is not None:
            return best_first
        queryset = search.matching(queryset, node)  # no words to rank by: newest first
    return _by_date(queryset, newest=filters.sort != "oldest")


def with_list_relations(queryset: QuerySet[Publication]) -> QuerySet[Publication]:
    """What a result list shows: the journal and the first authors (not the investigators)."""
    return queryset.select_related("journal").prefetch_related(
        Prefetch(
            "authorships",
            queryset=Authorship.objects.filter(role=AuthorshipRole.AUTHOR).order_by("position"),
        )
    )


def publication_detail(user: AnyUser, pmid: int) -> Publication:
    """One publication with everything its page shows (404 when unseen or unknown):
    its authors and, apart, its investigators (``Publication.authors``, ``.investigators``)."""
    queryset = Publication.objects.select_related("journal").prefetch_related(
        Prefetch(
            "authorships",
            queryset=Authorship.objects.select_related("hcp").order_by("role", "position"),
        ),
        Prefetch(
            "mesh_headings",
            queryset=PublicationMesh.objects.select_related("term").order_by(
                "-major", "term__name"
            ),
        ),
        Prefetch("trials", queryset=PublicationTrial.objects.order_by("nct_id")),
        "types",
    )
    return policy.get_for(user, "view", queryset, pmid=pmid)


def publication_type_names(user: AnyUser) -> list[str]:
    """Publication types in the library, for the filter's choices."""
    return list(policy.scope(user, "view", PublicationType).values_list("name", flat=True))
