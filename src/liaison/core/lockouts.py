"""Sign-in lock-outs: who is locked out, and clearing them (``liaison unlock`` and the
administrators' lock-out page).

django-axes counts failed sign-ins in one record per username, client address and
browser. A username and address are locked out while their records hold
``failure_limit`` failures, the newest less than ``cooloff`` ago; only that pair is
locked, so the same username still signs in from another address (see
``docs/security.md``). Clearing deletes the records: the pair starts again from
zero failures. The records are not domain data: clearing them is logged (logger
``liaison.core.lockouts``), not written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
from dataclasses import dataclass

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.db import models, transaction
from django.utils import timezone

from liaison.core import policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LockoutRules:
    """How many failures lock a username and address, and for how long."""

    failure_limit: int
    cooloff: dt.timedelta

    @property
    def cooloff_minutes(self) -> int:
        return round(self.cooloff.total_seconds() / 60)


def axes_rules() -> LockoutRules:
    """The rules axes is configured with (``AXES_FAILURE_LIMIT``, ``AXES_COOLOFF_TIME``)."""
    cooloff = get_cool_off(None) or dt.timedelta(0)
    return LockoutRules(failure_limit=int(get_failure_limit(None, None)), cooloff=cooloff)


@dataclass(frozen=True, slots=True)
class Lockout:
    """The failed sign-ins of one username from one address (all browsers together)."""

    username: str
    ip_address: str
    failures: int
    last_attempt: dt.datetime
    #: When the pair may sign in again; ``None`` while under the limit or after the cool-off.
    locked_until: dt.datetime | None

    @property
    def locked(self) -> bool:
        return self.locked_until is not None

    def describe(self) -> str:
        """``alice from 192.0.2.7: 5 failed sign-ins, locked until 14:03 UTC``."""
        failures = f"{self.failures} failed sign-in{'s' if self.failures != 1 else ''}"
        state = (
            f"locked until {self.locked_until:%Y-%m-%d %H:%M} UTC"
            if self.locked_until
            else "not locked"
        )
        return (
            f"{self.username} from {self.ip_address or 'an unknown address'}: {failures}, {state}"
        )


def _group(
    attempts: models.QuerySet[AccessAttempt], rules: LockoutRules, now: dt.datetime
) -> list[Lockout]:
    rows = (
        attempts.values("username", "ip_address")
        .annotate(failures=models.Sum("failures_since_start"), last=models.Max("attempt_time"))
        .order_by("-last", "username", "ip_address")
    )
    found = []
    for row in rows:
        until = row["last"] + rules.cooloff
        locked = row["failures"] >= rules.failure_limit and until > now
        found.append(
            Lockout(
                username=row["username"] or "",
                ip_address=row["ip_address"] or "",
                failures=row["failures"],
                last_attempt=row["last"],
                locked_until=until if locked else None,
            )
        )
    return found


def _require_admin(actor: User | None) -> None:
    if actor is not None and not policy.is_admin(actor):
        raise PermissionDenied("only administrators may see and clear sign-in lock-outs")


def current(*, actor: User | None, rules: LockoutRules | None = None) -> list[Lockout]:
    """Every username and address with failures inside the cool-off, newest first.
    Administrators only; ``actor=None`` is the operator at the command line."""
    _require_admin(actor)
    rules = rules or axes_rules()
    now = timezone.now()
    return _group(AccessAttempt.objects.filter(attempt_time__gte=now - rules.cooloff), rules, now)


def _check_address(ip_address: str) -> str:
    try:
        return str(ipaddress.ip_address(ip_address.strip()))
    except ValueError:
        raise LiaisonError(
            f"address: {ip_address!r} is not an IP address (e.g. 192.0.2.7 or 2001:db8::7)",
            field="ip_address",
        ) from None


def clear(
    *,
    actor: User | None,
    username: str,
    ip_address: str | None = None,
    rules: LockoutRules | None = None,
) -> list[Lockout]:
    """Delete the failed sign-ins of ``username`` (any letter case), from every address
    or only from ``ip_address``. Returns what was cleared. Administrators only;
    ``actor=None`` is the operator at the command line."""
    _require_admin(actor)
    username = username.strip()
    if not username:
        raise LiaisonError("username: give the username to unlock", field="username")
    attempts = AccessAttempt.objects.filter(username__iexact=username)
    if ip_address:
        attempts = attempts.filter(ip_address=_check_address(ip_address))
    rules = rules or axes_rules()
    with transaction.atomic():
        cleared = _group(attempts, rules, timezone.now())
        attempts.delete()
    who = actor.get_username() if actor is not None else "the command line"
    for lockout in cleared:
        logger.warning("sign-in lock-out cleared by %s: %s", who, lockout.describe())
    return cleared
