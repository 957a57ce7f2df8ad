"""The library's API: publications under /api/v1/publications.

Every medical-affairs role reads the library; handlers call one selector and
shape the answer. An unknown PMID answers 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Status

from liaison.core import downloads
from liaison.core.errors import LiaisonError
from liaison.lib.api import Id, InputSchema, acting_user, paginate, query_error
from liaison.literature import selectors
from liaison.literature.models import Publication
from liaison.literature.schemas import PublicationListQuery, PublicationOut, PublicationPageOut
from liaison.literature.services import references
from liaison.literature.tasks import start_publication_export

router = Router(tags=["Publications"])


@router.get(
    "",
    response=PublicationPageOut,
    summary="Search publications",
    description=(
        "Publications of the library, one page at a time: `q` is a query of the search "
        "language (docs/query-language.md: words of the title and abstract, AND, OR, NOT, "
        "parentheses, quoted phrases, prefix `*`, tags `[ti]` `[tiab]` `[au]` `[mh]` `[pt]` "
        "`[dp]`), the other parameters filter; sorted by relevance (with words in `q`) or date. "
        "A query it cannot read, or a reversed date range, answers 422 naming the parameter."
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
    readable(filters)
    queryset = selectors.with_list_relations(selectors.publication_queryset(user, filters))
    return paginate(queryset, query)


def readable(filters: selectors.PublicationFilters) -> None:
    """A 422 naming ``q`` (or ``date_to``) when the search cannot be run as asked."""
    try:
        selectors.check_filters(filters)
    except LiaisonError as error:
        raise query_error(error.field or "q", error.message) from None


@router.get(
    "/{int:pmid}",
    response=PublicationOut,
    summary="Get a publication",
    description=(
        "One publication by PMID with its abstract sections, authors (and the HCP each is, "
        "when known), MeSH headings, trial registry numbers and comments and corrections."
    ),
)
def get_publication(request: HttpRequest, pmid: Id) -> Publication:
    return selectors.publication_detail(acting_user(request), pmid)


# --- export of a selection to reference files (literature.references) ----------------------


class PublicationExportQuery(InputSchema):
    """The library's filters, or PMIDs, and the file format."""

    format: str = Field("ris", description="ris, bibtex, csv or xlsx")
    pmid: list[Id] = Field(
        default_factory=list, description="PMIDs to export (repeat the parameter); else the filters"
    )
    q: str = Field(
        "", description="A query of the search language (docs/query-language.md), as in GET"
    )
    date_from: dt.date | None = Field(None, description="Published on or after (YYYY-MM-DD)")
    date_to: dt.date | None = Field(None, description="Published on or before (YYYY-MM-DD)")
    publication_type: str = Field("", description='A PubMed publication type, e.g. "Review"')
    journal: str = Field("", description="Part of the journal title or abbreviation, or an ISSN")
    mesh: str = Field("", description="A MeSH descriptor name or UI (D006333)")
    has_trial: bool | None = Field(None, description="true: linked to a trial; false: not")
    author: str = Field("", description="Part of an author's name (accents optional)")
    sort: str = Field("date", description="relevance, date (newest first), oldest")


def export_request(
    query: PublicationExportQuery,
) -> tuple[selectors.PublicationFilters, list[int] | None]:
    if query.format not in references.EXPORT_FORMATS:
        raise query_error("format", f"use one of {', '.join(references.EXPORT_FORMATS)}")
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
    readable(filters)
    return filters, query.pmid or None


@router.get(
    "/export",
    summary="Export publications to a reference file",
    description=(
        "The selected publications (by `pmid`, else every one matching the filters) as a RIS, "
        "BibTeX, CSV or XLSX file for EndNote, Zotero, Mendeley or a spreadsheet. Up to "
        "`LIAISON_EXPORT_SYNC_MAX_ROWS` publications (5,000 by default) come at once; more "
        "answer 422: send the same request as POST to run the export as a job."
    ),
    response={200: None},
)
def export_publications(request: HttpRequest, query: Query[PublicationExportQuery]) -> HttpResponse:
    user = acting_user(request)
    filters, pmids = export_request(query)
    count = references.count_selection(actor=user, filters=filters, pmids=pmids)
    if count > downloads.sync_max_rows():
        raise downloads.too_large(
            count,
            "publications",
            job_hint="POST /api/v1/publications/export with the same parameters runs the"
            " export as a job (202)",
        )
    export = references.export_selection(
        actor=user, format=query.format, filters=filters, pmids=pmids
    )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@router.post(
    "/export",
    response={202: downloads.JobStartedOut},
    summary="Export publications as a background job",
    description=(
        "Starts the export of the selected publications (the query parameters of GET "
        "/api/v1/publications/export) as a job. Poll `api_url` until the job succeeded, then "
        "fetch its `api_download_url`: the file is yours (and administrators') alone, kept "
        "for `LIAISON_EXPORT_KEEP_DAYS` days."
    ),
)
def start_publications_export(
    request: HttpRequest, query: Query[PublicationExportQuery]
) -> Status[dict[str, Any]]:
    user = acting_user(request)
    filters, pmids = export_request(query)
    job = start_publication_export(actor=user, format=query.format, filters=filters, pmids=pmids)
    return Status(202, downloads.started(job))
