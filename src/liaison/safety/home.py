"""Safety's panel of the home page (``home_panels`` in ``apps.py``), a function
``user -> dict | None``: ``None`` when the panel is not for the user.

* Pharmacovigilance: the open cases whose forwarding or regulatory clock
  (:mod:`liaison.safety.clocks`) still runs and is overdue or due within
  :data:`SOON_DAYS` days, the most urgent first, counted. A clock already met (even
  late) asks nothing more of anyone: the queue's *breached* filter still shows it.
* Everyone else who reports adverse events: their flags waiting to be confirmed or
  dismissed, and the cases they reported that are not yet forwarded, each with its
  forwarding clock. An MSL or medical information (whose notes and inquiries are
  screened) always has the panel; another role only while something waits.

Reads go through the selectors (the policy's querysets), in a fixed number of
queries whatever the number of cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from liaison.core import policy
from liaison.core.models import Role, User
from liaison.safety import clocks, selectors
from liaison.safety.models import Case, Reaction, SourceKind
from liaison.safety.policy import is_pharmacovigilance

#: A running clock due within this many days (today included) is shown before it breaches.
SOON_DAYS = 2
#: How many cases or flags a list of the panel shows (the queue holds the rest).
SHOWN = 8
#: The roles whose own texts are screened for adverse events: their panel is always shown.
REPORTERS = (Role.MSL, Role.MEDICAL_INFORMATION)


#: A clock's name in the panel's narrow table.
SHORT_NAMES = {"forwarding": "Forward", "regulatory": "Report"}


@dataclass(frozen=True)
class Pressing:
    """One clock that asks for action, said briefly: ``Forward: 3 days late``."""

    clock: clocks.CaseClock
    overdue: bool
    text: str


@dataclass(frozen=True)
class Attention:
    """An open case with the clocks that ask for action: overdue or due soon."""

    row: selectors.CaseRow
    pressing: list[Pressing]
    overdue: bool
    due: dt.date


def _said(clock: clocks.CaseClock, today: dt.date) -> Pressing:
    assert clock.due is not None
    name = SHORT_NAMES.get(clock.name, clock.label)
    days = (clock.due - today).days
    if days < 0:
        late = -days
        return Pressing(clock, True, f"{name}: {late} day{'s' if late != 1 else ''} late")
    when = {0: "due today", 1: "due tomorrow"}.get(days, f"due in {days} days")
    return Pressing(clock, False, f"{name}: {when}")


def _pressing(clock: clocks.CaseClock, today: dt.date, soon: dt.date) -> bool:
    """Still running and overdue, or due by ``soon``."""
    return (
        clock.due is not None
        and clock.done_on is None
        and clock.due <= soon
        and clock.state(today) in ("overdue", "due_today", "running")
    )


def _candidates(user: User, soon: dt.date) -> QuerySet[Case]:
    """The open cases whose clocks may still run and be due by ``soon``: a deadline is
    never before Day 0 plus its days (business days are fewer than calendar days, and
    a later version's regulatory clock starts after Day 0), and a clock stops at the
    forwarding or the submission (``done_on`` in :mod:`~liaison.safety.clocks`). The
    clocks themselves are computed per case."""
    forward_days = clocks.forward_business_days()
    reaction = Exists(Reaction.objects.filter(case=OuterRef("pk")))
    forwarding = Q(
        forwarded_at__isnull=True, day_zero__lte=soon - dt.timedelta(days=forward_days)
    ) & ~Q(source_kind=SourceKind.IMPORT)
    regulatory = Q(
        reaction,
        submitted_at__isnull=True,
        day_zero__lte=soon
        - dt.timedelta(days=min(clocks.EXPEDITED_DAYS, clocks.NON_SERIOUS_EU_DAYS)),
    )
    return (
        policy.scope(user, "work", Case)
        .exclude(status__in=selectors.DONE)
        .filter(forwarding | regulatory)
        .order_by("day_zero", "pk")
    )


def _pharmacovigilance(user: User) -> dict[str, Any]:
    today = timezone.localdate()
    soon = today + dt.timedelta(days=SOON_DAYS)
    cases: list[Attention] = []
    for case in selectors.with_parts(_candidates(user, soon)):
        row = selectors.case_row(case)
        pressing = [
            _said(clock, today)
            for clock in (row.forwarding, row.regulatory)
            if _pressing(clock, today, soon)
        ]
        if pressing:
            cases.append(
                Attention(
                    row=row,
                    pressing=pressing,
                    overdue=any(item.overdue for item in pressing),
                    due=min(item.clock.due for item in pressing if item.clock.due is not None),
                )
            )
    cases.sort(key=lambda item: (item.due, item.row.case.pk))
    overdue = sum(item.overdue for item in cases)
    return {
        "pharmacovigilance": True,
        "cases": cases[:SHOWN],
        "count": len(cases),
        "overdue": overdue,
        "due_soon": len(cases) - overdue,
        "soon_days": SOON_DAYS,
        "queue_url": reverse("safety:case-list") + "?breached=yes",
    }


def _reporter(user: User) -> dict[str, Any] | None:
    flags = selectors.open_flags(user).order_by("heard_on", "pk")
    unforwarded = (
        policy.scope(user, "forward", Case).filter(forwarded_at__isnull=True).order_by("day_zero")
    )
    flag_rows = list(flags[:SHOWN])
    case_rows = [
        {"case": case, "forwarding": clocks.forwarding_clock(case)} for case in unforwarded[:SHOWN]
    ]
    flag_count = len(flag_rows) if len(flag_rows) < SHOWN else flags.count()
    case_count = len(case_rows) if len(case_rows) < SHOWN else unforwarded.count()
    if not (flag_count or case_count) and user.role not in REPORTERS:
        return None
    return {
        "pharmacovigilance": False,
        "flags": flag_rows,
        "flag_count": flag_count,
        "cases": case_rows,
        "case_count": case_count,
        "count": flag_count + case_count,
        "queue_url": reverse("safety:case-list"),
    }


def overdue_cases(user: User) -> dict[str, Any] | None:
    """Pharmacovigilance's cases with a clock overdue or due soon; anyone else's
    flags waiting and cases not yet forwarded (see the module)."""
    if not user.is_active or not user.role:
        return None
    if is_pharmacovigilance(user):
        return _pharmacovigilance(user)
    return _reporter(user)
