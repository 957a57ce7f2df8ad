"""A live client for NCBI E-utilities: PubMed searches fetched as raw efetch XML batches.

``fetch_pubmed(query, since)`` runs ``esearch`` with the history server
(``usehistory=y``) and then ``efetch`` in batches through the returned
``WebEnv`` and ``query_key``, yielding the raw XML bytes of each batch
(a ``PubmedArticleSet``) for :func:`liaison.literature.pubmed.parse_pubmed`
to read. It keeps to NCBI's usage rules:

* ``api_key``, ``email`` and ``tool`` are sent with every request;
* 3 requests per second without an API key, 10 with one (the rate limit of
  :mod:`liaison.lib.httpclient`, shared by every client in the process);
* 429 and 5xx answers are retried with back-off, honouring ``Retry-After``;
* PubMed hands out at most the first 10,000 records of one search, so a query
  with more hits is split by publication date (``datetype=pdat``,
  ``mindate``/``maxdate``) into halves, recursively, until each part has
  10,000 hits or fewer.

Example::

    for batch in fetch_pubmed("pembrolizumab AND melanoma", since=date(2024, 1, 1),
                              api_key=key, email="me@example.org"):
        for record in parse_pubmed(io.BytesIO(batch), name="efetch"):
            ...

No ORM and no settings here: callers pass the values (the ``pubmed fetch``
command reads them from ``LIAISON_NCBI_*`` settings).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from liaison.core.errors import LiaisonError
from liaison.lib.httpclient import HttpClient, HttpError, RetryPolicy

DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
#: The most records E-utilities returns for one PubMed search.
MAX_RECORDS_PER_SEARCH = 10_000
#: Records per efetch request: about 8 MB of XML for typical records.
DEFAULT_BATCH_SIZE = 500
#: Longer search terms go in a POSTed form rather than the URL.
LONG_TERM = 1500
RATE_WITHOUT_KEY = 3.0
RATE_WITH_KEY = 10.0
#: The bounds of the date splitting when the caller gives none: before the
#: oldest PubMed record, and after any "ahead of print" date.
EARLIEST = dt.date(1800, 1, 1)
LATEST_YEARS_AHEAD = 5


class EutilsError(LiaisonError):
    """E-utilities answered, but not with what was asked (an error message, a bad document)."""

    status_code = 502


@dataclass(frozen=True, slots=True)
class EutilsConfig:
    """Where and how to call E-utilities. ``tool`` and ``email`` identify the
    software to NCBI; the ``api_key`` raises the allowed rate to 10 per second."""

    base_url: str = DEFAULT_EUTILS_URL
    api_key: str | None = None
    email: str | None = None
    tool: str = "liaison"
    batch_size: int = DEFAULT_BATCH_SIZE
    timeout: float = 60.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def rate(self) -> float:
        return RATE_WITH_KEY if self.api_key else RATE_WITHOUT_KEY

    def url(self, utility: str) -> str:
        return f"{self.base_url.rstrip('/')}/{utility}"


@dataclass(frozen=True, slots=True)
class Search:
    """One esearch answer stored on the history server."""

    count: int
    webenv: str
    query_key: str
    mindate: dt.date | None = None
    maxdate: dt.date | None = None


def _date_param(value: dt.date | None) -> str | None:
    return value.strftime("%Y/%m/%d") if value is not None else None


class EutilsClient:
    """esearch and efetch for PubMed, over one rate-limited :class:`HttpClient`."""

    def __init__(self, config: EutilsConfig | None = None, *, http: HttpClient | None = None):
        self.config = config or EutilsConfig()
        self.http = http or HttpClient(
            rate=self.config.rate,
            timeout=self.config.timeout,
            retry=self.config.retry,
            service="PubMed",
        )

    def __enter__(self) -> EutilsClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.http.close()

    def _identity(self) -> list[tuple[str, str | None]]:
        return [
            ("tool", self.config.tool or None),
            ("email", self.config.email),
            ("api_key", self.config.api_key),
        ]

    def esearch(
        self,
        term: str,
        *,
        mindate: dt.date | None = None,
        maxdate: dt.date | None = None,
        datetype: str = "pdat",
    ) -> Search:
        """Search PubMed and keep the result on the history server."""
        if (mindate is None) != (maxdate is None):
            raise ValueError("mindate and maxdate go together")
        params: list[tuple[str, str | int | None]] = [
            ("db", "pubmed"),
            ("term", term),
            ("usehistory", "y"),
            ("retmax", 0),
            ("retmode", "json"),
        ]
        if mindate is not None:
            params += [
                ("datetype", datetype),
                ("mindate", _date_param(mindate)),
                ("maxdate", _date_param(maxdate)),
            ]
        url = self.config.url("esearch.fcgi")
        if len(term) > LONG_TERM:
            # NCBI asks for POST when a term would make the URL too long.
            response = self.http.post_form(url, data=[*params, *self._identity()])
        else:
            response = self.http.get(url, params=[*params, *self._identity()])
        result = _esearch_result(response.content, url)
        return Search(
            count=result["count"],
            webenv=result["webenv"],
            query_key=result["query_key"],
            mindate=mindate,
            maxdate=maxdate,
        )

    def efetch(self, search: Search, *, retstart: int, retmax: int) -> bytes:
        """One batch of PubMed XML from the history server."""
        url = self.config.url("efetch.fcgi")
        params: list[tuple[str, str | int | None]] = [
            ("db", "pubmed"),
            ("WebEnv", search.webenv),
            ("query_key", search.query_key),
            ("retstart", retstart),
            ("retmax", retmax),
            ("retmode", "xml"),
            *self._identity(),
        ]
        response = self.http.get(url, params=params)
        body = response.content
        _refuse_error_document(body, url, retstart)
        return body

    def batches(self, search: Search) -> Iterator[bytes]:
        """Every record of ``search`` (at most 10,000), ``batch_size`` per efetch."""
        size = max(1, self.config.batch_size)
        for retstart in range(0, min(search.count, MAX_RECORDS_PER_SEARCH), size):
            yield self.efetch(search, retstart=retstart, retmax=size)

    def searches(
        self,
        term: str,
        *,
        mindate: dt.date | None = None,
        maxdate: dt.date | None = None,
        datetype: str = "pdat",
        on_total: Callable[[int], None] | None = None,
    ) -> Iterator[Search]:
        """Searches of at most 10,000 hits each that together cover ``term``:
        the search itself when it is small enough, else its date range split in
        halves, recursively, oldest first. ``on_total`` hears the first count."""
        first = self.esearch(term, mindate=mindate, maxdate=maxdate, datetype=datetype)
        if on_total is not None:
            on_total(first.count)
        if first.count <= MAX_RECORDS_PER_SEARCH:
            if first.count:
                yield first
            return
        low = mindate or EARLIEST
        high = maxdate or dt.date(dt.date.today().year + LATEST_YEARS_AHEAD, 12, 31)
        yield from self._split(term, low, high, datetype, first.count)

    def _split(
        self, term: str, low: dt.date, high: dt.date, datetype: str, count: int
    ) -> Iterator[Search]:
        if low >= high:
            raise EutilsError(
                f"{count} PubMed records match {term!r} with {datetype} {_date_param(low)}: "
                f"more than the {MAX_RECORDS_PER_SEARCH:,} E-utilities returns for one search, "
                "and one day cannot be split further; narrow the query"
            )
        middle = low + (high - low) // 2
        for start, end in ((low, middle), (middle + dt.timedelta(days=1), high)):
            part = self.esearch(term, mindate=start, maxdate=end, datetype=datetype)
            if part.count == 0:
                continue
            if part.count <= MAX_RECORDS_PER_SEARCH:
                yield part
            else:
                yield from self._split(term, start, end, datetype, part.count)


def fetch_pubmed(
    query: str,
    since: dt.date | None = None,
    *,
    until: dt.date | None = None,
    datetype: str = "pdat",
    api_key: str | None = None,
    email: str | None = None,
    tool: str = "liaison",
    base_url: str = DEFAULT_EUTILS_URL,
    batch_size: int = DEFAULT_BATCH_SIZE,
    retry: RetryPolicy | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """Yield the raw PubMed XML of every record matching ``query``, batch by batch.

    ``since``/``until`` limit the search by ``datetype`` (``pdat`` publication
    date, ``edat`` Entrez date, ``mdat`` modification date); ``until`` defaults
    to a few years ahead when only ``since`` is given. ``on_total`` is called
    once with the number of hits (for a progress bar). Raises
    :class:`~liaison.lib.httpclient.HttpError` when the service cannot be
    reached or keeps failing, :class:`EutilsError` when it answers with an
    error. Each batch is a complete ``PubmedArticleSet``: a run stopped half
    way can be started again, and records already stored are upserted.
    """
    if since is not None and until is None:
        until = dt.date(dt.date.today().year + LATEST_YEARS_AHEAD, 12, 31)
    if until is not None and since is None:
        since = EARLIEST
    config = EutilsConfig(
        base_url=base_url,
        api_key=api_key or None,
        email=email or None,
        tool=tool,
        batch_size=batch_size,
        retry=retry or RetryPolicy(),
    )
    with EutilsClient(config) as client:
        for search in client.searches(
            query, mindate=since, maxdate=until, datetype=datetype, on_total=on_total
        ):
            yield from client.batches(search)


def _esearch_result(content: bytes, url: str) -> dict[str, Any]:
    """``count``, ``webenv`` and ``query_key`` of an esearch JSON answer, or :class:`EutilsError`."""
    try:
        data = json.loads(content)
    except ValueError:
        raise EutilsError(f"{url}: the esearch answer is not JSON: {content[:120]!r}") from None
    if not isinstance(data, dict):
        raise EutilsError(f"{url}: the esearch answer is not a JSON object")
    if "error" in data:
        raise EutilsError(f"{url}: E-utilities error: {data['error']}")
    result = data.get("esearchresult")
    if not isinstance(result, dict):
        raise EutilsError(f"{url}: the esearch answer has no esearchresult")
    if result.get("ERROR"):
        raise EutilsError(f"{url}: E-utilities error: {result['ERROR']}")
    try:
        count = int(result["count"])
    except (KeyError, TypeError, ValueError):
        raise EutilsError(f"{url}: esearchresult.count is missing or not a number") from None
    webenv = result.get("webenv")
    query_key = result.get("querykey")
    if count and (not isinstance(webenv, str) or not webenv or query_key in (None, "")):
        raise EutilsError(
            f"{url}: esearchresult has no webenv/querykey (was usehistory=y refused?)"
        )
    return {"count": count, "webenv": webenv or "", "query_key": str(query_key or "")}


def _refuse_error_document(body: bytes, url: str, retstart: int) -> None:
    """An efetch answer that is an error message rather than PubMed XML."""
    head = body[:2048]
    if b"<PubmedArticleSet" in head or b"<PubmedArticle" in head:
        return
    start = head.find(b"<ERROR>")
    if start != -1:
        end = head.find(b"</ERROR>", start)
        message = head[start + 7 : end if end != -1 else None].decode("utf-8", "replace").strip()
        raise EutilsError(f"{url} (retstart {retstart}): E-utilities error: {message}")
    if head.lstrip().startswith(b"{"):
        raise EutilsError(
            f"{url} (retstart {retstart}): expected PubMed XML, got JSON: {head[:160]!r}"
        )


__all__ = [
    "DEFAULT_EUTILS_URL",
    "MAX_RECORDS_PER_SEARCH",
    "EutilsClient",
    "EutilsConfig",
    "EutilsError",
    "HttpError",
    "Search",
    "fetch_pubmed",
]
