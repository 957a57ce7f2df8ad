"""The expert directory: organizations, HCPs, their affiliations and identifiers,
therapeutic areas, products and their labelled indications by country."""

from __future__ import annotations

from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone

from liaison.core.errors import LiaisonError
from liaison.core.models import Territory
from liaison.directory.identifiers import normalize_npi, normalize_orcid
from liaison.lib import languages
from liaison.lib.countries import name as country_name
from liaison.lib.text import fold


def validate_country(value: str) -> None:
    if value and (value != value.upper() or _country(value) is None):
        raise ValidationError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. DE)")


def validate_region(value: str) -> None:
    if value and (value != value.upper() or _subdivision(value) is None):
        raise ValidationError(f"{value!r} is not an ISO 3166-2 subdivision code (e.g. US-CA)")


def _country(code: str) -> object | None:
    return pycountry.countries.get(alpha_2=code)


def _subdivision(code: str) -> object | None:
    found: object | None = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    return found


def _reason(error: LiaisonError) -> str:
    # The reason alone: the form shows it beside the field, the message names the field.
    return error.details.get(error.field or "", error.message)


def validate_npi(value: str) -> None:
    try:
        normalize_npi(value)
    except LiaisonError as error:
        raise ValidationError(_reason(error)) from None


def validate_orcid(value: str) -> None:
    try:
        if normalize_orcid(value) != value:
            raise ValidationError(f"{value!r}: write the ORCID iD as 0000-0000-0000-0000")
    except LiaisonError as error:
        raise ValidationError(_reason(error)) from None


class TherapeuticArea(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Specialty(models.Model):
    """A clinical specialty (e.g. "Medical Oncology"), optionally with its NUCC taxonomy code."""

    name = models.CharField(max_length=120, unique=True)
    taxonomy_code = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name


class OrganizationType(models.TextChoices):
    ACADEMIC_MEDICAL_CENTER = "academic_medical_center", "Academic medical center"
    HOSPITAL = "hospital", "Hospital"
    CLINIC = "clinic", "Clinic"
    RESEARCH_INSTITUTE = "research_institute", "Research institute"
    COOPERATIVE_GROUP = "cooperative_group", "Cooperative group"
    SOCIETY = "society", "Society"
    COMPANY = "company", "Company"


class ContactChannel(models.TextChoices):
    """The channels an HCP consents to be contacted by (``HCP.contact_channels``)."""

    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"
    VISIT = "visit", "Visit"
    VIDEO = "video", "Video"


class Origin(models.TextChoices):
    IMPORTED = "imported", "Imported"
    MANUAL = "manual", "Entered by hand"
    DISCOVERED = "discovered", "Discovered from the literature"


class Organization(models.Model):
    name = models.CharField(max_length=300)
    search_name = models.CharField(max_length=300, db_index=True, editable=False)
    type = models.CharField(max_length=32, choices=OrganizationType.choices)
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=120, blank=True)
    region = models.CharField(max_length=10, blank=True, validators=[validate_region])
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, validators=[validate_country], db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    territories = models.ManyToManyField(Territory, blank=True, related_name="organizations")
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.MANUAL)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "country", "city"], name="organization_unique_place"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": "an organization cannot be its own parent"})

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A derived search key, not a business rule: it must always match the name.
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)


