"""Forms of the directory pages. They parse what people type into the typed data
the services take (``HCPData``, ...); every rule (identifiers, territories, uniqueness) is the
services' and the models'."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from liaison.core.models import Territory
from liaison.directory.models import (
    HCP,
    ContactChannel,
    Organization,
    OrganizationType,
    Specialty,
    TherapeuticArea,
)
from liaison.directory.selectors import HCPFilters
from liaison.directory.services import AffiliationData, HCPData, OrganizationData
from liaison.directory.services.records import hcp_problems
from liaison.lib import countries
from liaison.lib.forms import (
    DateInput,
    SearchInput,
    add_field_problems,
    mark_filter_selects,
    set_choices,
)

SORT_CHOICES = [
    ("name", "Name, A to Z"),
    ("-name", "Name, Z to A"),
    ("country", "Country, A to Z"),
    ("-country", "Country, Z to A"),
    ("-updated", "Recently updated first"),
    ("updated", "Least recently updated first"),
]

_LIST_SPLIT = re.compile(r"[,;\n]+")


def split_list(text: str) -> list[str]:
    """``"MD, PhD"`` -> ``["MD", "PhD"]``: commas, semicolons or new lines separate."""
    return [item.strip() for item in _LIST_SPLIT.split(text or "") if item.strip()]


def country_choices(blank: str) -> list[tuple[str, str]]:
    """Every ISO 3166-1 country, by name (:func:`liaison.lib.countries.choices`),
    after a blank choice labelled ``blank``."""
    return [("", blank), *countries.choices()]


class ChecklistInput(forms.CheckboxSelectMultiple):
    """Checkboxes in a scrolling box; ``liaison.js`` adds a box that filters them by
    what is typed (progressive enhancement: without scripts, the whole list)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "checklist", **(attrs or {})})


# --- the HCP list ---------------------------------------------------------------


class HCPFilterForm(forms.Form):
    """The list's search, filters and sort, read from the query string."""

    q = forms.CharField(
        required=False,
        label="Search",
        max_length=200,
        widget=SearchInput(attrs={"placeholder": "Name, NPI or ORCID iD", "autocomplete": "off"}),
    )
    therapeutic_area = forms.ChoiceField(required=False, label="Therapeutic area")
    territory = forms.ChoiceField(required=False)
    country = forms.ChoiceField(required=False)
    specialty = forms.ChoiceField(required=False)
    sort = forms.ChoiceField(required=False, label="Sort by", choices=SORT_CHOICES)

    def __init__(self, *args: Any, countries: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "therapeutic_area",
            "Any therapeutic area",
            TherapeuticArea.objects.values_list("code", "name"),
        )
        set_choices(
            self, "territory", "Any territory", Territory.objects.values_list("code", "name")
        )
        names = dict(country_choices(""))
        set_choices(
            self,
            "country",
            "Any country",
            [(code, names.get(code, code)) for code in countries or []],
        )
        set_choices(
            self,
            "specialty",
            "Any specialty",
            [(str(pk), name) for pk, name in Specialty.objects.values_list("pk", "name")],
        )

        mark_filter_selects(self)

    def filters(self) -> HCPFilters:
        """The filters of the valid fields; an invalid value is ignored, not an error page."""
        self.is_valid()
        data = self.cleaned_data
        return HCPFilters(
            q=data.get("q") or "",
            therapeutic_area=data.get("therapeutic_area") or "",
            territory=data.get("territory") or "",
            country=data.get("country") or "",
            specialty=data.get("specialty") or "",
            sort=data.get("sort") or "name",
        )


# --- HCP create / edit ------------------------------------------------------------


