"""The library's API: publications under /api/v1/publications.

Every medical-affairs role reads the library; handlers call one selector and
shape the answer. An unknown PMID answers 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from liaison.core.api import acting_user, paginate, query_error
from liaison.literature import selectors
from liaison.literature.models import Publication
from liaison.literature.schemas import PublicationListQuery, PublicationOut, PublicationPageOut

router = Router(tags=["Publications"])


@router.get(
    "",
    response=PublicationPageOut,
    summary="Search publications",
    description=(
        "Publications of the library, one page at a time: `q` searches titles and abstracts "
        "(all words), the other parameters filter; sorted by relevance (with `q`) or date."
    ),
)
def list_publications(request: HttpRequest, query: Query[PublicationListQuery]) -> dict[str, Any]:
    user = acting_user(request)
    if query.sort not in selectors.PUBLICATION_SORTS:
        raise query_error("sort", f"use one of {', '.join(selectors.PUBLICATION_SORTS)}")
    filters = selectors.PublicationFilters(
        q=query.q,
        date_from=query.date_from,
        date_to=query.date_to,
        publication_type=query.publication_type,
        journal=query.journal,
        mesh=query.mesh,
        has_trial=query.has_trial,
        author=query.author,
        sort=query.sort,
    )
    queryset = selectors.with_list_relations(selectors.publication_queryset(user, filters))
    return paginate(queryset, query)


@router.get(
    "/{pmid}",
    response=PublicationOut,
    summary="Get a publication",
    description=(
        "One publication by PMID with its abstract sections, authors (and the HCP each is, "
        "when known), MeSH headings, trial registry numbers and comments and corrections."
    ),
)
def get_publication(request: HttpRequest, pmid: int) -> Publication:
    return selectors.publication_detail(acting_user(request), pmid)
