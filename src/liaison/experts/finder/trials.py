"""The trials a query matches, and a row's trials as it shows them
(:class:`TrialLink`, newest first)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from liaison.core import policy
from liaison.core.policy import AnyUser
from liaison.experts.areas import condition_query
from liaison.experts.finder.query import FinderQuery
from liaison.trials.models import Trial, phase_label, status_label

#: Trials shown per row on a page (the export lists every NCT ID).
TRIALS_SHOWN = 5


@dataclass(frozen=True)
class TrialLink:
    """A trial behind a row, as the row shows it."""

    nct_id: str
    title: str
    status: str
    status_label: str
    phases: str
    start_date: str
    start_on: dt.date | None
    why_stopped: str


def matching_trials(user: AnyUser, query: FinderQuery) -> QuerySet[Trial]:
    """The trials ``user`` sees in the query's conditions (and phase)."""
    trials = policy.scope(user, "view", Trial).filter(condition_query(list(query.conditions)))
    if query.phase:
        trials = trials.filter(phase_key__contains=f"|{query.phase}|")
    return trials.order_by()


def trial_links(trial_ids: Iterable[int]) -> dict[int, TrialLink]:
    """The trials of ``trial_ids`` as rows show them (one query)."""
    links: dict[int, TrialLink] = {}
    columns = (
        "id",
        "nct_id",
        "brief_title",
        "official_title",
        "overall_status",
        "phases",
        "start_date",
        "start_on",
        "why_stopped",
    )
    for values in Trial.objects.filter(pk__in=list(trial_ids)).values_list(*columns):
        pk, nct_id, brief, official, status, phases, start_date, start_on, why = values
        links[pk] = TrialLink(
            nct_id=nct_id,
            title=brief or official or nct_id,
            status=status,
            status_label=status_label(status),
            phases=", ".join(phase_label(phase) for phase in phases or []),
            start_date=start_date,
            start_on=start_on,
            why_stopped=why,
        )
    return links


def newest_first(links: Iterable[TrialLink]) -> list[TrialLink]:
    """By start date, latest first (trials not started yet, with no date, last)."""
    return sorted(links, key=lambda link: (link.start_on or dt.date.min, link.nct_id), reverse=True)


def chunks(values: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    """``values`` in slices of ``size``, to keep an ``IN (...)`` list short."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
