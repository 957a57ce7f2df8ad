"""A live client for the NPI Registry API (``https://npiregistry.cms.hhs.gov/api/?version=2.1``).

``lookup(last_name=..., first_name=..., state=...)`` asks the registry and
returns its :class:`~liaison.directory.nppes.Answer`: the
:class:`~liaison.directory.nppes.Provider` records and warnings about the
answer (a ``result_count`` that differs from the results sent);
``lookup_providers`` returns the providers only. The registry returns at
most 200 results per request and lets a search skip at most 1,000, so
``limit`` is capped at 200 and ``skip`` at 1,000. It publishes no rate
limit; the client stays polite (2 requests a second) and retries 429 and 5xx
answers (see :mod:`liaison.lib.httpclient`).
An ``Errors`` answer raises :class:`~liaison.directory.nppes.NppesError` with
the registry's descriptions.

Names accept the registry's trailing wildcard (``"smi*"``, at least two
letters before it). No ORM and no settings: callers pass the base URL
(``LIAISON_NPPES_URL``).
"""

from __future__ import annotations

import json
from typing import Any

from liaison.core.errors import LiaisonError
from liaison.directory.nppes import Answer, NppesError, Provider, answer_from_json
from liaison.lib.httpclient import HttpClient, RetryPolicy

DEFAULT_NPPES_URL = "https://npiregistry.cms.hhs.gov/api/"
API_VERSION = "2.1"
MAX_LIMIT = 200
MAX_SKIP = 1000
DEFAULT_RATE = 2.0


def lookup_providers(**criteria: Any) -> tuple[Provider, ...]:
    """The providers the registry finds for these criteria (those of :func:`lookup`)."""
    return lookup(**criteria).providers


def lookup(
    *,
    last_name: str | None = None,
    first_name: str | None = None,
    state: str | None = None,
    city: str | None = None,
    number: str | None = None,
    enumeration_type: str | None = "NPI-1",
    limit: int = 10,
    skip: int = 0,
    base_url: str = DEFAULT_NPPES_URL,
    rate: float = DEFAULT_RATE,
    timeout: float = 20.0,
    retry: RetryPolicy | None = None,
) -> Answer:
    """The registry's answer for these criteria (individuals by default)."""
    last_name, first_name = (last_name or "").strip(), (first_name or "").strip()
    state, city, number = (
        (state or "").strip().upper(),
        (city or "").strip(),
        (number or "").strip(),
    )
    if not (last_name or number):
        raise LiaisonError("give a last name (or an NPI) to look up", field="last_name")
    if state and (len(state) != 2 or not state.isalpha()):
        raise LiaisonError(f"{state!r} is not a two-letter US state code", field="state")
    if not 1 <= limit <= MAX_LIMIT:
        raise LiaisonError(f"limit {limit} is outside 1..{MAX_LIMIT}", field="limit")
    if not 0 <= skip <= MAX_SKIP:
        raise LiaisonError(f"skip {skip} is outside 0..{MAX_SKIP}", field="skip")
    params: list[tuple[str, str | int | None]] = [
        ("version", API_VERSION),
        ("number", number or None),
        ("enumeration_type", enumeration_type or None),
        ("last_name", last_name or None),
        ("first_name", first_name or None),
        ("city", city or None),
        ("state", state or None),
        ("limit", limit),
        ("skip", skip or None),
    ]
    with HttpClient(rate=rate, timeout=timeout, retry=retry, service="The NPI Registry") as http:
        response = http.get(base_url, params=params)
    try:
        data = json.loads(response.content)
    except ValueError:
        raise NppesError(
            f"the answer is not JSON: {response.content[:120]!r}", source=base_url
        ) from None
    return answer_from_json(data, name="NPI Registry")


__all__ = ["DEFAULT_NPPES_URL", "MAX_LIMIT", "MAX_SKIP", "lookup", "lookup_providers"]
