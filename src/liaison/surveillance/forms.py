"""Forms of the surveillance pages. They parse input into the values services and
selectors take; the rules (who may use a team, what a watch needs) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from liaison.core import policy
from liaison.core.models import Team, User
from liaison.directory.models import Product, TherapeuticArea
from liaison.surveillance.models import (
    AlertKind,
    Schedule,
    TriageState,
    Watch,
    WatchKind,
    WatchMode,
)
from liaison.surveillance.selectors import AlertFilters
from liaison.trials.models import PHASE_LABELS, STATUS_LABELS


class WatchForm(forms.Form):
    """A watch's search, owner, tags and schedule."""

    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=WatchKind.choices, label="Watch")
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="Only me",
        label="Owner",
        help_text="A team watch alerts every member of the team and its manager.",
    )
    mode = forms.ChoiceField(choices=WatchMode.choices, label="Run")
    query = forms.CharField(
        required=False,
        label="PubMed query",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Publications: the library's search language, as PubMed writes it: AND, OR, "
        'NOT, (parentheses), "phrases", prefix*, tags [ti] [tiab] [au] [mh] [pt] [dp], e.g. '
        "(nivolumab OR pembrolizumab) AND melanoma[mh] AND 2020:2024[dp]. A live watch sends "
        "it to PubMed as it is.",
    )
    condition = forms.CharField(required=False, max_length=300, help_text="Trials")
    intervention = forms.CharField(required=False, max_length=300, help_text="Trials")
    sponsor = forms.CharField(required=False, max_length=300, help_text="Trials")
    statuses = forms.MultipleChoiceField(
        required=False,
        label="Overall status",
        choices=list(STATUS_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    phases = forms.MultipleChoiceField(
        required=False,
        label="Phase",
        choices=list(PHASE_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    country = forms.CharField(
        required=False, max_length=100, help_text="Trials: a site's country, e.g. Germany"
    )
    therapeutic_area = forms.ModelChoiceField(
        queryset=TherapeuticArea.objects.all(), required=False, label="Therapeutic area"
    )
    product = forms.ModelChoiceField(queryset=Product.objects.all(), required=False)
    is_competitor = forms.BooleanField(required=False, label="Competitor intelligence")
    schedule = forms.ChoiceField(choices=Schedule.choices)
    active = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, user: User, may_transfer: bool = True, **kwargs: Any) -> None:
        """``may_transfer``: whether the policy lets ``user`` give the watch to another
        owner or team; if not, the owner is shown but kept as it is."""
        super().__init__(*args, **kwargs)
        teams: QuerySet[Team] = policy.scope(user, "share", Team)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = teams
        if not may_transfer:
            team_field.disabled = True
            team_field.help_text = (
                "Only the watch's owner, its team's manager or an administrator changes this."
            )

    @staticmethod
    def initial_for(watch: Watch) -> dict[str, Any]:
        return {name: getattr(watch, name) for name in WatchForm.base_fields}

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AlertFilterForm(forms.Form):
    """The inbox's filters, read from the query string."""

    unread = forms.BooleanField(required=False, label="Unread only")
    state = forms.ChoiceField(
        required=False,
        label="Triage",
        choices=[("", "Any"), ("untriaged", "Not triaged yet"), *TriageState.choices],
    )
    watch = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(required=False, choices=[("", "Any"), *AlertKind.choices])

    def __init__(self, *args: Any, watches: QuerySet[Watch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        watch_field = self.fields["watch"]
        assert isinstance(watch_field, forms.ChoiceField)
        watch_field.choices = [("", "Any"), *((w.pk, w.name) for w in watches)]

    def filters(self) -> AlertFilters:
        if not self.is_valid():
            return AlertFilters()
        data = self.cleaned_data
        return AlertFilters(
            unread=bool(data["unread"]),
            state=data["state"] or "",
            watch=data["watch"],
            kind=data["kind"] or "",
        )


class TriageForm(forms.Form):
    state = forms.ChoiceField(choices=TriageState.choices)
    note = forms.CharField(required=False, max_length=2000)


class ReadForm(forms.Form):
    read = forms.BooleanField(required=False)


class DigestForm(forms.Form):
    enabled = forms.BooleanField(required=False, label="Send me a daily e-mail digest")


#: What the inbox's bulk buttons do with the selected alerts: a triage state, or ``read``.
BULK_ACTIONS = {
    TriageState.RELEVANT.value: "marked relevant",
    TriageState.NOT_RELEVANT.value: "marked not relevant",
    "read": "marked read",
}


class AlertIdsField(forms.Field):
    """The ids of the selected alerts (the rows' checkboxes), each once, in order."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        ids: list[int] = []
        for item in value or []:
            if not str(item).isdigit():
                raise forms.ValidationError(f"{str(item)[:40]!r} is not an alert of the list")
            ids.append(int(item))
        return list(dict.fromkeys(ids))


class BulkTriageForm(forms.Form):
    """The alerts selected in the inbox and what to do with them; the view loads the
    alerts through the policy."""

    alerts = AlertIdsField(required=False)
    action = forms.ChoiceField(
        choices=[(value, value) for value in BULK_ACTIONS],
        error_messages={"required": "choose what to do with the selected alerts"},
    )
