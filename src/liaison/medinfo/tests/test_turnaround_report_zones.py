"""The turnaround report finds an answer on its local day however far the inquiry's
zone lies from the zone the server reads dates in (up to 26 hours apart)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from liaison.core.models import User
from liaison.medinfo import selectors
from liaison.medinfo.models import InquiryStatus
from liaison.medinfo.tests import factories

pytestmark = pytest.mark.django_db

KIRITIMATI = zoneinfo.ZoneInfo("Pacific/Kiritimati")  # UTC+14
PAGO_PAGO = zoneinfo.ZoneInfo("Pacific/Pago_Pago")  # UTC-11
MONDAY = dt.date(2025, 12, 1)


def test_an_answer_two_days_from_the_active_zones_day_is_counted_on_its_local_day(
    medinfo: User,
) -> None:
    # 00:30 on Monday at Kiritimati is 23:30 on Saturday at Pago Pago: two days before.
    answered = dt.datetime.combine(MONDAY, dt.time(0, 30), tzinfo=KIRITIMATI)
    assert answered.astimezone(PAGO_PAGO).date() == MONDAY - dt.timedelta(days=2)
    factories.inquiry(
        medinfo,
        time_zone="Pacific/Kiritimati",
        status=InquiryStatus.ANSWERED,
        received_at=answered - dt.timedelta(days=3),
        answered_at=answered,
        due_on=MONDAY,
    )

    with timezone.override(PAGO_PAGO):
        monday = selectors.turnaround_report(medinfo, MONDAY, MONDAY)
        saturday = selectors.turnaround_report(
            medinfo, MONDAY - dt.timedelta(days=2), MONDAY - dt.timedelta(days=2)
        )

    assert (monday.total.answered, monday.total.on_time) == (1, 1)
    assert saturday.total.answered == 0
