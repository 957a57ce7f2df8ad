"""Forms of the library: the search and filter bar, and the upload of a PubMed file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from liaison.core.errors import LiaisonError
from liaison.core.uploads import check_upload_size
from liaison.lib import query
from liaison.lib.forms import DateInput, SearchInput, mark_filter_selects, set_choices
from liaison.literature.selectors import PublicationFilters

# Best match needs words to match; without them the list is newest first.
SORT_CHOICES = [
    ("relevance", "Best match (else newest) first"),
    ("date", "Newest first"),
    ("oldest", "Oldest first"),
]
TRIAL_CHOICES = [("", "With or without"), ("yes", "Linked to a trial"), ("no", "No trial link")]


class PublicationFilterForm(forms.Form):
    """The library's search, filters and sort, read from the query string."""

    q = forms.CharField(
        required=False,
        label="Search",
        max_length=2000,
        help_text=(
            'Words of the title or abstract; AND, OR, NOT, (parentheses), "a phrase", prefix*, '
            "and the PubMed tags [ti] [tiab] [au] [mh] [pt] [dp], e.g. (lecanemab OR donanemab) "
            "AND alzheimer disease[mh] AND 2021:2024[dp]"
        ),
        widget=SearchInput(
            attrs={"placeholder": "Words of the title or abstract", "autocomplete": "off"}
        ),
    )
    date_from = forms.DateField(required=False, label="Published from", widget=DateInput())
    date_to = forms.DateField(required=False, label="Published up to", widget=DateInput())
    publication_type = forms.ChoiceField(required=False, label="Publication type")
    journal = forms.CharField(required=False, max_length=300, help_text="Title or ISSN")
    mesh = forms.CharField(
        required=False, max_length=300, label="MeSH term", help_text="Name or UI (D006333)"
    )
    author = forms.CharField(required=False, max_length=200)
    has_trial = forms.ChoiceField(required=False, label="Trial link", choices=TRIAL_CHOICES)
    sort = forms.ChoiceField(required=False, label="Sort by", choices=SORT_CHOICES)

    def __init__(self, *args: Any, publication_types: list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.reversed_range = ""
        set_choices(
            self, "publication_type", "Any type", ((name, name) for name in publication_types or [])
        )
        mark_filter_selects(self)

    def clean_q(self) -> str:
        text: str = self.cleaned_data.get("q") or ""
        try:
            query.parse(text)
        except query.QueryError as error:
            raise forms.ValidationError(error.message) from None
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.reversed_range = (
                f"the range is reversed: {end:%Y-%m-%d} is before Published from ({start:%Y-%m-%d})"
            )
            self.add_error("date_to", self.reversed_range)
        return data

    def search_error(self) -> str:
        """Why the search cannot be run (a query it cannot read, a reversed date range),
        or ``""``."""
        self.is_valid()
        if "q" in self.errors:
            return f"Search: {self.errors['q'][0]}"
        if self.reversed_range:
            return f"Published up to: {self.reversed_range}"
        return ""

    def filters(self) -> PublicationFilters:
        """The filters of the valid fields; an invalid value is ignored, not an error page,
        but a search that cannot be run (:meth:`search_error`) raises :class:`LiaisonError`
        rather than searching for something else."""
        problem = self.search_error()
        if problem:
            raise LiaisonError(problem, field="q" if "q" in self.errors else "date_to")
        data = self.cleaned_data
        trial = data.get("has_trial") or ""
        return PublicationFilters(
            q=data.get("q") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            publication_type=data.get("publication_type") or "",
            journal=data.get("journal") or "",
            mesh=data.get("mesh") or "",
            author=data.get("author") or "",
            has_trial=None if not trial else trial == "yes",
            sort=data.get("sort") or "relevance",
        )


class PubmedUploadForm(forms.Form):
    file = forms.FileField(label="PubMed XML file")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "An E-utilities efetch answer, a baseline or update file (.xml or .xml.gz)"
            + f", at most {settings.LIAISON_UPLOAD_MAX_MB:,} MB."
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            check_upload_size(upload)
        except LiaisonError as error:
            raise forms.ValidationError(error.message) from None
        if not upload.name.lower().endswith((".xml", ".xml.gz", ".gz")):
            raise forms.ValidationError("choose a PubMed XML file (.xml or .xml.gz)")
        return upload
