"""An area's evidence definition and weights: checked, versioned, audited, and a
recompute queued on every change (``services.weights``, ``weights.check_weights``)."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.core.audit import history_for
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import Job, User
from liaison.experts import scoring_tasks
from liaison.experts.models import AreaDefinition, WeightSet
from liaison.experts.services import weights as services
from liaison.experts.tests import scoring_world as world
from liaison.experts.weights import DEFAULT_WEIGHTS, WeightsProblem, check_weights

pytestmark = pytest.mark.django_db


def recomputes() -> int:
    return Job.objects.filter(kind=scoring_tasks.RECOMPUTE_KIND).count()


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        ({"publication": -1}, "publication"),
        ({"position": {"first": -0.5}}, "position.first"),
        ({"half_life_years": 0}, "half_life_years"),
        ({"tiers": {"1": 30, "2": 20}}, "tiers.2"),
        ({"tiers": {"1": 5, "2": 100}}, "tiers.2"),
        ({"tiers": {"1": 0, "2": 20}}, "tiers.1"),
        ({"tiers": {"1": 5}}, "tiers"),
        ({"trial": "many"}, "trial"),
        ({"colour": 1}, "colour"),
        ({"rising_years": 2.5}, "rising_years"),
        ({"network": float("nan")}, "network"),
    ],
)
def test_a_wrong_weight_is_refused_naming_its_key(weights: dict[str, Any], field: str) -> None:
    with pytest.raises(WeightsProblem) as refused:
        check_weights(weights)
    assert refused.value.field == field


def test_keys_left_out_take_their_default() -> None:
    checked = check_weights({"half_life_years": 3})
    assert checked["half_life_years"] == 3.0
    assert checked["position"] == DEFAULT_WEIGHTS["position"]


def test_each_save_is_a_new_audited_version_and_queues_a_recompute(admin_user: User) -> None:
    area = world.area()
    first = services.save_weights(
        actor=admin_user, area=area, weights={"half_life_years": 3}, note="faster decay"
    )
    second = services.save_weights(actor=admin_user, area=area, weights={"network": 0})
    assert (first.version, second.version) == (1, 2)
    assert second.weights["network"] == 0 and second.weights["half_life_years"] == 5.0
    assert first.note == "faster decay" and first.created_by == admin_user
    assert len(list(history_for(first))) == 1
    assert recomputes() == 2


def test_a_refused_weight_set_saves_nothing_and_names_the_field(admin_user: User) -> None:
    area = world.area()
    with pytest.raises(LiaisonError) as refused:
        services.save_weights(actor=admin_user, area=area, weights={"tiers": {"1": 50, "2": 10}})
    assert refused.value.field == "weights.tiers.2"
    assert refused.value.message.startswith("weights.tiers.2: tier cut-offs must increase")
    assert not WeightSet.objects.exists()
    assert recomputes() == 0


@pytest.mark.parametrize(
    ("weights", "field"),
    [({"position": {"first": -1}}, "weights.position.first"), ("many", "weights")],
)
def test_a_refused_weight_names_one_field_in_the_message_and_the_error(
    admin_user: User, weights: Any, field: str
) -> None:
    with pytest.raises(LiaisonError) as refused:
        services.save_weights(actor=admin_user, area=world.area(), weights=weights)
    assert refused.value.field == field
    assert refused.value.message.startswith(f"{field}: ")
    assert list(refused.value.details) == [field]
    assert recomputes() == 0


def test_only_administrators_save_weights_and_definitions(msl: User, insights_lead: User) -> None:
    area = world.area()
    for user in (msl, insights_lead):
        with pytest.raises(PermissionDenied):
            services.save_weights(actor=user, area=area, weights={})
        with pytest.raises(PermissionDenied):
            services.save_area_definition(actor=user, area=area, data={"mesh_terms": ["X"]})


def test_a_definition_is_created_then_changed_audited(admin_user: User) -> None:
    from liaison.directory.models import TherapeuticArea

    area = TherapeuticArea.objects.create(code="asthma", name="Asthma")
    definition = services.save_area_definition(
        actor=admin_user,
        area=area,
        data={"mesh_terms": [" Asthma ", "asthma", ""], "conditions": ["asthma"]},
    )
    assert definition.mesh_terms == ["Asthma"]
    services.save_area_definition(
        actor=admin_user, area=area, data={"search_query": "inhaled corticosteroids"}
    )
    definition.refresh_from_db()
    assert definition.search_query == "inhaled corticosteroids"
    assert definition.mesh_terms == ["Asthma"]
    assert len(list(history_for(definition))) == 2
    assert recomputes() == 2


def test_an_unchanged_definition_queues_nothing(admin_user: User) -> None:
    area = world.area()
    definition = AreaDefinition.objects.get(area=area)
    services.save_area_definition(
        actor=admin_user, area=area, data={"mesh_terms": list(definition.mesh_terms)}
    )
    assert recomputes() == 0


def test_a_definition_naming_nothing_or_an_unreadable_search_is_refused(
    admin_user: User,
) -> None:
    area = world.area()
    with pytest.raises(LiaisonError) as empty:
        services.save_area_definition(
            actor=admin_user, area=area, data={"mesh_terms": [], "conditions": []}
        )
    assert empty.value.field == "mesh_terms"
    with pytest.raises(LiaisonError) as unreadable:
        services.save_area_definition(
            actor=admin_user, area=area, data={"search_query": '"unclosed phrase'}
        )
    assert unreadable.value.field == "search_query"
    assert AreaDefinition.objects.get(area=area).mesh_terms == ["Melanoma"]
