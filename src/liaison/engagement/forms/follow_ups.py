"""Follow-up forms: what was promised and by when, and the list's filters. They
parse into :class:`~liaison.engagement.services.data.FollowUpData`; the rules
(due on or after its interaction) are the service's."""

from __future__ import annotations

from django import forms

from liaison.engagement.models import FollowUp
from liaison.engagement.services.data import FollowUpData
from liaison.lib.forms import DateInput


class FollowUpForm(forms.Form):
    description = forms.CharField(
        label="What was promised", widget=forms.Textarea(attrs={"rows": 3})
    )
    due = forms.DateField(label="Due", widget=DateInput())

    @staticmethod
    def initial_for(follow_up: FollowUp) -> dict[str, object]:
        return {"description": follow_up.description, "due": follow_up.due}

    def data_for_service(self) -> FollowUpData:
        return FollowUpData(
            description=self.cleaned_data["description"], due=self.cleaned_data["due"]
        )


class FollowUpFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("open", "Open"), ("done", "Done"), ("all", "All")], required=False
    )
    scope = forms.ChoiceField(
        choices=[("mine", "Mine"), ("team", "My team's")], required=False, label="Whose"
    )

    def value(self, name: str, default: str) -> str:
        if self.is_valid():
            return str(self.cleaned_data.get(name) or default)
        return default
