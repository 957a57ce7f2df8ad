"""The engagement plan operations: who plans for whom, targets once per plan, tiers,
every change audited, refusals naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core.audit import history_for
from liaison.core.errors import LiaisonError, NotFound, PermissionDenied
from liaison.core.models import AuditAction, User
from liaison.directory.models import HCP, TherapeuticArea
from liaison.engagement.models import EngagementPlan, PlanTarget
from liaison.engagement.services import plans
from liaison.engagement.tests import factories
from liaison.experts.models import ExpertScore

pytestmark = pytest.mark.django_db


def data(**values: object) -> plans.PlanData:
    base: dict[str, object] = {
        "name": "2027 DACH",
        "period_start": dt.date(2027, 1, 1),
        "period_end": dt.date(2027, 12, 31),
    }
    base.update(values)
    return base  # type: ignore[return-value]


def test_an_msl_creates_their_own_plan_audited(msl: User) -> None:
    plan = plans.create_plan(actor=msl, data=data())

    assert plan.msl == msl
    assert plan.tier_frequency_days == {"1": 30, "2": 90, "3": 180}
    events = list(history_for(plan))
    assert [event.action for event in events] == [AuditAction.CREATE]
    assert events[0].actor == msl


def test_a_manager_plans_for_an_msl_of_their_team_not_another(
    msl: User, other_msl: User, field_manager: User
) -> None:
    plan = plans.create_plan(actor=field_manager, data=data(msl=msl))
    assert plan.msl == msl

    with pytest.raises(PermissionDenied) as refused:
        plans.create_plan(actor=field_manager, data=data(msl=other_msl))
    assert refused.value.field == "msl"


def test_an_msl_cannot_plan_for_a_colleague(msl: User, other_msl: User) -> None:
    with pytest.raises(PermissionDenied) as refused:
        plans.create_plan(actor=msl, data=data(msl=other_msl))
    assert refused.value.field == "msl"
    assert not EngagementPlan.objects.exists()


def test_a_plan_belongs_to_an_msl(admin_user: User, medinfo: User) -> None:
    with pytest.raises(LiaisonError) as refused:
        plans.create_plan(actor=admin_user, data=data(msl=medinfo))
    assert refused.value.field == "msl"


def test_roles_outside_the_field_cannot_plan(medinfo: User, insights_lead: User) -> None:
    for user in (medinfo, insights_lead):
        with pytest.raises(PermissionDenied):
            plans.create_plan(actor=user, data=data())


def test_a_period_ending_before_it_starts_is_refused_by_field(msl: User) -> None:
    with pytest.raises(LiaisonError) as refused:
        plans.create_plan(actor=msl, data=data(period_end=dt.date(2026, 6, 1)))
    assert "period_end" in refused.value.details
    assert not EngagementPlan.objects.exists()


def test_tier_frequencies_must_be_positive_days(msl: User) -> None:
    with pytest.raises(LiaisonError) as refused:
        plans.create_plan(actor=msl, data=data(tier_frequency_days={"1": 0, "2": 90, "3": 180}))
    assert "tier_frequency_days" in refused.value.details


def test_update_is_audited_with_the_diff(msl: User) -> None:
    plan = factories.plan(msl)

    changes = plans.update_plan(
        actor=msl,
        plan=plan,
        data={"name": "Renamed", "tier_frequency_days": {"1": 14, "2": 60, "3": 120}},
    )

    assert changes["name"] == ["2026 plan", "Renamed"]
    assert history_for(plan).filter(action=AuditAction.UPDATE).count() == 1


def test_another_msl_cannot_change_or_delete_a_plan(msl: User, other_msl: User) -> None:
    plan = factories.plan(msl)
    with pytest.raises(PermissionDenied):
        plans.update_plan(actor=other_msl, plan=plan, data={"name": "Mine now"})
    with pytest.raises(PermissionDenied):
        plans.delete_plan(actor=other_msl, plan=plan)


def test_targets_are_added_once_retiered_and_removed_audited(msl: User) -> None:
    plan = factories.plan(msl)
    hcp = factories.an_hcp("Target")

    target = plans.add_target(actor=msl, plan=plan, hcp=hcp, tier="1", note=" key opinion ")
    assert (target.tier, target.note) == ("1", "key opinion")
    with pytest.raises(LiaisonError) as twice:
        plans.add_target(actor=msl, plan=plan, hcp=hcp, tier="2")
    assert twice.value.field == "hcp"

    changes = plans.retier_target(actor=msl, target=target, tier="3")
    assert changes == {"tier": ["1", "3"]}
    pk = target.pk
    plans.remove_target(actor=msl, target=target)

    target.pk = pk
    assert [event.action for event in history_for(target).order_by("pk")] == [
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.DELETE,
    ]
    assert not PlanTarget.objects.exists()


def test_an_unknown_tier_is_refused_by_name(msl: User) -> None:
    plan = factories.plan(msl)
    with pytest.raises(LiaisonError) as refused:
        plans.add_target(actor=msl, plan=plan, hcp=factories.an_hcp(), tier="7")
    assert refused.value.field == "tier"


def test_the_manager_keeps_the_team_plan_targets(msl: User, field_manager: User) -> None:
    plan = factories.plan(msl)
    target = plans.add_target(actor=field_manager, plan=plan, hcp=factories.an_hcp(), tier="2")
    plans.retier_target(actor=field_manager, target=target, tier="1")
    assert PlanTarget.objects.get().tier == "1"


def test_deleting_a_plan_audits_its_targets(msl: User) -> None:
    hcp = factories.an_hcp()
    plan = factories.plan(msl, [(hcp, "1")])
    target = plan.targets.get()
    pks = (plan.pk, target.pk)

    plans.delete_plan(actor=msl, plan=plan)

    assert not EngagementPlan.objects.exists()
    plan.pk, target.pk = pks
    assert history_for(target).filter(action=AuditAction.DELETE).count() == 1
    assert history_for(plan).filter(action=AuditAction.DELETE).count() == 1


def test_a_target_of_another_msls_plan_is_not_theirs(msl: User, other_msl: User) -> None:
    plan = factories.plan(msl, [(factories.an_hcp(), "1")])
    with pytest.raises(PermissionDenied):
        plans.remove_target(actor=other_msl, target=plan.targets.get())
    with pytest.raises((PermissionDenied, NotFound)):
        plans.add_target(actor=other_msl, plan=plan, hcp=factories.an_hcp("X"))


# --- a target's tier defaults to the HCP's expert tier (experts.ExpertScore) ----------


def _expert_score(hcp: HCP, area_code: str, tier: int | None) -> None:
    area, _ = TherapeuticArea.objects.get_or_create(code=area_code, defaults={"name": area_code})
    ExpertScore.objects.create(hcp=hcp, area=area, score=10.0, tier=tier, country="DE")


def test_a_target_added_without_a_tier_takes_the_best_expert_tier(msl: User) -> None:
    plan = factories.plan(msl)
    hcp = factories.an_hcp("Ranked")
    _expert_score(hcp, "melanoma", 2)
    _expert_score(hcp, "lung", 1)
    _expert_score(hcp, "asthma", None)

    target = plans.add_target(actor=msl, plan=plan, hcp=hcp)
    assert target.tier == "1"


def test_a_target_without_expert_tier_defaults_to_tier_two(msl: User) -> None:
    plan = factories.plan(msl)
    target = plans.add_target(actor=msl, plan=plan, hcp=factories.an_hcp("Unranked"))
    assert target.tier == "2"


def test_the_msl_may_choose_another_tier_than_the_expert_tier_and_change_it(msl: User) -> None:
    plan = factories.plan(msl)
    hcp = factories.an_hcp("Chosen")
    _expert_score(hcp, "melanoma", 1)

    target = plans.add_target(actor=msl, plan=plan, hcp=hcp, tier="3")
    assert target.tier == "3"
    plans.retier_target(actor=msl, target=target, tier="2")
    target.refresh_from_db()
    assert target.tier == "2"


def test_the_web_form_adds_a_target_with_its_expert_tier_when_none_is_chosen(
    msl: User, client: Client
) -> None:
    plan = factories.plan(msl)
    hcp = factories.an_hcp("Webranked")
    _expert_score(hcp, "melanoma", 1)
    client.force_login(msl)
    page = client.get(reverse("engagement:plan-detail", args=[plan.pk]), {"q": "Webranked"})
    assert "Expert tier (1)" in page.content.decode()
    response = client.post(
        reverse("engagement:plan-target-add", args=[plan.pk]), {"hcp": hcp.pk, "tier": ""}
    )
    assert response.status_code == 302
    assert PlanTarget.objects.get(plan=plan, hcp=hcp).tier == "1"
