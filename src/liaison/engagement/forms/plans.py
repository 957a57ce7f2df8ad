"""Web input of engagement plans: the plan, a target to add, a target's tier.

Forms parse; the rules (who plans for whom, a target once per plan) are the
services' (``services.plans``) and the policy's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from liaison.core.models import Role, Territory, User
from liaison.directory.models import HCP
from liaison.engagement.models import DEFAULT_TIER_FREQUENCY_DAYS, EngagementPlan, Tier
from liaison.engagement.services.plans import PlanData
from liaison.lib.forms import DateInput

TIERS = sorted(DEFAULT_TIER_FREQUENCY_DAYS)


def plannable_msls(user: User) -> QuerySet[User]:
    """The MSLs ``user`` may plan for: themselves, their team's, or every MSL for an
    administrator (the service checks again)."""
    msls = User.objects.filter(role=Role.MSL, is_active=True)
    if not user.is_administrator:
        msls = msls.filter(pk=user.pk) | msls.filter(teams__manager=user)
    return msls.distinct().order_by("last_name", "first_name", "username")


class MslChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, User)
        return obj.get_full_name() or obj.get_username()


class PlanForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example “2027 DACH oncology”.")
    msl = MslChoiceField(queryset=User.objects.none(), label="MSL", empty_label=None)
    territory = forms.ModelChoiceField(
        queryset=Territory.objects.order_by("name"), required=False, empty_label="No territory"
    )
    period_start = forms.DateField(label="Period starts", widget=DateInput())
    period_end = forms.DateField(label="Period ends", widget=DateInput())
    tier_1_days = forms.IntegerField(
        label="Tier 1: days between engagements", min_value=1, max_value=3650
    )
    tier_2_days = forms.IntegerField(
        label="Tier 2: days between engagements", min_value=1, max_value=3650
    )
    tier_3_days = forms.IntegerField(
        label="Tier 3: days between engagements", min_value=1, max_value=3650
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        for tier in TIERS:
            kwargs["initial"].setdefault(f"tier_{tier}_days", DEFAULT_TIER_FREQUENCY_DAYS[tier])
        super().__init__(*args, **kwargs)
        msl_field = self.fields["msl"]
        assert isinstance(msl_field, forms.ModelChoiceField)
        msl_field.queryset = plannable_msls(user)
        if "msl" not in self.initial and user.role == Role.MSL:
            self.initial["msl"] = user.pk

    @staticmethod
    def initial_for(plan: EngagementPlan) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": plan.name,
            "msl": plan.msl_id,
            "territory": plan.territory_id,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
        }
        for tier in TIERS:
            initial[f"tier_{tier}_days"] = (plan.tier_frequency_days or {}).get(
                tier, DEFAULT_TIER_FREQUENCY_DAYS[tier]
            )
        return initial

    def values(self) -> PlanData:
        data = self.cleaned_data
        return PlanData(
            name=data["name"].strip(),
            msl=data["msl"],
            territory=data["territory"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            tier_frequency_days={tier: data[f"tier_{tier}_days"] for tier in TIERS},
        )


class TargetSearchForm(forms.Form):
    q = forms.CharField(
        label="Find an HCP",
        max_length=200,
        required=False,
        help_text="A name, an NPI or an ORCID iD.",
    )


class TargetForm(forms.Form):
    hcp = forms.ModelChoiceField(queryset=HCP.objects.all(), widget=forms.HiddenInput, label="HCP")
    tier = forms.ChoiceField(
        choices=[("", "Expert tier"), *Tier.choices],
        required=False,
        help_text="Left empty: the HCP's expert tier (the best of their areas), else tier 2.",
    )
    note = forms.CharField(max_length=300, required=False)


class TierForm(forms.Form):
    tier = forms.ChoiceField(choices=Tier.choices)
