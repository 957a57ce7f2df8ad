"""Shared plumbing of the live clients (E-utilities, ClinicalTrials.gov, NPI Registry).

:class:`HttpClient` sends GET requests the way public services ask to be used:

* a **rate limit per host**: a token bucket shared by every client in the
  process that talks to that host, so two fetches running side by side still
  keep, together, to the service's requests per second;
* **retries** on HTTP 429 and 5xx and on network failures, with exponential
  back-off and jitter, honouring ``Retry-After`` (seconds or an HTTP date);
* **time-outs** on connecting and on reading;
* a ``User-Agent`` naming Liaison;
* on failure, one :class:`HttpError` naming the URL (secrets such as
  ``api_key`` masked) and the reason.

Example::

    with HttpClient(rate=3) as client:
        answer = client.get("https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi",
                            params={"db": "pubmed", "term": "asthma"})
"""

from __future__ import annotations

import email.utils
import random
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from liaison.core.errors import LiaisonError

if TYPE_CHECKING:
    # Imported where a request is made: httpx loads its command line (rich,
    # pygments), over half a second that `liaison pubmed parse` need not pay.
    import httpx

#: Statuses worth another try: the service is busy or briefly broken.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Query parameters whose values never appear in messages.
SECRET_PARAMETERS = frozenset({"api_key", "apikey", "key", "token", "access_token"})

ParamValue = str | int | float | None
Params = Mapping[str, ParamValue] | Sequence[tuple[str, ParamValue]]


def _version() -> str:
    try:
        return metadata.version("liaison")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "dev"


USER_AGENT = f"Liaison/{_version()} (field medical affairs workbench; python-httpx)"


class HttpError(LiaisonError):
    """A live service could not be reached or kept failing. ``url`` has secrets masked."""

    status_code = 502

    def __init__(
        self, message: str, *, url: str, status: int | None = None, detail: str = ""
    ) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        #: The technical account (method, URL with secrets masked, the library's
        #: error) that pages fold away and the command line shows with -v 2.
        self.detail = detail


def masked_url(url: str | httpx.URL) -> str:
    """``url`` with the values of secret query parameters replaced by ``***``."""
    parts = urlsplit(str(url))
    if not parts.query:
        return str(url)
    pairs = [
        (key, "***" if key.lower() in SECRET_PARAMETERS else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="[],:/*")))


class TokenBucket:
    """At most ``rate`` requests per second on average, ``burst`` at once.

    With ``burst=1`` consecutive requests are at least ``1/rate`` seconds apart,
    which is what "no more than 3 requests per second" means to NCBI. Tokens
    refill 5% slower than ``rate``: the first request of a connection spends
    longer on the way (connection set-up) than the ones after it, so requests
    spaced exactly ``1/rate`` apart here can arrive closer together there.
    """

    SAFETY = 1.05

    def __init__(self, rate: float, burst: int = 1) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = max(1, burst)
        self._tokens = float(self.burst)
        self._updated = time.monotonic()
        self._lock = threading.Lock()

    def configure(self, rate: float, burst: int) -> None:
        with self._lock:
            self.rate = rate
            self.burst = max(1, burst)
            self._tokens = min(self._tokens, float(self.burst))

    def acquire(self) -> float:
        """Take one token, sleeping until there is one. Returns the time slept."""
        slept = 0.0
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(
                    float(self.burst),
                    self._tokens + (now - self._updated) * self.rate / self.SAFETY,
                )
                self._updated = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return slept
                wait = (1.0 - self._tokens) * self.SAFETY / self.rate
            time.sleep(wait)
            slept += wait


_buckets: dict[str, TokenBucket] = {}
_buckets_lock = threading.Lock()


