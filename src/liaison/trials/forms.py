"""Forms of the trial pages: the list's search and filters, the landscape's
choices and the upload of a ClinicalTrials.gov file. They parse input into the
values selectors and services take; the rules are theirs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from liaison.core.errors import LiaisonError
from liaison.core.uploads import check_upload_size
from liaison.lib.countries import display as country_display
from liaison.lib.forms import SearchInput, set_choices
from liaison.trials.models import PHASE_LABELS, sponsor_class_label, status_label
from liaison.trials.selectors import NONE, TRIAL_SORTS, TrialFilters

SORT_CHOICES = [
    ("-updated", "Recently updated first"),
    ("updated", "Least recently updated first"),
    ("-start", "Latest start first"),
    ("start", "Earliest start first"),
    ("nct_id", "NCT ID, ascending"),
    ("-nct_id", "NCT ID, descending"),
]
assert {value for value, _ in SORT_CHOICES} == set(TRIAL_SORTS)

UPLOAD_SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz", ".gz")


class TrialFilterForm(forms.Form):
    """The list's search, filters and sort, read from the query string."""

    q = forms.CharField(
        required=False,
        label="Search",
        max_length=200,
        widget=SearchInput(
            attrs={"placeholder": "Title, condition, intervention, sponsor", "autocomplete": "off"}
        ),
    )
    status = forms.ChoiceField(required=False)
    phase = forms.ChoiceField(required=False)
    country = forms.ChoiceField(required=False)
    sponsor_class = forms.ChoiceField(required=False, label="Sponsor class")
    sort = forms.ChoiceField(required=False, label="Sort by", choices=SORT_CHOICES)
    # Set by the landscape's links; kept as hidden fields so searching keeps them.
    sponsor = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    product = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        statuses: list[str] | None = None,
        countries: list[str] | None = None,
        sponsor_classes: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self, "status", "Any status", [(value, status_label(value)) for value in statuses or []]
        )
        set_choices(self, "phase", "Any phase", [*PHASE_LABELS.items(), (NONE, "No phase given")])
        # Sites keep the registry's country names ("Turkey"); they are shown as the
        # directory names countries ("Türkiye"), sorted by that name.
        set_choices(
            self,
            "country",
            "Any country",
            sorted(
                ((name, country_display(name)) for name in countries or []),
                key=lambda choice: choice[1],
            ),
        )
        set_choices(
            self,
            "sponsor_class",
            "Any sponsor class",
            [(value, sponsor_class_label(value)) for value in sponsor_classes or []],
        )

    def filters(self) -> TrialFilters:
        """The filters of the valid fields; an invalid value is ignored, not an error page."""
        self.is_valid()
        data = self.cleaned_data
        return TrialFilters(
            q=data.get("q") or "",
            status=data.get("status") or "",
            phase=data.get("phase") or "",
            country=data.get("country") or "",
            sponsor_class=data.get("sponsor_class") or "",
            sponsor=data.get("sponsor") or "",
            product=data.get("product"),
            sort=data.get("sort") or "-updated",
        )


class LandscapeForm(forms.Form):
    by = forms.ChoiceField(
        label="Rows",
        choices=[("product", "Products"), ("sponsor", "Lead sponsors")],
        required=False,
    )
    sponsor_class = forms.ChoiceField(required=False, label="Sponsor class")

    def __init__(self, *args: Any, sponsor_classes: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sponsor_class"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Any sponsor class"),
            *((value, sponsor_class_label(value)) for value in sponsor_classes or []),
        ]

    def choice(self) -> tuple[str, str]:
        self.is_valid()
        data = self.cleaned_data
        return data.get("by") or "product", data.get("sponsor_class") or ""


class TrialUploadForm(forms.Form):
    file = forms.FileField(label="ClinicalTrials.gov file")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "API v2 JSON: one study, a /api/v2/studies page, or one study or page per line "
            "(JSONL); plain or gzip"
        ) + f", at most {settings.LIAISON_UPLOAD_MAX_MB:,} MB."

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            check_upload_size(upload)
        except LiaisonError as error:
            raise forms.ValidationError(error.message) from None
        if not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(
                f"{upload.name}: expected a .json, .jsonl or .gz file from ClinicalTrials.gov"
            )
        return upload
