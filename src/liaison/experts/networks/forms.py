"""The network pages' choices read from the query string (no rules: the selectors')."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from liaison.directory.models import TherapeuticArea
from liaison.experts.networks import graph
from liaison.experts.networks.selectors import DEFAULT_TOP, MAX_TOP, RANKINGS, NetworkFilters

FIRST_YEAR = 1900
LAST_YEAR = 2100


class AreaNetworkForm(forms.Form):
    """The area, the years and how many HCPs to draw, ranked by which measure."""

    area = forms.ModelChoiceField(
        queryset=TherapeuticArea.objects.none(),
        required=False,
        label="Therapeutic area",
        empty_label="Choose an area",
    )
    year_from = forms.IntegerField(
        required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR, label="From year"
    )
    year_to = forms.IntegerField(
        required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR, label="To year"
    )
    top = forms.IntegerField(
        required=False,
        min_value=2,
        max_value=MAX_TOP,
        label="HCPs drawn",
        help_text=f"The most central, {DEFAULT_TOP} unless set; at most {MAX_TOP}",
    )
    rank_by = forms.ChoiceField(
        required=False, label="Most central by", choices=list(RANKINGS.items())
    )
    weighting = forms.ChoiceField(
        required=False,
        label="Tie strength",
        choices=[
            ("count", "Joint papers"),
            ("fractional", "Joint papers, shared by their number of authors"),
        ],
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[TherapeuticArea], self.fields["area"]).queryset = areas

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("year_from"), data.get("year_to")
        if first is not None and last is not None and first > last:
            self.add_error("year_to", f"{last} is before the first year, {first}")
        return data

    def filters(self) -> NetworkFilters:
        data = self.cleaned_data
        return NetworkFilters(
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            top=data.get("top") or DEFAULT_TOP,
            rank_by=cast(graph.Ranking, data.get("rank_by") or "pagerank"),
            fractional=data.get("weighting") == "fractional",
        )


class IntroductionsForm(forms.Form):
    max_hops = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Hops at most",
        choices=[(1, "1: co-authors of theirs"), (2, "2"), (3, "3")],
    )