def bucket_for(host: str, rate: float, burst: int = 1) -> TokenBucket:
    """The process-wide bucket of ``host`` (``name:port``), set to ``rate`` and ``burst``."""
    with _buckets_lock:
        bucket = _buckets.get(host)
        if bucket is None:
            bucket = _buckets[host] = TokenBucket(rate, burst)
        elif bucket.rate != rate or bucket.burst != burst:
            bucket.configure(rate, burst)
        return bucket


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to try again.

    ``attempts`` counts the first try. The wait before try *n* (n >= 2) is a
    random share (jitter) between half and all of ``backoff * 2**(n-2)``, capped
    at ``max_backoff``; a ``Retry-After`` answer waits as long as the service
    asks, unless that is longer than ``max_retry_after`` (then the client gives
    up at once and says so).
    """

    attempts: int = 5
    backoff: float = 1.0
    max_backoff: float = 30.0
    max_retry_after: float = 300.0

    def delay(self, attempt: int) -> float:
        """The back-off before try ``attempt + 1`` after ``attempt`` failed tries."""
        ceiling = min(self.max_backoff, self.backoff * float(2 ** (attempt - 1)))
        return ceiling * (0.5 + random.random() / 2)


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _describe(response: httpx.Response) -> str:
    reason = response.reason_phrase or ""
    text = f"HTTP {response.status_code} {reason}".strip()
    snippet = response.text[:200].strip().replace("\n", " ") if response.content else ""
    return f"{text}: {snippet}" if snippet else text


class HttpClient:
    """GET with a per-host rate limit, retries, time-outs and readable failures.

    ``rate`` is requests per second (every try counts, retries too), ``burst``
    how many may go at once, ``timeout`` seconds to connect and between bytes
    read. ``transport`` is for embedding (an ASGI/WSGI app, a proxy); tests
    talk real HTTP to a local server instead.
    """

    def __init__(
        self,
        *,
        rate: float,
        burst: int = 1,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        user_agent: str = USER_AGENT,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        service: str = "",
    ) -> None:
        import httpx

        #: What users call the service ("PubMed"), in messages; else its host.
        self.service = service
        self.rate = rate
        self.burst = burst
        self.retry = retry or RetryPolicy()
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent, **(headers or {})},
            follow_redirects=True,
            transport=transport,
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, *, params: Params | None = None) -> httpx.Response:
        """The successful (2xx) answer to ``GET url?params``, or :class:`HttpError`."""
        return self.send(self._client.build_request("GET", url, params=_clean(params)))

    def post_form(self, url: str, *, data: Params) -> httpx.Response:
        """``POST`` of an HTML form (for questions too long for a URL); answers as :meth:`get`."""
        body = urlencode([(key, str(value)) for key, value in _clean(data) or []])
        request = self._client.build_request(
            "POST",
            url,
            content=body.encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        return self.send(request)

    def send(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` within the host's rate, retrying as :class:`RetryPolicy` says."""
        import httpx

        shown = masked_url(request.url)
        method = request.method
        host = request.url.host
        service = self.service or host
        bucket = bucket_for(request.url.netloc.decode("ascii"), self.rate, self.burst)
        attempts = max(1, self.retry.attempts)
        for attempt in range(1, attempts + 1):
            bucket.acquire()
            answered = False
            try:
                response = self._client.send(request)
            except httpx.TimeoutException:
                reason = f"no answer within {self._client.timeout.read:g} s (time-out)"
                wait = self.retry.delay(attempt)
            except httpx.TransportError as error:
                technical = f"{method} {shown}: {error or type(error).__name__}"
                if name_not_resolved(error):
                    # No network (or a mistyped host): another try would not help.
                    raise HttpError(
                        f"{service} could not be reached: no network connection, or the name"
                        f" {host} is unknown",
                        url=shown,
                        detail=technical,
                    ) from None
                reason = f"network error: {error or type(error).__name__}"
                wait = self.retry.delay(attempt)
            else:
                if response.is_success:
                    return response
                answered = True
                reason = _describe(response)
                if response.status_code not in RETRY_STATUSES:
                    raise HttpError(
                        f"{service} refused the request: {reason}",
                        url=shown,
                        status=response.status_code,
                        detail=f"{method} {shown}",
                    )
                asked = retry_after_seconds(response.headers.get("Retry-After"))
                if asked is not None and asked > self.retry.max_retry_after:
                    raise HttpError(
                        f"{service} is busy: {reason}; it asks to wait {asked:.0f} s before"
                        " trying again",
                        detail=f"{method} {shown}",
                        url=shown,
                        status=response.status_code,
                    )
                wait = asked if asked is not None else self.retry.delay(attempt)
            if attempt == attempts:
                tries = "1 try" if attempts == 1 else f"{attempts} tries"
                trouble = "answered with an error" if answered else "could not be reached"
                raise HttpError(
                    f"{service} {trouble}: {reason} ({tries})",
                    url=shown,
                    detail=f"{method} {shown}",
                )
            time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover


#: What resolvers say when a name cannot be looked up (glibc, musl, macOS, Windows).
_NAME_ERRORS = (
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname",
    "no address associated with hostname",
    "getaddrinfo failed",
)


def name_not_resolved(error: BaseException) -> bool:
    """Whether a transport error is a failed name look-up (no network, unknown host)."""
    seen: BaseException | None = error
    for _ in range(10):  # a chain is short; never follow a cycle
        if seen is None:
            break
        if isinstance(seen, socket.gaierror):
            return True
        if any(text in str(seen).lower() for text in _NAME_ERRORS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _clean(
    params: Params | None,
) -> list[tuple[str, str | int | float | bool | None]] | None:
    """Drop parameters whose value is None, keeping order (E-utilities reads them in order)."""
    if params is None:
        return None
    items: Any = params.items() if isinstance(params, Mapping) else params
    return [(key, value) for key, value in items if value is not None]
