"""Request limits counted in a shared cache, and the client address they count by.

A :class:`Limit` allows ``count`` requests per key in a fixed window of
``window`` seconds that starts at the key's first request. Counts live in the
``ratelimit`` cache (Redis when configured, else files in the data directory), so
every web process sees the same count; keys are hashed, so the cache never holds
an e-mail address. Two requests landing at the same instant may both be counted
as one: the limit is a brake on abuse, not an exact quota.

:func:`client_address` is also the lock-out's (``AXES_CLIENT_IP_CALLABLE``), so
sign-in lock-outs and these limits agree on who the client is.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

CACHE_ALIAS = "ratelimit"


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``count`` requests per key in ``window`` seconds (``scope`` names the counter)."""

    scope: str
    count: int
    window: int


@dataclass(frozen=True, slots=True)
class Usage:
    """What a key has spent of a limit: ``count`` requests in the window ending at
    ``resets_at`` (seconds since the epoch)."""

    count: int
    resets_at: float


def _name(limit: Limit, key: str) -> str:
    return f"{limit.scope}:{hashlib.sha256(key.encode()).hexdigest()}"


def usage(limit: Limit, key: str, *, now: float | None = None) -> Usage:
    """The requests counted for ``key`` in its current window, without counting one
    (none once the window has ended): for a limit that counts failures and refuses
    the next attempt before trying it."""
    now = time.time() if now is None else now
    started: float
    count: int
    started, count = caches[CACHE_ALIAS].get(_name(limit, key), (now, 0))
    if now - started >= limit.window:
        return Usage(0, now + limit.window)
    return Usage(count, started + limit.window)


def hit(limit: Limit, key: str, *, now: float | None = None) -> bool:
    """Count one request for ``key`` (at ``now``, seconds since the epoch, by default the
    clock's); ``False`` once the window holds more than ``limit.count``.

    >>> hit(Limit("password-reset-address", 3, 3600), "alice@example.org")  # doctest: +SKIP
    True
    """
    cache = caches[CACHE_ALIAS]
    name = _name(limit, key)
    now = time.time() if now is None else now
    started: float
    count: int
    started, count = cache.get(name, (now, 0))
    if now - started >= limit.window:
        started, count = now, 0
    count += 1
    cache.set(name, (started, count), timeout=max(1, round(started + limit.window - now)))
    return count <= limit.count


def reset(limit: Limit, key: str) -> None:
    """Forget ``key``'s count: a success that clears the failures before it."""
    caches[CACHE_ALIAS].delete(_name(limit, key))


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str:
    """The client's IP address: the peer's, or behind ``LIAISON_TRUSTED_PROXIES`` = N
    reverse proxies, the address the outermost of them saw (the N-th entry of
    ``X-Forwarded-For`` from the right; entries further left are the client's to
    invent). A header shorter than promised, or not an address, counts as the peer."""
    peer = str(request.META.get("REMOTE_ADDR") or "")
    proxies: int = settings.LIAISON_TRUSTED_PROXIES
    if proxies <= 0:
        return peer
    forwarded = [
        entry.strip()
        for entry in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if entry.strip()
    ]
    if len(forwarded) < proxies:
        return peer
    address = forwarded[-proxies]
    return address if _valid(address) else peer
