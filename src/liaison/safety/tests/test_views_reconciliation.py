"""The reconciliation report: the last 30 days by default, a chosen period, its
CSV rows (one per flag and case, with timeliness), and a period that ends
before it starts refused beside the field."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import User
from liaison.safety.models import CaseStatus, FlagStatus, SourceKind
from liaison.safety.tests import factories

pytestmark = pytest.mark.django_db


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_has_a_row_per_flag_and_case_of_the_period_with_timeliness(
    client: Client, msl: User, pv: User
) -> None:
    today = timezone.localdate()
    late = factories.case(
        msl,
        day_zero=today - dt.timedelta(days=10),
        status=CaseStatus.INTAKE,
        forwarded_at=None,
        reference="AE-LATE",
    )
    on_time = factories.case(msl, day_zero=today, reference="AE-ON-TIME")
    factories.case(msl, day_zero=today - dt.timedelta(days=60), reference="AE-OLD")
    flag = factories.flag(
        msl,
        heard_on=today,
        status=FlagStatus.DISMISSED,
        dismiss_reason="hypothetical",
        handled_at=timezone.now(),
    )
    client.force_login(pv)
    response = client.get(reverse("safety:reconciliation"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = {row["reference"]: row for row in rows_of(response.content)}
    assert set(rows) == {late.reference, on_time.reference, f"Flag {flag.pk}"}
    assert rows[late.reference]["timely"] == "no"
    assert rows[on_time.reference]["timely"] == "yes"
    assert rows[f"Flag {flag.pk}"]["kind"] == "flag"
    assert rows[f"Flag {flag.pk}"]["note"] == "hypothetical"
    assert rows[on_time.reference]["day_0"] == today.isoformat()


def test_an_imported_case_has_no_clock_neither_late_nor_open(
    client: Client, msl: User, pv: User
) -> None:
    day = timezone.localdate() - dt.timedelta(days=20)
    imported = factories.case(pv, day_zero=day, source_kind=SourceKind.IMPORT, reference="AE-IMP")
    client.force_login(pv)
    response = client.get(reverse("safety:reconciliation"), {"format": "csv"})
    (row,) = rows_of(response.content)
    assert row["reference"] == imported.reference
    assert (row["timely"], row["due_on"]) == ("no clock", "")
    assert "forwarded by its sender" in row["note"]
    html = client.get(reverse("safety:reconciliation")).content.decode()
    assert "no clock" in html


def test_a_chosen_period_reaches_older_cases(client: Client, msl: User, pv: User) -> None:
    today = timezone.localdate()
    old = factories.case(msl, day_zero=today - dt.timedelta(days=60), reference="AE-OLD")
    client.force_login(pv)
    query = {
        "start": (today - dt.timedelta(days=90)).isoformat(),
        "end": (today - dt.timedelta(days=30)).isoformat(),
    }
    html = client.get(reverse("safety:reconciliation"), query).content.decode()
    assert old.reference in html
    response = client.get(reverse("safety:reconciliation"), {**query, "format": "csv"})
    assert [row["reference"] for row in rows_of(response.content)] == [old.reference]


def test_a_period_ending_before_it_starts_is_refused_beside_the_field(
    client: Client, compliance: User
) -> None:
    client.force_login(compliance)
    response = client.get(
        reverse("safety:reconciliation"), {"start": "2025-05-10", "end": "2025-05-01"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "the period ends before it starts" in html
    assert "Download CSV" not in html


def test_a_csv_of_an_unreadable_period_is_an_error_not_a_file(client: Client, pv: User) -> None:
    client.force_login(pv)
    response = client.get(reverse("safety:reconciliation"), {"start": "soon", "format": "csv"})
    assert response.status_code == 400
    assert "Day 0 from" in response.content.decode()
