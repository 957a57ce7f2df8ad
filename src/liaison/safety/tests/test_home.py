"""Safety's home panel: pharmacovigilance's open cases with a running clock overdue
or due within two days; anyone else's flags waiting and cases not yet forwarded;
each in a constant number of queries, and only for whom it concerns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import User
from liaison.safety import clocks, home
from liaison.safety.models import (
    Case,
    CaseStatus,
    Expectedness,
    FlagStatus,
    Reaction,
    SourceKind,
)
from liaison.safety.tests import factories

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    """Read per test: a module constant goes stale when a run crosses midnight."""
    return timezone.localdate()


def days_ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


def serious(case: Case) -> Case:
    Reaction.objects.filter(case=case).update(hospitalisation=True)
    return case


def not_forwarded(reporter: User, day_zero: dt.date, **values: Any) -> Case:
    values.setdefault("status", CaseStatus.INTAKE)
    return factories.case(reporter, day_zero=day_zero, forwarded_at=None, **values)


def test_the_panel_is_for_pharmacovigilance_and_who_reports(
    msl: User, medinfo: User, pv: User, compliance: User, insights_lead: User, outsider: User
) -> None:
    panels = {
        user.username: home.overdue_cases(user)
        for user in (msl, medinfo, pv, compliance, insights_lead, outsider)
    }
    assert {name for name, panel in panels.items() if panel is not None} == {
        msl.username,
        medinfo.username,
        pv.username,
    }
    pharmacovigilance, reporter = panels[pv.username], panels[msl.username]
    assert pharmacovigilance is not None and pharmacovigilance["pharmacovigilance"]
    assert reporter is not None and not reporter["pharmacovigilance"]


def test_another_role_has_the_panel_while_a_flag_of_theirs_waits(compliance: User) -> None:
    factories.flag(compliance)

    panel = home.overdue_cases(compliance)

    assert panel is not None
    assert panel["flag_count"] == 1


def test_pharmacovigilance_sees_the_cases_with_a_clock_overdue_or_due_soon(
    msl: User, pv: User
) -> None:
    # Not forwarded ten days after Day 0: the forwarding clock is overdue.
    late = not_forwarded(msl, days_ago(10))
    late_due = clocks.forwarding_clock(late).due
    assert late_due is not None
    # Serious in Germany (EU rules): reported to the regulator 15 days from Day 0, tomorrow.
    soon = serious(factories.case(msl, day_zero=days_ago(14)))
    serious(factories.case(msl, day_zero=days_ago(3)))  # due in 12 days
    serious(factories.case(msl, day_zero=days_ago(20), submitted_at=timezone.now()))
    not_forwarded(msl, days_ago(30), status=CaseStatus.CLOSED)
    factories.case(msl, day_zero=days_ago(10), forwarded_at=None, source_kind=SourceKind.IMPORT)
    # Forwarded late: that clock is met (late) and asks nothing more.
    factories.case(msl, day_zero=days_ago(8), forwarded_at=timezone.now())

    panel = home.overdue_cases(pv)

    assert panel is not None
    assert [item.row.case.pk for item in panel["cases"]] == [late.pk, soon.pk]
    assert [[item.text for item in case.pressing] for case in panel["cases"]] == [
        [f"Forward: {(today() - late_due).days} days late"],
        ["Report: due tomorrow"],
    ]
    assert (panel["count"], panel["overdue"], panel["due_soon"]) == (2, 1, 1)
    assert panel["queue_url"] == reverse("safety:case-list") + "?breached=yes"


def test_a_serious_unexpected_case_outside_the_eu_runs_the_15_day_clock(
    msl: User, pv: User
) -> None:
    case = serious(
        factories.case(
            msl, day_zero=days_ago(16), country="US", expectedness=Expectedness.UNEXPECTED
        )
    )
    serious(factories.case(msl, day_zero=days_ago(16), country="US"))  # not yet assessed

    panel = home.overdue_cases(pv)

    assert panel is not None
    assert [item.row.case.pk for item in panel["cases"]] == [case.pk]
    assert panel["cases"][0].overdue


def test_a_reporter_sees_their_flags_waiting_and_cases_not_yet_forwarded(
    msl: User, other_msl: User, pv: User
) -> None:
    waiting = factories.flag(msl, heard_on=days_ago(1))
    factories.flag(msl, status=FlagStatus.DISMISSED, dismiss_reason="hypothetical")
    factories.flag(other_msl)
    kept = not_forwarded(msl, days_ago(3))
    factories.case(msl)  # forwarded
    not_forwarded(other_msl, days_ago(3))

    panel = home.overdue_cases(msl)

    assert panel is not None
    assert [flag.pk for flag in panel["flags"]] == [waiting.pk]
    assert [item["case"].pk for item in panel["cases"]] == [kept.pk]
    assert panel["cases"][0]["forwarding"].breached()
    assert (panel["flag_count"], panel["case_count"], panel["count"]) == (1, 1, 2)


def test_the_lists_are_cut_but_the_counts_are_whole(msl: User) -> None:
    for day in range(home.SHOWN + 2):
        factories.flag(msl)
        not_forwarded(msl, days_ago(day))

    panel = home.overdue_cases(msl)

    assert panel is not None
    assert (len(panel["flags"]), len(panel["cases"])) == (home.SHOWN, home.SHOWN)
    assert (panel["flag_count"], panel["case_count"]) == (home.SHOWN + 2, home.SHOWN + 2)


def test_the_panels_take_the_same_queries_whatever_the_cases(
    msl: User, pv: User, django_assert_max_num_queries: Any
) -> None:
    not_forwarded(msl, days_ago(10))
    factories.flag(msl)
    with django_assert_max_num_queries(3):
        home.overdue_cases(pv)
    with django_assert_max_num_queries(4):
        home.overdue_cases(msl)
    for day in range(12):
        not_forwarded(msl, days_ago(10 + day))
        serious(factories.case(msl, day_zero=days_ago(14)))
        factories.flag(msl)
    with django_assert_max_num_queries(3):
        home.overdue_cases(pv)
    with django_assert_max_num_queries(4):
        home.overdue_cases(msl)


def test_the_home_page_shows_pharmacovigilance_its_clocks(
    client: Client, msl: User, pv: User
) -> None:
    late = not_forwarded(msl, days_ago(10))
    client.force_login(pv)

    page = client.get(reverse("core:home")).content.decode()

    assert '<h2 id="home-safety-clocks-heading">Adverse-event clocks' in page
    assert reverse("safety:case-detail", args=[late.pk]) in page
    assert "1 overdue" in page
    assert "Adverse events waiting for you" not in page


def test_the_home_page_shows_an_msl_what_waits_and_says_when_nothing_does(
    client: Client, msl: User
) -> None:
    client.force_login(msl)

    page = client.get(reverse("core:home")).content.decode()

    assert "Adverse events waiting for you" in page
    assert "No flag waits for you." in page
    assert "Every case you reported is with pharmacovigilance." in page
    assert "Adverse-event clocks" not in page

    flag = factories.flag(msl)
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("safety:flag-confirm", args=[flag.pk]) in page


def test_the_home_page_leaves_the_panel_out_for_a_role_with_nothing_waiting(
    client: Client, msl: User, insights_lead: User
) -> None:
    not_forwarded(msl, days_ago(10))
    client.force_login(insights_lead)

    page = client.get(reverse("core:home")).content.decode()

    assert "Adverse-event clocks" not in page
    assert "Adverse events waiting for you" not in page
