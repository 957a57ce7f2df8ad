"""The turnaround report page: counts by priority for a period, a chart with the same
numbers in a table, the CSV download, and who may read it."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import User
from liaison.medinfo.models import Inquiry, InquiryStatus, Priority
from liaison.medinfo.tests import factories

pytestmark = pytest.mark.django_db


def _answered(receiver: User, priority: str, late: bool) -> Inquiry:
    answered_at = timezone.now() - dt.timedelta(days=1)
    due = answered_at.date() + dt.timedelta(days=-3 if late else 3)
    return factories.inquiry(
        receiver,
        priority=priority,
        status=InquiryStatus.ANSWERED,
        received_at=answered_at - dt.timedelta(days=7),
        answered_at=answered_at,
        due_on=due,
    )


def test_report_counts_on_time_and_late_by_priority(client: Client, medinfo: User) -> None:
    _answered(medinfo, Priority.URGENT, late=True)
    _answered(medinfo, Priority.URGENT, late=False)
    _answered(medinfo, Priority.LOW, late=False)
    client.force_login(medinfo)
    page = client.get(reverse("medinfo:turnaround")).content.decode()
    assert 'aria-describedby="turnaround-table"' in page
    assert '<th scope="row">Urgent</th><td>2</td><td>1</td><td>1</td>' in page
    assert '<th scope="row">All priorities</th><td>3</td><td>2</td><td>1</td>' in page


def test_report_downloads_as_csv_for_the_period(client: Client, medinfo: User) -> None:
    _answered(medinfo, Priority.HIGH, late=True)
    today = timezone.localdate()
    client.force_login(medinfo)
    response = client.get(
        reverse("medinfo:turnaround"),
        {
            "start": (today - dt.timedelta(days=30)).isoformat(),
            "end": today.isoformat(),
            "format": "csv",
        },
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:4] == ["priority", "answered", "on time", "late"]
    high = next(row for row in rows if row[0] == "High")
    assert high[1:4] == ["1", "0", "1"]


def test_a_period_outside_the_answers_counts_none(client: Client, medinfo: User) -> None:
    _answered(medinfo, Priority.HIGH, late=True)
    client.force_login(medinfo)
    response = client.get(
        reverse("medinfo:turnaround"), {"start": "2020-01-01", "end": "2020-01-31", "format": "csv"}
    )
    total = list(csv.reader(io.StringIO(response.content.decode())))[-1]
    assert total[:2] == ["All priorities", "0"]


def test_an_end_before_the_start_is_shown_beside_the_end(client: Client, medinfo: User) -> None:
    client.force_login(medinfo)
    page = client.get(
        reverse("medinfo:turnaround"), {"start": "2026-03-01", "end": "2026-02-01"}
    ).content.decode()
    assert 'id="id_end_error"' in page and "is before the start" in page


def test_msl_does_not_read_the_report(client: Client, msl: User) -> None:
    client.force_login(msl)
    assert client.get(reverse("medinfo:turnaround")).status_code == 403
