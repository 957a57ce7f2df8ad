"""The queue and its counts: open cases first with the oldest Day 0 on top, closed
and nullified ones after; filters computed per case read past the rows shown; the
counts cover every open case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from liaison.core.models import User
from liaison.safety import selectors
from liaison.safety.models import Case, CaseStatus
from liaison.safety.selectors import QueueFilters
from liaison.safety.tests import factories

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    """Read per test: a module constant goes stale when a run crosses midnight."""
    return timezone.localdate()


def on_time(reporter: User, days_ago: int, **values: Any) -> Case:
    """A case forwarded on its Day 0: no clock breached (DE, non-serious: 90 days)."""
    day_zero = today() - dt.timedelta(days=days_ago)
    forwarded = dt.datetime.combine(day_zero, dt.time(10), tzinfo=dt.UTC)
    return factories.case(reporter, day_zero=day_zero, forwarded_at=forwarded, **values)


def late(reporter: User, days_ago: int, **values: Any) -> Case:
    """A case still at intake past its forwarding day."""
    day_zero = today() - dt.timedelta(days=days_ago)
    values.setdefault("status", CaseStatus.INTAKE)
    return factories.case(reporter, day_zero=day_zero, forwarded_at=None, **values)


def listed(user: User, filters: QueueFilters | None = None, limit: int = 500) -> list[int]:
    return [row.case.pk for row in selectors.queue(user, filters, limit=limit)]


def test_open_cases_come_first_the_oldest_day_zero_on_top(msl: User, pv: User) -> None:
    closed = on_time(msl, 1, status=CaseStatus.CLOSED)
    nullified = on_time(
        msl,
        2,
        status=CaseStatus.NULLIFIED,
        version_kind="nullification",
        nullification_reason="a duplicate",
    )
    recent = on_time(msl, 3)
    oldest = on_time(msl, 40)
    assert listed(pv) == [oldest.pk, recent.pk, closed.pk, nullified.pk]
    assert listed(pv, limit=1) == [oldest.pk]


def test_a_filter_computed_per_case_reads_past_the_rows_shown(msl: User, pv: User) -> None:
    for days_ago in (30, 29, 2, 1):
        on_time(msl, days_ago)
    breached = late(msl, 10)
    assert listed(pv, QueueFilters(breached=True), limit=1) == [breached.pk]


def test_seriousness_filters_in_the_database(msl: User, pv: User) -> None:
    serious = on_time(msl, 4)
    serious.reactions.update(hospitalisation=True)
    other = on_time(msl, 3)
    assert listed(pv, QueueFilters(serious=True)) == [serious.pk]
    assert listed(pv, QueueFilters(serious=False)) == [other.pk]


def test_the_counts_cover_every_open_case_read_in_chunks(
    msl: User, pv: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "CHUNK", 2)
    on_time(msl, 9)
    on_time(msl, 8, patient_initials="", reporter_given_name="", reporter_family_name="")
    late(msl, 7)
    late(msl, 6)
    late(msl, 20, status=CaseStatus.CLOSED)
    counts = selectors.counts(pv)
    assert (counts["open"], counts["breached"], counts["incomplete"]) == (4, 2, 1)


def test_an_old_open_case_is_counted_behind_many_newer_closed_ones(msl: User, pv: User) -> None:
    overdue = late(msl, 60)
    Case.objects.bulk_create(
        Case(
            reference=f"AE-CLOSED-{index}",
            safety_report_id=f"DE-CLOSED-{index}",
            reported_by=msl,
            day_zero=today() - dt.timedelta(days=index % 30),
            country="DE",
            status=CaseStatus.CLOSED,
        )
        for index in range(501)
    )
    counts = selectors.counts(pv)
    assert (counts["open"], counts["breached"]) == (1, 1)
    assert listed(pv, limit=1) == [overdue.pk]


def test_a_reporter_counts_only_their_own_cases(msl: User, other_msl: User) -> None:
    late(msl, 6)
    late(other_msl, 6)
    assert selectors.counts(msl)["open"] == 1
