"""Medical information's home panel: the open inquiries past their target turnaround,
counted in total and by priority, for medical information (every one) and MSLs (the
ones they took); no other role; in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import User
from liaison.medinfo import home
from liaison.medinfo.models import InquiryStatus, Priority
from liaison.medinfo.tests import factories

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    """Read per test: a module constant goes stale when a run crosses midnight."""
    return timezone.localdate()


def overdue(received_by: User, days: int, **values: object) -> str:
    """An open inquiry ``days`` past its due day; its reference."""
    inquiry = factories.inquiry(received_by, due_on=today() - dt.timedelta(days=days), **values)
    return inquiry.reference


def test_the_panel_is_for_medical_information_and_msls(
    msl: User,
    medinfo: User,
    pv: User,
    compliance: User,
    field_manager: User,
    admin_user: User,
    outsider: User,
) -> None:
    shown = {
        user.username
        for user in (msl, medinfo, pv, compliance, field_manager, admin_user, outsider)
        if home.overdue_inquiries(user) is not None
    }
    assert shown == {msl.username, medinfo.username}


def test_medical_information_sees_every_open_breach_the_most_overdue_first(
    msl: User, other_msl: User, medinfo: User
) -> None:
    one_day = overdue(msl, 1)
    four_days = overdue(other_msl, 4, priority=Priority.URGENT, requester_name="Dr Lena Vogt")
    overdue(medinfo, 2, status=InquiryStatus.ANSWERED, answered_at=timezone.now())
    overdue(medinfo, 6, status=InquiryStatus.CANCELLED)
    factories.inquiry(medinfo, due_on=today())  # due today: not breached yet

    panel = home.overdue_inquiries(medinfo)

    assert panel is not None
    assert [item["inquiry"].reference for item in panel["rows"]] == [four_days, one_day]
    assert [item["days_overdue"] for item in panel["rows"]] == [4, 1]
    assert panel["count"] == 2
    by_priority = {item["priority"]: item["count"] for item in panel["by_priority"]}
    assert by_priority == {
        Priority.URGENT: 1,
        Priority.HIGH: 0,
        Priority.NORMAL: 1,
        Priority.LOW: 0,
    }
    assert panel["queue_url"] == reverse("medinfo:inquiry-list") + "?breached=yes"


def test_an_msl_sees_only_the_breaches_of_inquiries_they_took(
    msl: User, other_msl: User, medinfo: User
) -> None:
    mine = overdue(msl, 3, status=InquiryStatus.RECEIVED)
    overdue(other_msl, 3)
    overdue(medinfo, 3)

    panel = home.overdue_inquiries(msl)

    assert panel is not None
    assert panel["mine_only"]
    assert [item["inquiry"].reference for item in panel["rows"]] == [mine]
    assert panel["count"] == 1


def test_the_list_is_cut_but_the_count_covers_every_breach(medinfo: User) -> None:
    for days in range(1, home.SHOWN + 3):
        overdue(medinfo, days)

    panel = home.overdue_inquiries(medinfo)

    assert panel is not None
    assert len(panel["rows"]) == home.SHOWN
    assert panel["count"] == home.SHOWN + 2


def test_the_panel_takes_the_same_queries_whatever_the_breaches(
    medinfo: User, django_assert_max_num_queries: Any
) -> None:
    overdue(medinfo, 1)
    with django_assert_max_num_queries(2):
        home.overdue_inquiries(medinfo)
    for days in range(2, 30):
        overdue(medinfo, days, priority=Priority.HIGH if days % 2 else Priority.LOW)
    with django_assert_max_num_queries(2):
        home.overdue_inquiries(medinfo)


def test_the_home_page_shows_medical_information_its_breaches(
    client: Client, medinfo: User
) -> None:
    reference = overdue(medinfo, 2, requester_name="Dr Lena Vogt", assigned_to=medinfo)
    client.force_login(medinfo)

    page = client.get(reverse("core:home")).content.decode()

    assert '<h2 id="home-medinfo-overdue-heading">Inquiries past their turnaround' in page
    assert reference in page and "Dr Lena Vogt" in page
    assert f'href="{reverse("medinfo:inquiry-list")}?breached=yes"' in page
    assert "1 breached" in page


def test_the_home_page_says_so_when_nothing_is_overdue(client: Client, msl: User) -> None:
    factories.inquiry(msl)  # due in five days
    client.force_login(msl)

    page = client.get(reverse("core:home")).content.decode()

    assert "Your inquiries past their turnaround" in page
    assert "No inquiry you took is past its turnaround." in page


def test_the_home_page_leaves_the_panel_out_for_other_roles(
    client: Client, pv: User, msl: User
) -> None:
    overdue(msl, 2)
    client.force_login(pv)

    page = client.get(reverse("core:home")).content.decode()

    assert "past their turnaround" not in page
