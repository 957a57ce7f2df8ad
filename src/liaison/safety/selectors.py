"""Shared reads of adverse events, starting from the policy's querysets.

* :func:`queue`: pharmacovigilance's queue (or a reporter's own cases), with each
  case's clocks and the completeness of its four minimum criteria: open cases
  first, the oldest Day 0 (the most overdue) on top; :func:`counts` its headline
  counts over every open case;
* :func:`case_view`: one case as its page and the API show it (patient details
  only for those who read them);
* :func:`reconciliation`: every flag, intake and forwarded case of a period with
  its timeliness, what pharmacovigilance audits ask for;
* :func:`flags_of`, :func:`open_flags`: the flags of a record, and those waiting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import (
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from liaison.core import policy
from liaison.core.errors import LiaisonError
from liaison.core.models import User
from liaison.safety import clocks
from liaison.safety.models import (
    SERIOUSNESS,
    Case,
    CaseProduct,
    CaseStatus,
    Flag,
    Reaction,
)
from liaison.safety.services.flags import escalation_due


@dataclass(frozen=True)
class CaseRow:
    """A case with what its queue row and page show."""

    case: Case
    reactions: list[Reaction]
    products: list[CaseProduct]
    forwarding: clocks.CaseClock
    regulatory: clocks.CaseClock
    criteria: list[clocks.Criterion]
    serious: bool

    @property
    def complete(self) -> bool:
        return all(item.met for item in self.criteria)

    @property
    def missing(self) -> list[str]:
        return [item.label for item in self.criteria if not item.met]

    def breached(self, today: dt.date | None = None) -> bool:
        return self.forwarding.breached(today) or self.regulatory.breached(today)


def _row(case: Case) -> CaseRow:
    reactions = list(case.reactions.all())
    products = list(case.products.all())
    return CaseRow(
        case=case,
        reactions=reactions,
        products=products,
        forwarding=clocks.forwarding_clock(case),
        regulatory=clocks.regulatory_clock(case, reactions),
        criteria=clocks.minimum_criteria(case, reactions, products),
        serious=clocks.is_serious(reactions),
    )


def with_parts(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """``queryset`` with what a row shows read in a constant number of queries."""
    return queryset.select_related("reported_by", "assigned_to", "reporter_hcp").prefetch_related(
        Prefetch("reactions", queryset=Reaction.objects.order_by("pk")),
        Prefetch("products", queryset=CaseProduct.objects.order_by("pk")),
    )


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    breached: bool | None = None
    incomplete: bool | None = None
    serious: bool | None = None
    search: str = ""

    @property
    def derived(self) -> bool:
        """Whether a filter is computed per case (its clocks, its criteria)."""
        return self.breached is not None or self.incomplete is not None


#: Cases no longer worked: listed after the open ones, left out of the counts.
DONE = (CaseStatus.CLOSED, CaseStatus.NULLIFIED)
#: How many cases a read computing clocks holds at once.
CHUNK = 200


def _serious_reaction() -> Exists:
    criteria = Q()
    for name, _ in SERIOUSNESS:
        criteria |= Q(**{name: True})
    return Exists(Reaction.objects.filter(criteria, case=OuterRef("pk")))


def queue_cases(user: User, filters: QueueFilters | None = None) -> QuerySet[Case]:
    """The cases ``user`` sees as the queue orders them: open cases first, the
    oldest Day 0 first (the most overdue on top), then closed and nullified ones,
    the newest first. Status, search and seriousness filter here, in the database."""
    filters = filters or QueueFilters()
    queryset = policy.scope(user, "view", Case)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.search.strip():
        term = filters.search.strip()
        queryset = queryset.filter(
            Q(reference__icontains=term)
            | Q(safety_report_id__icontains=term)
            | Q(products__name__icontains=term)
            | Q(reactions__verbatim__icontains=term)
        ).distinct()
    if filters.serious is not None:
        serious = _serious_reaction()
        queryset = queryset.filter(serious if filters.serious else ~serious)
    done = Q(status__in=DONE)
    return queryset.annotate(
        queue_done=SqlCase(
            When(done, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
        queue_open_day=SqlCase(
            When(done, then=Value(None)), default=F("day_zero"), output_field=DateField()
        ),
    ).order_by("queue_done", "queue_open_day", "-day_zero", "pk")


def matching_rows(
    queryset: QuerySet[Case], filters: QueueFilters, today: dt.date | None = None
) -> Iterator[CaseRow]:
    """The rows of ``queryset`` in its order that pass the filters computed per case
    (``breached``, ``incomplete``), reading the cases in chunks: none is missed for
    being far down the list, and memory holds one chunk."""
    today = today or timezone.localdate()
    for case in with_parts(queryset).iterator(chunk_size=CHUNK):
        row = _row(case)
        if filters.breached is not None and row.breached(today) != filters.breached:
            continue
        if filters.incomplete is not None and (not row.complete) != filters.incomplete:
            continue
        yield row


def queue(user: User, filters: QueueFilters | None = None, *, limit: int = 500) -> list[CaseRow]:
    """The first ``limit`` rows of the queue (:func:`queue_cases`) with their clocks;
    a filter computed per case reads on until ``limit`` rows match or none is left."""
    filters = filters or QueueFilters()
    cases = queue_cases(user, filters)
    if not filters.derived:
        return [_row(case) for case in with_parts(cases)[:limit]]
    rows: list[CaseRow] = []
    for row in matching_rows(cases, filters):
        rows.append(row)
        if len(rows) >= limit:
            break
    return rows


def case_row(case: Case) -> CaseRow:
    return _row(case)


def counts(user: User) -> dict[str, int]:
    """The queue's headline counts over every open case ``user`` sees (not only the
    rows shown): open cases, breaches, incomplete ones, and the open flags."""
    today = timezone.localdate()
    totals = {"open": 0, "breached": 0, "incomplete": 0}
    open_cases = policy.scope(user, "view", Case).exclude(status__in=DONE).order_by("pk")
    for case in with_parts(open_cases).iterator(chunk_size=CHUNK):
        row = _row(case)
        totals["open"] += 1
        totals["breached"] += row.breached(today)
        totals["incomplete"] += not row.complete
    return {**totals, "open_flags": open_flags(user).count()}


def open_case_count(user: User) -> int:
    """The menu's counter: open cases ``user`` works (pharmacovigilance) or flags waiting."""
    if policy.grants_any(user, "work", Case):
        return policy.scope(user, "work", Case).exclude(status__in=DONE).count()
    return open_flags(user).count()