class HCPForm(forms.Form):
    """An HCP's editable fields; :meth:`service_data` gives what ``create_hcp``/``update_hcp`` take."""

    given_name = forms.CharField(max_length=120)
    family_name = forms.CharField(max_length=120)
    suffix = forms.CharField(max_length=20, required=False, help_text="e.g. Jr., III")
    credentials = forms.CharField(
        required=False, max_length=300, help_text="Separated by commas, e.g. MD, PhD"
    )
    specialties = forms.ModelMultipleChoiceField(
        queryset=Specialty.objects.all(), required=False, widget=ChecklistInput()
    )
    npi = forms.CharField(
        label="NPI",
        max_length=20,
        required=False,
        help_text="The US National Provider Identifier, 10 digits: for HCPs practising in the US",
    )
    npi_source = forms.CharField(label="NPI source", max_length=120, required=False)
    orcid = forms.CharField(
        label="ORCID iD", max_length=40, required=False, help_text="0000-0000-0000-0000"
    )
    orcid_source = forms.CharField(label="ORCID source", max_length=120, required=False)
    emails = forms.CharField(
        label="E-mail addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line",
    )
    country = forms.ChoiceField()
    region = forms.CharField(
        max_length=10, required=False, help_text="ISO 3166-2 code, e.g. US-CA or DE-BY"
    )
    city = forms.CharField(max_length=120, required=False)
    languages = forms.CharField(
        required=False,
        max_length=300,
        help_text="Names or ISO 639-1 codes, separated by commas: German, English or de, en",
    )
    therapeutic_areas = forms.ModelMultipleChoiceField(
        queryset=TherapeuticArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Therapeutic areas",
    )
    territories = forms.ModelMultipleChoiceField(
        queryset=Territory.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Explicit assignment; country and region also place an HCP in a territory.",
    )
    contact_channels = forms.MultipleChoiceField(
        choices=ContactChannel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Consented contact channels",
    )
    consent_date = forms.DateField(required=False, widget=DateInput())
    consent_source = forms.CharField(max_length=200, required=False)
    reason = forms.CharField(
        required=False,
        max_length=500,
        label="Reason for the change",
        help_text="Kept in the record's history.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = country_choices("Choose a country")
        # The NPI is a US identifier: the page shows its fields for a US HCP, or one
        # who already has an NPI (the NPI Registry also lists practitioners abroad).
        for name in ("npi", "npi_source"):
            self.fields[name].widget.attrs["data-us-only"] = ""

    def clean_emails(self) -> list[str]:
        return split_list(self.cleaned_data.get("emails", ""))

    def clean_region(self) -> str:
        return str(self.cleaned_data.get("region", "")).strip().upper()

    def clean_languages(self) -> list[str]:
        return split_list(self.cleaned_data.get("languages", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            # Some fields could not be read: check the others now, so that this one
            # answer names every field to correct (the service checks all on save).
            add_field_problems(self, hcp_problems(self._readable_data()))
        return cleaned

    def _readable_data(self) -> HCPData:
        data = self.cleaned_data
        readable: dict[str, Any] = {}
        for name, value in self._service_values(data).items():
            if name in data and name not in self.errors:
                readable[name] = value
        return cast(HCPData, readable)

    @staticmethod
    def _service_values(data: dict[str, Any]) -> dict[str, Any]:
        text = {
            name: str(data.get(name) or "").strip()
            for name in (
                "given_name",
                "family_name",
                "suffix",
                "npi_source",
                "orcid_source",
                "city",
                "consent_source",
            )
        }
        return {
            **text,
            "credentials": split_list(data.get("credentials") or ""),
            "specialties": list(data.get("specialties") or []),
            "npi": str(data.get("npi") or "").strip() or None,
            "orcid": str(data.get("orcid") or "").strip() or None,
            "emails": data.get("emails") or [],
            "country": data.get("country") or "",
            "region": data.get("region") or "",
            "languages": data.get("languages") or [],
            "therapeutic_areas": list(data.get("therapeutic_areas") or []),
            "territories": list(data.get("territories") or []),
            "contact_channels": list(data.get("contact_channels") or []),
            "consent_date": data.get("consent_date"),
        }

    def service_data(self) -> HCPData:
        return cast(HCPData, self._service_values(self.cleaned_data))

    @staticmethod
    def initial_for(hcp: HCP) -> dict[str, Any]:
        return {
            "given_name": hcp.given_name,
            "family_name": hcp.family_name,
            "suffix": hcp.suffix,
            "credentials": ", ".join(hcp.credentials),
            "specialties": list(hcp.specialties.all()),
            "npi": hcp.npi or "",
            "npi_source": hcp.npi_source,
            "orcid": hcp.orcid or "",
            "orcid_source": hcp.orcid_source,
            "emails": "\n".join(hcp.emails),
            "country": hcp.country,
            "region": hcp.region,
            "city": hcp.city,
            "languages": ", ".join(hcp.language_names),
            "therapeutic_areas": list(hcp.therapeutic_areas.all()),
            "territories": list(hcp.territories.all()),
            "contact_channels": list(hcp.contact_channels),
            "consent_date": hcp.consent_date,
            "consent_source": hcp.consent_source,
        }


class DeleteForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required: kept in the audit trail.",
    )


class AffiliationForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none())
    role = forms.CharField(max_length=200, required=False, help_text="e.g. Head of Oncology")
    start_date = forms.DateField(required=False, widget=DateInput())
    end_date = forms.DateField(required=False, widget=DateInput())
    is_primary = forms.BooleanField(required=False, label="Primary affiliation")

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations

    def service_data(self) -> AffiliationData:
        data = self.cleaned_data
        return {
            "organization": data["organization"],
            "role": data["role"].strip(),
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "is_primary": data["is_primary"],
        }


# --- organizations ---------------------------------------------------------------


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Search",
        max_length=200,
        widget=SearchInput(attrs={"placeholder": "Organization name", "autocomplete": "off"}),
    )
    country = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, countries: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = dict(country_choices(""))
        set_choices(
            self,
            "country",
            "Any country",
            ((code, names.get(code, code)) for code in countries or []),
        )
        mark_filter_selects(self)


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=300)
    type = forms.ChoiceField(choices=[("", "Choose a type"), *OrganizationType.choices])
    address = forms.CharField(max_length=300, required=False)
    city = forms.CharField(max_length=120, required=False)
    region = forms.CharField(max_length=10, required=False, help_text="ISO 3166-2 code, e.g. US-CA")
    postal_code = forms.CharField(max_length=20, required=False)
    country = forms.ChoiceField()
    parent = forms.ModelChoiceField(
        queryset=Organization.objects.none(), required=False, label="Parent organization"
    )
    territories = forms.ModelMultipleChoiceField(
        queryset=Territory.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        required=False,
        max_length=500,
        label="Reason for the change",
        help_text="Kept in the record's history.",
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = country_choices("Choose a country")
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = organizations

    def clean_region(self) -> str:
        return str(self.cleaned_data.get("region", "")).strip().upper()

    def service_data(self) -> OrganizationData:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "type": data["type"],
            "address": data["address"].strip(),
            "city": data["city"].strip(),
            "region": data["region"],
            "postal_code": data["postal_code"].strip(),
            "country": data["country"],
            "parent": data["parent"],
            "territories": list(data["territories"]),
        }

    @staticmethod
    def initial_for(organization: Organization) -> dict[str, Any]:
        return {
            "name": organization.name,
            "type": organization.type,
            "address": organization.address,
            "city": organization.city,
            "region": organization.region,
            "postal_code": organization.postal_code,
            "country": organization.country,
            "parent": organization.parent,
            "territories": list(organization.territories.all()),
        }
