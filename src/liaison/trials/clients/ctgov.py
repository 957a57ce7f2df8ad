"""A live client for the ClinicalTrials.gov API v2: ``/api/v2/studies`` page by page.

``fetch_studies(condition, intervention, sponsor, updated_since)`` asks
``GET /api/v2/studies`` with

* ``query.cond``, ``query.intr`` and ``query.spons`` (lead sponsor or
  collaborator; ``lead_sponsor_only`` sends ``query.lead`` instead),
* ``filter.overallStatus`` (comma-separated statuses),
* ``filter.advanced=AREA[LastUpdatePostDate]RANGE[2024-01-01,MAX]`` for studies
  updated since a date,
* ``pageSize`` (at most 1,000), ``countTotal=true`` on the first page,
  ``format=json``,

and follows ``nextPageToken`` until the last page, yielding each page parsed
by :func:`liaison.trials.ctgov.page_from_json` (studies, next token, total).
The API has no key; it asks clients to stay around 50 requests a minute, so
the default rate is one request every 1.2 seconds, with retries on 429 and
5xx honouring ``Retry-After`` (see :mod:`liaison.lib.httpclient`).

Example::

    for page in fetch_studies(condition="melanoma", intervention="pembrolizumab",
                              updated_since=date(2024, 1, 1)):
        for study in page.studies:
            print(study.nct_id, study.overall_status)

No ORM and no settings: callers pass the values (``LIAISON_CTGOV_URL``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence

from liaison.core.errors import LiaisonError
from liaison.lib.httpclient import HttpClient, HttpError, RetryPolicy
from liaison.trials.ctgov import CtgovParseError, Page, page_from_json

DEFAULT_CTGOV_URL = "https://clinicaltrials.gov/api/v2/"
MAX_PAGE_SIZE = 1000
#: About 50 requests a minute, what ClinicalTrials.gov asks of API clients.
DEFAULT_RATE = 1 / 1.2

#: The statuses ``filter.overallStatus`` accepts.
STATUSES = frozenset(
    {
        "ACTIVE_NOT_RECRUITING",
        "COMPLETED",
        "ENROLLING_BY_INVITATION",
        "NOT_YET_RECRUITING",
        "RECRUITING",
        "SUSPENDED",
        "TERMINATED",
        "WITHDRAWN",
        "AVAILABLE",
        "NO_LONGER_AVAILABLE",
        "TEMPORARILY_NOT_AVAILABLE",
        "APPROVED_FOR_MARKETING",
        "WITHHELD",
        "UNKNOWN",
    }
)


class CtgovClientError(LiaisonError):
    """A question the API cannot take, or an answer that is not a studies page."""

    status_code = 502


def studies_params(
    *,
    condition: str | None = None,
    intervention: str | None = None,
    sponsor: str | None = None,
    lead_sponsor_only: bool = False,
    statuses: Sequence[str] = (),
    updated_since: dt.date | None = None,
    page_size: int = MAX_PAGE_SIZE,
) -> list[tuple[str, str | int | None]]:
    """The query parameters of ``GET /studies`` for these criteria (page token aside)."""
    if not (condition or intervention or sponsor or statuses or updated_since):
        raise CtgovClientError(
            "give at least one of condition, intervention, sponsor, status or updated-since"
        )
    unknown = sorted({status.upper() for status in statuses} - STATUSES)
    if unknown:
        raise CtgovClientError(
            f"unknown overall status {', '.join(unknown)}; use one of {', '.join(sorted(STATUSES))}",
            field="status",
        )
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise CtgovClientError(
            f"page size {page_size} is outside 1..{MAX_PAGE_SIZE}", field="page_size"
        )
    advanced = (
        f"AREA[LastUpdatePostDate]RANGE[{updated_since.isoformat()},MAX]" if updated_since else None
    )
    return [
        ("format", "json"),
        ("query.cond", condition or None),
        ("query.intr", intervention or None),
        ("query.lead" if lead_sponsor_only else "query.spons", sponsor or None),
        ("filter.overallStatus", ",".join(status.upper() for status in statuses) or None),
        ("filter.advanced", advanced),
        ("pageSize", page_size),
    ]


class CtgovClient:
    """Pages of ``/api/v2/studies`` over one rate-limited :class:`HttpClient`."""

    def __init__(
        self,
        base_url: str = DEFAULT_CTGOV_URL,
        *,
        rate: float = DEFAULT_RATE,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        http: HttpClient | None = None,
    ) -> None:
        self.url = f"{base_url.rstrip('/')}/studies"
        self.http = http or HttpClient(
            rate=rate, timeout=timeout, retry=retry, service="ClinicalTrials.gov"
        )

    def __enter__(self) -> CtgovClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.http.close()

    def page(
        self,
        params: Sequence[tuple[str, str | int | None]],
        token: str | None = None,
        *,
        on_error: Callable[[CtgovParseError], None] | None = None,
    ) -> Page:
        """One page: the first (with ``countTotal``) or the one ``token`` names.

        A malformed study raises :class:`CtgovParseError`, or, with ``on_error``,
        is passed to it and left out of the page."""
        extra: list[tuple[str, str | int | None]] = (
            [("pageToken", token)] if token else [("countTotal", "true")]
        )
        response = self.http.get(self.url, params=[*params, *extra])
        where = f"{self.url} (page token {token})" if token else self.url
        try:
            data = json.loads(response.content)
        except ValueError:
            raise CtgovClientError(
                f"{where}: the answer is not JSON: {response.content[:120]!r}"
            ) from None
        return page_from_json(data, name=where, on_error=on_error)

    def pages(
        self,
        params: Sequence[tuple[str, str | int | None]],
        *,
        on_error: Callable[[CtgovParseError], None] | None = None,
    ) -> Iterator[Page]:
        """Every page, following ``nextPageToken`` to the last."""
        seen: set[str] = set()
        token: str | None = None
        while True:
            page = self.page(params, token, on_error=on_error)
            yield page
            token = page.next_page_token
            if token is None:
                return
            if token in seen:
                raise CtgovClientError(
                    f"{self.url}: the page token {token!r} came back twice; stopping"
                )
            seen.add(token)


def fetch_studies(
    condition: str | None = None,
    intervention: str | None = None,
    sponsor: str | None = None,
    updated_since: dt.date | None = None,
    *,
    statuses: Sequence[str] = (),
    lead_sponsor_only: bool = False,
    base_url: str = DEFAULT_CTGOV_URL,
    page_size: int = MAX_PAGE_SIZE,
    rate: float = DEFAULT_RATE,
    retry: RetryPolicy | None = None,
    on_total: Callable[[int], None] | None = None,
    on_error: Callable[[CtgovParseError], None] | None = None,
) -> Iterator[Page]:
    """Yield every page of studies matching the criteria, parsed.

    ``on_total`` hears the total count from the first page (for a progress
    bar). Raises :class:`~liaison.lib.httpclient.HttpError` when the API
    cannot be reached or keeps failing,
    :class:`~liaison.trials.ctgov.CtgovParseError` (naming the page and the
    NCT ID) when a study in it is malformed (with ``on_error``: the study is
    passed to it and left out, the fetch goes on), :class:`CtgovClientError` for
    criteria the API cannot take. A run stopped half way can be started
    again: studies are upserted on NCT ID.
    """
    params = studies_params(
        condition=condition,
        intervention=intervention,
        sponsor=sponsor,
        lead_sponsor_only=lead_sponsor_only,
        statuses=statuses,
        updated_since=updated_since,
        page_size=page_size,
    )
    with CtgovClient(base_url, rate=rate, retry=retry) as client:
        for number, page in enumerate(client.pages(params, on_error=on_error)):
            if number == 0 and on_total is not None and page.total_count is not None:
                on_total(page.total_count)
            yield page


__all__ = [
    "DEFAULT_CTGOV_URL",
    "MAX_PAGE_SIZE",
    "CtgovClient",
    "CtgovClientError",
    "HttpError",
    "fetch_studies",
    "studies_params",
]