def flags_of(user: User, source: str, source_id: int) -> list[Flag]:
    """The flags ``user`` sees on one record (a record panel's read: one query)."""
    queryset = policy.scope(user, "view", Flag).filter(source_label=source, source_id=source_id)
    return list(queryset.select_related("case", "handled_by", "author").order_by("pk"))


def open_flags(user: User) -> QuerySet[Flag]:
    """Flags waiting for ``user``: their own open flags; for pharmacovigilance every
    escalated one too."""
    queryset = policy.scope(user, "handle", Flag)
    if policy.grants_any(user, "work", Case):
        return queryset.filter(Q(author=user) | Q(escalated_at__isnull=False))
    return queryset.filter(author=user)


@dataclass(frozen=True)
class ReconciliationRow:
    """One line of the reconciliation report."""

    kind: str
    reference: str
    url_kind: str
    url_id: int
    source: str
    day_zero: dt.date
    reported_by: str
    product: str
    status: str
    forwarded_on: dt.date | None
    due_on: dt.date | None
    timely: bool | None
    note: str = ""

    @property
    def open(self) -> bool:
        """Not handled yet and still due (an imported case has no clock to be due on)."""
        return self.timely is None and self.due_on is not None


@dataclass(frozen=True)
class Reconciliation:
    start: dt.date
    end: dt.date
    rows: list[ReconciliationRow] = field(default_factory=list)

    @property
    def late(self) -> list[ReconciliationRow]:
        return [row for row in self.rows if row.timely is False]

    @property
    def summary(self) -> dict[str, int]:
        return {
            "flags": sum(1 for row in self.rows if row.kind == "flag"),
            "cases": sum(1 for row in self.rows if row.kind == "case"),
            "late": len(self.late),
            "open": sum(1 for row in self.rows if row.open),
        }


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "system"


def reconciliation(user: User, start: dt.date, end: dt.date) -> Reconciliation:
    """Every flag and case whose Day 0 falls in [start, end], with its timeliness:
    a flag handled (confirmed or dismissed) within its business day, a case
    forwarded by its forwarding due date. An imported case has no forwarding clock:
    it is listed, neither timely nor late, with the reason as its note."""
    policy.require(user, "reconcile", Case)
    if end < start:
        raise LiaisonError("the period ends before it starts", field="end")
    today = timezone.localdate()
    rows: list[ReconciliationRow] = []
    flags = (
        policy.scope(user, "view", Flag)
        .filter(heard_on__gte=start, heard_on__lte=end)
        .select_related("author", "case")
        .order_by("heard_on", "pk")
    )
    for flag in flags:
        due = escalation_due(flag)
        handled = timezone.localdate(flag.handled_at) if flag.handled_at else None
        timely = (handled <= due) if handled is not None else (False if today > due else None)
        rows.append(
            ReconciliationRow(
                kind="flag",
                reference=f"Flag {flag.pk}",
                url_kind="flag",
                url_id=flag.pk,
                source=flag.source_title,
                day_zero=flag.heard_on,
                reported_by=_name(flag.author),
                product=flag.product_name,
                status=flag.get_status_display(),
                forwarded_on=handled,
                due_on=due,
                timely=timely,
                note=flag.dismiss_reason or (flag.case.reference if flag.case else ""),
            )
        )
    cases = with_parts(
        policy.scope(user, "view", Case).filter(day_zero__gte=start, day_zero__lte=end)
    ).order_by("day_zero", "pk")
    for case in cases:
        clock = clocks.forwarding_clock(case)
        state = clock.state(today)
        products: Iterable[CaseProduct] = case.products.all()
        rows.append(
            ReconciliationRow(
                kind="case",
                reference=case.reference,
                url_kind="case",
                url_id=case.pk,
                source=case.source_title or case.get_source_kind_display(),
                day_zero=case.day_zero,
                reported_by=_name(case.reported_by),
                product=", ".join(product.name for product in products),
                status=case.get_status_display(),
                forwarded_on=clock.done_on,
                due_on=clock.due,
                timely=True
                if state == "met"
                else False
                if state in ("met_late", "overdue")
                else None,
                note=clock.why if clock.due is None else "",
            )
        )
    rows.sort(key=lambda row: (row.day_zero, row.kind, row.reference))
    return Reconciliation(start, end, rows)
