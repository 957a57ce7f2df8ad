"""Forms of the theme pages: the insights lead's rename, pin, merge, and the
selection of insights to split off or move. They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from liaison.engagement.models import Insight, Theme


class ThemeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.label} ({obj.size} insight{'s' if obj.size != 1 else ''})"


class ThemeMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.label} ({obj.size} insight{'s' if obj.size != 1 else ''})"


class RenameForm(forms.Form):
    label = forms.CharField(
        label="Name",
        required=False,
        max_length=400,
        help_text="Kept by later recomputations while the theme's insights stay much the same.",
    )


class PinForm(forms.Form):
    pinned = forms.BooleanField(required=False)


class MergeForm(forms.Form):
    themes = ThemeMultipleChoiceField(
        queryset=Theme.objects.none(),
        label="Themes to merge into this one",
        required=False,
        help_text="Their insights move here and stay here; the themes are removed.",
    )

    def __init__(self, *args: Any, theme: Theme, others: QuerySet[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["themes"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = others.exclude(pk=theme.pk)
        field.widget.attrs["size"] = "6"


class SelectionForm(forms.Form):
    """Insights of the theme chosen by their boxes, split off into a new theme
    (``label``) or moved to another (``theme``)."""

    ACTIONS = (("split", "Split into a new theme"), ("move", "Move to another theme"))

    insights = forms.ModelMultipleChoiceField(
        queryset=Insight.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    action = forms.ChoiceField(choices=ACTIONS)
    label = forms.CharField(label="Name of the new theme", required=False, max_length=400)
    theme = ThemeChoiceField(
        queryset=Theme.objects.none(), required=False, label="Move to", empty_label="Choose a theme"
    )

    def __init__(
        self,
        *args: Any,
        members: QuerySet[Insight],
        theme: Theme,
        others: QuerySet[Theme],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        insights = self.fields["insights"]
        assert isinstance(insights, forms.ModelMultipleChoiceField)
        insights.queryset = members
        target = self.fields["theme"]
        assert isinstance(target, forms.ModelChoiceField)
        target.queryset = others.exclude(pk=theme.pk)
