"""API schemas of the directory: one In schema per write operation, one Out schema
per resource. Schemas describe shapes only; the rules live in services and models.

Related records are named the way people name them: specialties by name,
therapeutic areas and territories by code, organizations and HCPs by id.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from liaison.directory.models import (
    HCP,
    Affiliation,
    Indication,
    Organization,
    OrganizationType,
    Origin,
    Product,
)
from liaison.lib.api import Id, InputSchema, PageQuery, PatchIn

COUNTRY = r"^[A-Z]{2}$"
REGION = r"^([A-Z]{2}-[A-Z0-9]{1,3})?$"
COUNTRY_HELP = "ISO 3166-1 alpha-2 code, upper case (DE, US)"
REGION_HELP = "ISO 3166-2 subdivision code (US-CA), or empty"


# --- references ----------------------------------------------------------------


class OrganizationRefOut(Schema):
    id: int
    name: str


class ProductRefOut(Schema):
    id: int
    name: str


class HCPRefOut(Schema):
    id: int
    full_name: str


class TherapeuticAreaOut(Schema):
    id: int
    code: str
    name: str


# --- HCPs ----------------------------------------------------------------------


class HCPAffiliationOut(Schema):
    id: int
    organization: OrganizationRefOut
    role: str
    start_date: dt.date | None
    end_date: dt.date | None
    is_primary: bool


class HCPOut(Schema):
    id: int
    given_name: str
    family_name: str
    suffix: str
    full_name: str
    credentials: list[str]
    specialties: list[str] = Field(description="Specialty names")
    npi: str | None
    npi_source: str
    orcid: str | None
    orcid_source: str
    emails: list[str]
    country: str
    region: str
    city: str
    languages: list[str]
    therapeutic_areas: list[str] = Field(description="Therapeutic area codes")
    territories: list[str] = Field(description="Codes of the territories assigned explicitly")
    contact_channels: list[str]
    consent_date: dt.date | None
    consent_source: str
    origin: Origin
    affiliations: list[HCPAffiliationOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_specialties(obj: HCP) -> list[str]:
        return [specialty.name for specialty in obj.specialties.all()]

    @staticmethod
    def resolve_therapeutic_areas(obj: HCP) -> list[str]:
        return [area.code for area in obj.therapeutic_areas.all()]

    @staticmethod
    def resolve_territories(obj: HCP) -> list[str]:
        return [territory.code for territory in obj.territories.all()]

    @staticmethod
    def resolve_affiliations(obj: HCP) -> list[Affiliation]:
        return list(obj.affiliations.all())


class HCPPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[HCPOut]


class HCPListQuery(PageQuery):
    q: str = Field(
        "",
        max_length=200,
        description="Name (accents optional: muller finds Müller), NPI or ORCID iD",
    )
    therapeutic_area: str = Field("", description="Therapeutic area code")
    territory: str = Field("", description="Territory code")
    country: str = Field("", description=COUNTRY_HELP)
    specialty: str = Field("", description="Specialty name or id")
    origin: Origin | None = None
    sort: str = Field("name", description="name, -name, country, -country, updated, -updated")


class HCPCreateIn(InputSchema):
    given_name: str = Field(min_length=1, max_length=120)
    family_name: str = Field(min_length=1, max_length=120)
    suffix: str = Field("", max_length=20)
    credentials: list[str] = Field(default_factory=list, description="MD, PharmD, PhD, RN, ...")
    specialties: list[str] = Field(
        default_factory=list, description="Specialty names; a new name creates the specialty"
    )
    npi: str | None = Field(None, description="10 digits with a valid Luhn check digit")
    npi_source: str = ""
    orcid: str | None = Field(None, description="0000-0000-0000-0000 (MOD 11-2 check character)")
    orcid_source: str = ""
    emails: list[str] = Field(default_factory=list)
    country: str = Field(pattern=COUNTRY, description=COUNTRY_HELP)
    region: str = Field("", pattern=REGION, description=REGION_HELP)
    city: str = ""
    languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes")
    therapeutic_areas: list[str] = Field(default_factory=list, description="Codes")
    territories: list[str] = Field(default_factory=list, description="Codes")
    contact_channels: list[str] = Field(
        default_factory=list, description="Channels consented to: email, phone, visit, video"
    )
    consent_date: dt.date | None = None
    consent_source: str = ""
    origin: Origin = Origin.MANUAL
    reason: str = Field("", description="Why, recorded in the audit trail")


class HCPPatchIn(PatchIn):
    """Every field optional: only the fields sent change."""

    nullable = frozenset({"npi", "orcid", "consent_date"})

    given_name: str | None = Field(None, min_length=1, max_length=120)
    family_name: str | None = Field(None, min_length=1, max_length=120)
    suffix: str | None = Field(None, max_length=20)
    credentials: list[str] | None = None
    specialties: list[str] | None = Field(None, description="Specialty names (replaces the list)")
    npi: str | None = Field(None, description="null removes the NPI")
    npi_source: str | None = None
    orcid: str | None = Field(None, description="null removes the ORCID iD")
    orcid_source: str | None = None
    emails: list[str] | None = None
    country: str | None = Field(None, pattern=COUNTRY, description=COUNTRY_HELP)
    region: str | None = Field(None, pattern=REGION, description=REGION_HELP)
    city: str | None = None
    languages: list[str] | None = None
    therapeutic_areas: list[str] | None = Field(None, description="Codes (replaces the list)")
    territories: list[str] | None = Field(None, description="Codes (replaces the list)")
    contact_channels: list[str] | None = None
    consent_date: dt.date | None = None
    consent_source: str | None = None
    origin: Origin | None = None
    reason: str = Field("", description="Why, recorded in the audit trail")


class DeleteIn(InputSchema):
    reason: str = Field("", description="Why, recorded in the audit trail")


# --- organizations ------------------------------------------------------------


class OrganizationOut(Schema):
    id: int
    name: str
    type: OrganizationType
    address: str
    city: str
    region: str
    postal_code: str
    country: str
    parent: OrganizationRefOut | None
    territories: list[str] = Field(description="Codes of the territories assigned explicitly")
    origin: Origin
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_territories(obj: Organization) -> list[str]:
        return [territory.code for territory in obj.territories.all()]


class OrganizationPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[OrganizationOut]


class OrganizationListQuery(PageQuery):
    # As the web's search box: each word is a condition of the query, so thousands of
    # them overflow SQLite's expression depth (a 5xx) after seconds of work.
    q: str = Field("", max_length=200, description="Name (accents optional)")
    country: str = Field("", description=COUNTRY_HELP)
    type: OrganizationType | None = None


class OrganizationCreateIn(InputSchema):
    name: str = Field(min_length=1, max_length=300)
    type: OrganizationType
    address: str = ""
    city: str = ""
    region: str = Field("", pattern=REGION, description=REGION_HELP)
    postal_code: str = ""
    country: str = Field(pattern=COUNTRY, description=COUNTRY_HELP)
    parent_id: Id | None = Field(None, description="Id of the parent organization")
    territories: list[str] = Field(default_factory=list, description="Codes")
    origin: Origin = Origin.MANUAL
    reason: str = Field("", description="Why, recorded in the audit trail")


class OrganizationPatchIn(PatchIn):
    """Every field optional: only the fields sent change."""

    nullable = frozenset({"parent_id"})

    name: str | None = Field(None, min_length=1, max_length=300)
    type: OrganizationType | None = None
    address: str | None = None
    city: str | None = None
    region: str | None = Field(None, pattern=REGION, description=REGION_HELP)
    postal_code: str | None = None
    country: str | None = Field(None, pattern=COUNTRY, description=COUNTRY_HELP)
    parent_id: Id | None = Field(None, description="null removes the parent")
    territories: list[str] | None = Field(None, description="Codes (replaces the list)")
    origin: Origin | None = None
    reason: str = Field("", description="Why, recorded in the audit trail")


# --- affiliations -------------------------------------------------------------


class AffiliationOut(Schema):
    id: int
    hcp: HCPRefOut
    organization: OrganizationRefOut
    role: str
    start_date: dt.date | None
    end_date: dt.date | None
    is_primary: bool


class AffiliationPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[AffiliationOut]


class AffiliationListQuery(PageQuery):
    hcp: Id | None = Field(None, description="HCP id")
    organization: Id | None = Field(None, description="Organization id")


class AffiliationCreateIn(InputSchema):
    hcp_id: Id
    organization_id: Id
    role: str = Field("", max_length=200)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    is_primary: bool = False
    reason: str = Field("", description="Why, recorded in the audit trail")


class AffiliationPatchIn(PatchIn):
    """Every field optional; the HCP of an affiliation does not change."""

    nullable = frozenset({"start_date", "end_date"})

    organization_id: Id | None = None
    role: str | None = Field(None, max_length=200)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    is_primary: bool | None = None
    reason: str = Field("", description="Why, recorded in the audit trail")


# --- products and indications ------------------------------------------------


class ProductOut(Schema):
    id: int
    name: str
    generic_name: str
    company: str
    is_own: bool = Field(description="Our product (true) or a competitor's")
    therapeutic_area: str | None = Field(description="Therapeutic area code")

    @staticmethod
    def resolve_therapeutic_area(obj: Product) -> str | None:
        return obj.therapeutic_area.code if obj.therapeutic_area else None


class ProductPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[ProductOut]


class ProductListQuery(PageQuery):
    q: str = Field("", max_length=200, description="Part of the product, generic or company name")
    is_own: bool | None = Field(None, description="Only ours (true) or competitors' (false)")


class ProductCreateIn(InputSchema):
    name: str = Field(min_length=1, max_length=120)
    generic_name: str = ""
    company: str = Field(min_length=1, max_length=200)
    is_own: bool = False
    therapeutic_area: str | None = Field(None, description="Therapeutic area code")
    reason: str = Field("", description="Why, recorded in the audit trail")


class ProductPatchIn(PatchIn):
    """Every field optional: only the fields sent change."""

    nullable = frozenset({"therapeutic_area"})

    name: str | None = Field(None, min_length=1, max_length=120)
    generic_name: str | None = None
    company: str | None = Field(None, min_length=1, max_length=200)
    is_own: bool | None = None
    therapeutic_area: str | None = Field(None, description="Code; null removes it")
    reason: str = Field("", description="Why, recorded in the audit trail")


class IndicationOut(Schema):
    id: int
    product: ProductRefOut
    country: str
    condition: str
    therapeutic_area: str | None = Field(description="Therapeutic area code")
    approved_on: dt.date | None
    label_reference: str

    @staticmethod
    def resolve_therapeutic_area(obj: Indication) -> str | None:
        return obj.therapeutic_area.code if obj.therapeutic_area else None


class IndicationPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[IndicationOut]


class IndicationListQuery(PageQuery):
    country: str = Field("", description=COUNTRY_HELP)


class IndicationCreateIn(InputSchema):
    country: str = Field(pattern=COUNTRY, description=COUNTRY_HELP)
    condition: str = Field(min_length=1, max_length=300)
    therapeutic_area: str | None = Field(None, description="Therapeutic area code")
    approved_on: dt.date | None = None
    label_reference: str = ""
    reason: str = Field("", description="Why, recorded in the audit trail")


class IndicationPatchIn(PatchIn):
    """Every field optional: only the fields sent change."""

    nullable = frozenset({"therapeutic_area", "approved_on"})

    country: str | None = Field(None, pattern=COUNTRY, description=COUNTRY_HELP)
    condition: str | None = Field(None, min_length=1, max_length=300)
    therapeutic_area: str | None = Field(None, description="Code; null removes it")
    approved_on: dt.date | None = None
    label_reference: str | None = None
    reason: str = Field("", description="Why, recorded in the audit trail")
