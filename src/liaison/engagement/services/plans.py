"""Engagement plans: an MSL's target HCPs for a period, each with a tier, and how
often each tier is to be engaged (audited, policy-checked).

A plan is kept by its MSL, the manager of the MSL's team and administrators
(``PlanRules``): an MSL plans for themselves, a manager for an MSL of their
team, an administrator for any MSL. Every change of a plan or of its targets is
an audit event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.core import audit, policy
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import Role, Territory, User
from liaison.directory.models import HCP
from liaison.engagement.models import EngagementPlan, PlanTarget, Tier
from liaison.experts.models import ExpertScore
from liaison.lib.validation import validation_error


class PlanData(TypedDict, total=False):
    """A plan's fields; on update only the keys given change."""

    name: str
    msl: User
    territory: Territory | None
    period_start: dt.date
    period_end: dt.date
    #: Days between engagements per tier: ``{"1": 30, "2": 90, "3": 180}``.
    tier_frequency_days: dict[str, int]


PLAN_FIELDS = frozenset(PlanData.__annotations__)


def _check_keys(data: PlanData) -> None:
    unknown = sorted(set(data) - PLAN_FIELDS)
    if unknown:
        raise LiaisonError(f"{unknown[0]}: not a field of an engagement plan", field=unknown[0])


def _check_msl(actor: User, msl: User) -> None:
    """The plan's MSL is an active MSL the actor plans for: themselves, a member of a
    team the actor manages, or anyone for an administrator."""
    if not msl.is_active or msl.role != Role.MSL:
        raise LiaisonError(f"{msl.get_username()} is not an MSL", field="msl")
    if actor.is_administrator or msl.pk == actor.pk:
        return
    if not msl.teams.filter(manager=actor).exists():
        raise PermissionDenied(
            f"{msl.get_username()} is not in a team you manage: plan for yourself or your team",
            field="msl",
        )


def _tier(value: str) -> str:
    if value not in Tier.values:
        raise LiaisonError(
            f"“{value}” is not a tier (choose {', '.join(Tier.values)})", field="tier"
        )
    return value


def _save(write: Any) -> Any:
    try:
        with transaction.atomic():
            return write()
    except ValidationError as error:
        raise validation_error(error, model=EngagementPlan) from None


def create_plan(*, actor: User, data: PlanData) -> EngagementPlan:
    """Create a plan for ``data["msl"]`` (the actor when left out)."""
    policy.require(actor, "add", EngagementPlan)
    _check_keys(data)
    values: dict[str, Any] = dict(data)
    values.setdefault("msl", actor)
    _check_msl(actor, values["msl"])
    plan = EngagementPlan(**values)

    def write() -> EngagementPlan:
        audit.create_record(actor=actor, instance=plan)
        if not policy.can(actor, "change", plan):
            raise PermissionDenied("you may not keep this engagement plan")
        return plan

    result: EngagementPlan = _save(write)
    return result


def update_plan(*, actor: User, plan: EngagementPlan, data: PlanData) -> dict[str, list[Any]]:
    """Change a plan's name, MSL, territory, period or tier frequencies; returns the diff."""
    policy.require(actor, "change", plan)
    _check_keys(data)
    if "msl" in data and data["msl"].pk != plan.msl_id:
        _check_msl(actor, data["msl"])

    def write() -> dict[str, list[Any]]:
        changes = audit.update_record(actor=actor, instance=plan, values=dict(data))
        if not policy.can(actor, "change", plan):
            raise PermissionDenied("you may not give this plan to an MSL outside your team")
        return changes

    result: dict[str, list[Any]] = _save(write)
    return result


def delete_plan(*, actor: User, plan: EngagementPlan) -> None:
    """Delete a plan with its targets (each target's deletion audited too)."""
    policy.require(actor, "delete", plan)
    with transaction.atomic():
        for target in plan.targets.select_related("hcp"):
            audit.delete_record(actor=actor, instance=target, reason="its plan was deleted")
        audit.delete_record(actor=actor, instance=plan)


def expert_tiers(actor: User, hcp_ids: list[int]) -> dict[int, str]:
    """Each HCP's expert tier (``experts.ExpertScore.tier``): the best of the HCP's
    therapeutic areas (plans have no area), for those that have one; one query."""
    tiers: dict[int, str] = {}
    rows = (
        policy.scope(actor, "view", ExpertScore)
        .filter(hcp_id__in=hcp_ids, tier__isnull=False)
        .order_by("hcp_id", "tier")
        .values_list("hcp_id", "tier")
    )
    for hcp_id, tier in rows:
        tiers.setdefault(hcp_id, str(tier))
    return tiers


def default_tier(actor: User, hcp: HCP) -> str:
    """The tier a target gets when the MSL chooses none: the HCP's expert tier, else tier 2."""
    return expert_tiers(actor, [hcp.pk]).get(hcp.pk, Tier.TIER_2)


def add_target(
    *, actor: User, plan: EngagementPlan, hcp: HCP, tier: str | None = None, note: str = ""
) -> PlanTarget:
    """Make ``hcp`` a target of ``plan`` with ``tier`` (left out: the HCP's expert tier,
    the best of their areas, else tier 2); an HCP is a target of a plan once."""
    policy.require(actor, "change", plan)
    if not policy.can(actor, "view", hcp):
        raise LiaisonError("no such HCP", field="hcp")
    chosen = tier or default_tier(actor, hcp)
    target = PlanTarget(plan=plan, hcp=hcp, tier=_tier(chosen), note=note.strip())
    if PlanTarget.objects.filter(plan=plan, hcp=hcp).exists():
        raise LiaisonError(f"{hcp.full_name} is already a target of this plan", field="hcp")

    def write() -> PlanTarget:
        audit.create_record(actor=actor, instance=target)
        return target

    result: PlanTarget = _save(write)
    return result


def retier_target(
    *, actor: User, target: PlanTarget, tier: str, note: str | None = None
) -> dict[str, list[Any]]:
    """Give a target another tier (and note); returns the audited diff."""
    policy.require(actor, "change", target)
    values: dict[str, Any] = {"tier": _tier(tier)}
    if note is not None:
        values["note"] = note.strip()

    def write() -> dict[str, list[Any]]:
        return audit.update_record(actor=actor, instance=target, values=values)

    result: dict[str, list[Any]] = _save(write)
    return result


def remove_target(*, actor: User, target: PlanTarget) -> None:
    """Take an HCP off a plan."""
    policy.require(actor, "delete", target)
    with transaction.atomic():
        audit.delete_record(actor=actor, instance=target)
