"""The clocks of an adverse-event case and its four minimum criteria.

Day 0 is the first awareness by any employee. Two clocks run from it:

* forwarding: to pharmacovigilance within ``LIAISON_AE_FORWARD_BUSINESS_DAYS``
  business days (1 by default, most SOPs) of the case's country, weekends and
  public holidays excluded (:mod:`liaison.lib.business_days`);
* the regulatory report, in calendar days: 15 for a serious unexpected case;
  where EU rules apply (an EEA country) 15 for any serious case and 90 for a
  non-serious one (GVP Module VI). Elsewhere a non-serious or expected case has
  no expedited clock (it goes in the periodic report), said in words.

A follow-up or an amendment starts the regulatory clock again from the day its
information was received (``latest_received_on``, E2B C.1.5), Day 0 unchanged.

A clock stops when its step is done: forwarded; submitted, which is the E2B file
marked sent or acknowledged as received (exporting a file submits nothing). A case
imported from an E2B file has no forwarding clock: its sender forwarded it, and its
C.1.4 date is when the sender heard of it, not an employee. The criteria of a
valid case (ICH E2D): an identifiable patient, an identifiable reporter, a
suspect product and an adverse event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from liaison.lib.business_days import add_business_days
from liaison.lib.clocks import Clock, ClockState, format_day
from liaison.safety.models import (
    Case,
    CaseProduct,
    Expectedness,
    ProductRole,
    Reaction,
    SourceKind,
)

#: The EEA: EU member states, Iceland, Liechtenstein and Norway.
EEA = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)
EXPEDITED_DAYS = 15
NON_SERIOUS_EU_DAYS = 90


def forward_business_days() -> int:
    return int(getattr(settings, "LIAISON_AE_FORWARD_BUSINESS_DAYS", 1))


@dataclass(frozen=True)
class CaseClock:
    """One deadline of a case: due on ``due`` (None: no such clock, ``why`` says)."""

    name: str
    label: str
    due: dt.date | None
    done_on: dt.date | None
    why: str

    def state(self, today: dt.date | None = None) -> str:
        """``met``, ``met_late``, ``overdue``, ``due_today``, ``running`` or ``none``."""
        if self.due is None:
            return "none"
        # The start does not move the state: only the due day and the day it was done.
        clock = Clock(self.label, started_at=self.due, due=self.due, stopped_at=self.done_on)
        state = clock.state(today or timezone.localdate())
        return "running" if state == ClockState.ON_TIME else str(state.value)

    def breached(self, today: dt.date | None = None) -> bool:
        return self.state(today) in ("overdue", "met_late")

    def text(self, today: dt.date | None = None) -> str:
        """The clock in words, for the case page and the queue."""
        today = today or timezone.localdate()
        state = self.state(today)
        if state == "none":
            return self.why
        assert self.due is not None
        due = format_day(self.due)
        if state == "met":
            assert self.done_on is not None
            return f"met on {format_day(self.done_on)} (due {due})"
        if state == "met_late":
            assert self.done_on is not None
            late = (self.done_on - self.due).days
            return f"late by {_days(late)}: done on {format_day(self.done_on)}, due {due}"
        if state == "overdue":
            return f"overdue by {_days((today - self.due).days)} (due {due})"
        if state == "due_today":
            return f"due today ({due})"
        return f"{_days((self.due - today).days)} left (due {due})"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


def is_serious(reactions: list[Reaction]) -> bool:
    return any(reaction.serious for reaction in reactions)


#: Why an imported case has no forwarding clock.
IMPORTED = "imported from an E2B file: forwarded by its sender"


def forwarding_clock(case: Case) -> CaseClock:
    if case.source_kind == SourceKind.IMPORT:
        return CaseClock("forwarding", "Forward to pharmacovigilance", None, None, IMPORTED)
    days = forward_business_days()
    due = add_business_days(case.day_zero, days, case.country)
    return CaseClock(
        name="forwarding",
        label="Forward to pharmacovigilance",
        due=due,
        done_on=_local_date(case.forwarded_at),
        why=f"{days} business day{'s' if days != 1 else ''} from Day 0 in {case.country}",
    )


def regulatory_clock(case: Case, reactions: list[Reaction]) -> CaseClock:
    serious = is_serious(reactions)
    eea = case.country in EEA
    days: int | None
    if serious and (case.expectedness == Expectedness.UNEXPECTED or eea):
        days = EXPEDITED_DAYS
        why = "serious and unexpected" if not eea else "serious, EU rules apply"
    elif not serious and eea and reactions:
        days = NON_SERIOUS_EU_DAYS
        why = "non-serious, EU rules apply"
    else:
        days = None
        if not reactions:
            why = "no reaction recorded yet: no regulatory clock"
        elif serious and case.expectedness == Expectedness.UNKNOWN:
            why = "serious: assess expectedness to know whether a 15-day report is due"
        else:
            why = "no expedited report due (periodic reporting)"
    start = "Day 0"
    if case.clock_started_on is not None:
        start = f"the new information received {format_day(case.clock_started_on)}"
    return CaseClock(
        name="regulatory",
        label="Report to the regulator",
        due=case.clock_start + dt.timedelta(days=days) if days is not None else None,
        done_on=_local_date(case.submitted_at),
        why=why if days is None else f"{days} calendar days from {start}: {why}",
    )


@dataclass(frozen=True)
class Criterion:
    name: str
    label: str
    met: bool
    missing: str


def minimum_criteria(
    case: Case, reactions: list[Reaction], products: list[CaseProduct]
) -> list[Criterion]:
    """The four minimum criteria of a valid case, each met or missing with what is missing."""
    patient = bool(
        case.patient_initials
        or case.patient_birth_date
        or case.patient_age is not None
        or case.patient_sex
    )
    reporter = bool(
        case.reporter_hcp_id
        or case.reporter_given_name
        or case.reporter_family_name
        or case.reporter_contact
        or case.reporter_qualification
    )
    suspect = any(
        product.role in (ProductRole.SUSPECT, ProductRole.INTERACTING) for product in products
    )
    event = bool(reactions) or (not case.is_adverse_event and case.is_product_complaint)
    return [
        Criterion(
            "patient",
            "An identifiable patient",
            patient,
            "the patient's initials, age or age group, date of birth or sex",
        ),
        Criterion(
            "reporter",
            "An identifiable reporter",
            reporter,
            "the reporter's name, qualification or contact details",
        ),
        Criterion("product", "A suspect product", suspect, "the product suspected"),
        Criterion("event", "An adverse event", event, "the reaction or event as reported"),
    ]


def missing_criteria(
    case: Case, reactions: list[Reaction], products: list[CaseProduct]
) -> list[Criterion]:
    return [item for item in minimum_criteria(case, reactions, products) if not item.met]


# Products in a case are the suspect ones first: E2B and the case page list them so.
ROLE_ORDER = {role: index for index, role in enumerate(ProductRole.values)}