class HCP(models.Model):
    """A healthcare professional. Names are stored exactly as given; ``search_name``
    is their accent-free key, so "muller" finds "Müller"."""

    given_name = models.CharField(max_length=120)
    family_name = models.CharField(max_length=120)
    suffix = models.CharField(max_length=20, blank=True)
    search_name = models.CharField(max_length=300, db_index=True, editable=False)
    credentials = models.JSONField(default=list, blank=True, help_text="e.g. MD, PharmD, PhD, RN")
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="hcps")
    npi = models.CharField(
        "NPI", max_length=10, null=True, blank=True, unique=True, validators=[validate_npi]
    )
    npi_source = models.CharField("NPI source", max_length=120, blank=True)
    orcid = models.CharField(
        "ORCID", max_length=19, null=True, blank=True, unique=True, validators=[validate_orcid]
    )
    orcid_source = models.CharField("ORCID source", max_length=120, blank=True)
    emails = models.JSONField(default=list, blank=True)
    country = models.CharField(max_length=2, validators=[validate_country], db_index=True)
    region = models.CharField(
        max_length=10, blank=True, validators=[validate_region], db_index=True
    )
    city = models.CharField(max_length=120, blank=True)
    languages = models.JSONField(default=list, blank=True, help_text="ISO 639-1 codes")
    therapeutic_areas = models.ManyToManyField(TherapeuticArea, blank=True, related_name="hcps")
    territories = models.ManyToManyField(Territory, blank=True, related_name="hcps")
    contact_channels = models.JSONField(
        default=list,
        blank=True,
        help_text="Channels the HCP consented to: email, phone, visit, video",
    )
    consent_date = models.DateField(null=True, blank=True)
    consent_source = models.CharField(max_length=200, blank=True)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.MANUAL)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name = "HCP"
        verbose_name_plural = "HCPs"
        indexes = [
            models.Index(fields=["family_name", "given_name", "id"], name="hcp_name_order"),
            models.Index(
                fields=["country", "family_name", "given_name", "id"], name="hcp_country_name"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        name = f"{self.given_name} {self.family_name}".strip()
        return f"{name}, {self.suffix}" if self.suffix else name

    @property
    def display_name(self) -> str:
        credentials = ", ".join(self.credentials)
        return f"{self.full_name}, {credentials}" if credentials else self.full_name

    @property
    def language_names(self) -> list[str]:
        """The languages by name: ``["de", "en"]`` -> ``["German", "English"]``."""
        return [languages.name(code) for code in self.languages]

    @property
    def contact_channel_labels(self) -> list[str]:
        labels = dict(ContactChannel.choices)
        return [labels.get(channel, channel) for channel in self.contact_channels]

    def clean(self) -> None:
        """Rules across fields and of the list fields; every broken one is reported at once."""
        errors: dict[str, str] = {}
        if (
            self.region
            and self.country
            and _subdivision(self.region) is not None
            and not self.region.startswith(f"{self.country}-")
        ):
            errors["region"] = f"{self.region!r} is not a region of {country_name(self.country)}"
        bad_emails = [email for email in self.emails or [] if not _is_email(email)]
        if bad_emails:
            errors["emails"] = "; ".join(
                f"{email!r} is not an e-mail address" for email in bad_emails
            )
        bad_languages = [code for code in self.languages or [] if not languages.is_code(code)]
        if bad_languages:
            errors["languages"] = "; ".join(
                f"{code!r} is not a language (a name such as German, or an ISO 639-1 code such as de)"
                for code in bad_languages
            )
        unknown_channels = set(self.contact_channels or []) - set(ContactChannel.values)
        if unknown_channels:
            errors["contact_channels"] = (
                f"{', '.join(sorted(map(repr, unknown_channels)))}: not a contact channel "
                f"({', '.join(ContactChannel.values)})"
            )
        if self.npi == "":
            self.npi = None
        if self.orcid == "":
            self.orcid = None
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A derived search key, not a business rule: it must always match the names.
        self.search_name = fold(f"{self.family_name} {self.given_name}")
        super().save(*args, **kwargs)


def _is_email(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def in_territories_q(territories: models.QuerySet[Territory], *, prefix: str = "") -> Q:
    """Records that belong to any of ``territories``: by explicit assignment or
    by country/region. ``prefix`` reaches the record through a relation."""
    countries: set[str] = set()
    regions: set[str] = set()
    for countries_list, regions_list in territories.values_list("countries", "regions"):
        countries.update(countries_list or [])
        regions.update(regions_list or [])
    query = Q(**{f"{prefix}territories__in": territories})
    if countries:
        query |= Q(**{f"{prefix}country__in": sorted(countries)})
    if regions:
        query |= Q(**{f"{prefix}region__in": sorted(regions)})
    return query


class Affiliation(models.Model):
    hcp = models.ForeignKey(HCP, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="affiliations"
    )
    role = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "-start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hcp", "organization", "role"], name="affiliation_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="affiliation_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hcp} at {self.organization}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "the end date is before the start date"})

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()


class Product(models.Model):
    """A medicinal product: ours (``is_own``) or a competitor's."""

    name = models.CharField(max_length=120, unique=True)
    generic_name = models.CharField(max_length=200, blank=True)
    company = models.CharField(max_length=200)
    is_own = models.BooleanField("our product", default=False)
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, related_name="products", null=True, blank=True
    )

    class Meta:
        ordering = ["-is_own", "name"]

    def __str__(self) -> str:
        return self.name


class Indication(models.Model):
    """A labelled indication of a product in one country. What is not listed
    here for a country is off-label there."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="indications")
    country = models.CharField(max_length=2, validators=[validate_country])
    condition = models.CharField(max_length=300)
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, related_name="indications", null=True, blank=True
    )
    approved_on = models.DateField(null=True, blank=True)
    label_reference = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["product__name", "country", "condition"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "country", "condition"], name="indication_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} — {self.condition} ({self.country})"
