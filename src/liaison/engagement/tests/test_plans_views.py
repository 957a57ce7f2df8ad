"""The plan pages: create a plan, find and add targets, re-tier and remove them, the
plan's coverage table, and the coverage page (a manager's team, an MSL's own)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import User
from liaison.engagement.forms.plans import PlanForm
from liaison.engagement.models import EngagementPlan, PlanTarget
from liaison.engagement.tests import factories

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    """Read per test: a module constant goes stale when a run crosses midnight."""
    return timezone.localdate()


def current_plan(msl: User, targets: list[tuple[object, str]] = ()) -> EngagementPlan:  # type: ignore[assignment]
    return factories.plan(
        msl,
        targets,  # type: ignore[arg-type]
        name="Current plan",
        period_start=today() - dt.timedelta(days=200),
        period_end=today() + dt.timedelta(days=100),
    )


def test_an_msl_creates_a_plan_from_the_form(client: Client, msl: User) -> None:
    client.force_login(msl)
    form = client.get(reverse("engagement:plan-create")).content.decode()
    assert 'value="30"' in form  # tier 1 default

    response = client.post(
        reverse("engagement:plan-create"),
        {
            "name": "2027 DACH",
            "msl": msl.pk,
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
            "tier_1_days": 21,
            "tier_2_days": 60,
            "tier_3_days": 120,
        },
    )

    plan = EngagementPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:plan-detail", args=[plan.pk])
    assert plan.tier_frequency_days == {"1": 21, "2": 60, "3": 120}
    assert plan.msl == msl


def test_the_form_names_a_period_ending_before_it_starts(client: Client, msl: User) -> None:
    client.force_login(msl)
    response = client.post(
        reverse("engagement:plan-create"),
        {
            "name": "Backwards",
            "msl": msl.pk,
            "period_start": "2027-06-01",
            "period_end": "2027-01-01",
            "tier_1_days": 30,
            "tier_2_days": 90,
            "tier_3_days": 180,
        },
    )
    assert response.status_code == 200
    assert "the period must end after it starts" in response.content.decode()
    assert not EngagementPlan.objects.exists()


def test_an_msl_may_pick_only_themselves_a_manager_the_team(
    msl: User, other_msl: User, field_manager: User, admin_user: User
) -> None:
    def choices(user: User) -> set[int]:
        field = PlanForm(user=user).fields["msl"]
        return {user.pk for user in field.queryset}  # type: ignore[attr-defined]

    assert choices(msl) == {msl.pk}
    assert choices(field_manager) == {msl.pk}
    assert choices(admin_user) == {msl.pk, other_msl.pk}


def test_find_add_retier_and_remove_a_target(client: Client, msl: User) -> None:
    plan = current_plan(msl)
    hcp = factories.an_hcp("Findable")
    client.force_login(msl)
    detail = reverse("engagement:plan-detail", args=[plan.pk])

    found = client.get(detail, {"q": "Findable"}).content.decode()
    assert "Anna Findable" in found and "<td>Germany</td>" in found

    client.post(reverse("engagement:plan-target-add", args=[plan.pk]), {"hcp": hcp.pk, "tier": "1"})
    target = PlanTarget.objects.get(plan=plan)
    assert target.tier == "1"
    assert (
        "Anna Findable"
        not in client.get(detail, {"q": "Findable"}).content.decode().split("add-target-heading")[1]
    )

    client.post(reverse("engagement:plan-target-tier", args=[target.pk]), {"tier": "3"})
    target.refresh_from_db()
    assert target.tier == "3"

    client.post(reverse("engagement:plan-target-remove", args=[target.pk]))
    assert not PlanTarget.objects.exists()


def test_adding_a_target_twice_says_why(client: Client, msl: User) -> None:
    hcp = factories.an_hcp("Twice")
    plan = current_plan(msl, [(hcp, "2")])
    client.force_login(msl)

    response = client.post(
        reverse("engagement:plan-target-add", args=[plan.pk]), {"hcp": hcp.pk, "tier": "1"}
    )

    assert response.status_code == 400
    assert "already a target of this plan" in response.content.decode()


def test_the_plan_page_shows_each_targets_coverage(client: Client, msl: User) -> None:
    late, fine = factories.an_hcp("Late"), factories.an_hcp("Fine")
    plan = current_plan(msl, [(late, "1"), (fine, "1")])
    factories.interaction(msl, [late], occurred_at=timezone.now() - dt.timedelta(days=40))
    factories.interaction(msl, [fine], occurred_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(msl)

    page = client.get(reverse("engagement:plan-detail", args=[plan.pk])).content.decode()

    late_row = page.split("Anna Late</a>")[1].split("</tr>")[0]
    fine_row = page.split("Anna Fine</a>")[1].split("</tr>")[0]
    assert "overdue by 10 days" in late_row
    assert "overdue" not in fine_row
    assert reverse("engagement:hcp-brief", args=[late.pk]) in page
    assert f"{reverse('engagement:interaction-create')}?hcp={late.pk}" in page


def test_the_coverage_page_shows_a_manager_the_team(
    client: Client, msl: User, other_msl: User, field_manager: User
) -> None:
    msl.first_name, msl.last_name = "Alice", "Adler"
    msl.save()
    current_plan(msl, [(factories.an_hcp("One"), "1"), (factories.an_hcp("Two"), "2")])
    current_plan(other_msl, [(factories.an_hcp("Three", country="US"), "1")])

    client.force_login(field_manager)
    page = client.get(reverse("engagement:coverage")).content.decode()
    assert "Alice Adler" in page
    assert 'aria-describedby="coverage-table"' in page and 'id="coverage-table"' in page
    assert "bob" not in page
    assert "by anyone in the MSL&#x27;s team" in page or "by anyone in the MSL's team" in page

    client.force_login(other_msl)
    page = client.get(reverse("engagement:coverage"), {"basis": "msl"}).content.decode()
    assert "bob" in page and "Alice Adler" not in page
    assert "by the plan" in page
