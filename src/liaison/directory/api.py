"""The directory's API: HCPs, organizations, affiliations, products, indications
and therapeutic areas under /api/v1/.

Handlers are thin: they turn codes and ids into records (through the access
policy) and a body into the service's typed data (``services.HCPData``, ...),
call one service or selector and shape the answer. The services hold the
transaction and create the specialties a body names. Records an actor may not
see answer 404; records they see but may not change answer 403; loading them
that way is :class:`~liaison.lib.api.Records`'.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import models
from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Status

from liaison.core import downloads, policy
from liaison.core.models import Territory, User
from liaison.directory import exporting, selectors, services, tasks
from liaison.directory.models import (
    HCP,
    Affiliation,
    Indication,
    Organization,
    Origin,
    Product,
    TherapeuticArea,
)
from liaison.directory.schemas import (
    AffiliationCreateIn,
    AffiliationListQuery,
    AffiliationOut,
    AffiliationPageOut,
    AffiliationPatchIn,
    DeleteIn,
    HCPCreateIn,
    HCPListQuery,
    HCPOut,
    HCPPageOut,
    HCPPatchIn,
    IndicationCreateIn,
    IndicationListQuery,
    IndicationOut,
    IndicationPageOut,
    IndicationPatchIn,
    OrganizationCreateIn,
    OrganizationListQuery,
    OrganizationOut,
    OrganizationPageOut,
    OrganizationPatchIn,
    ProductCreateIn,
    ProductListQuery,
    ProductOut,
    ProductPageOut,
    ProductPatchIn,
    TherapeuticAreaOut,
)
from liaison.lib.api import (
    Id,
    InputSchema,
    Records,
    Text,
    acting_user,
    by_codes,
    by_id,
    delete_reason,
    paginate,
    query_error,
    without_reason,
)

router = Router()


# --- input translation: codes and ids to records --------------------------------


def area_or_none(user: User, code: str | None, field: str) -> TherapeuticArea | None:
    return by_codes(user, TherapeuticArea, [code], field)[0] if code else None


# --- HCPs ----------------------------------------------------------------------

hcps = Router(tags=["HCPs"])
HCPS = Records(HCP, shown=selectors.hcp_profile)


def hcp_data(user: User, body: dict[str, Any]) -> services.HCPData:
    """The service's data from a create or patch body (``reason`` removed): codes
    to records; specialties stay names (the service creates new ones)."""
    values = without_reason(body)
    if "therapeutic_areas" in values:
        values["therapeutic_areas"] = by_codes(
            user, TherapeuticArea, values["therapeutic_areas"], "therapeutic_areas"
        )
    if "territories" in values:
        values["territories"] = by_codes(user, Territory, values["territories"], "territories")
    # The body's fields are HCPData's keys (a test holds them together).
    return cast(services.HCPData, values)


@hcps.get(
    "",
    response=HCPPageOut,
    summary="List HCPs",
    description=(
        "HCPs you may see, filtered and sorted, one page at a time. `q` matches names "
        "without accents (muller finds Müller), a 10-digit NPI or an ORCID iD."
    ),
)
def list_hcps(request: HttpRequest, query: Query[HCPListQuery]) -> dict[str, Any]:
    user = acting_user(request)
    if query.sort not in selectors.HCP_SORTS:
        raise query_error("sort", f"use one of {', '.join(selectors.HCP_SORTS)}")
    filters = selectors.HCPFilters(
        q=query.q,
        therapeutic_area=query.therapeutic_area,
        territory=query.territory,
        country=query.country,
        specialty=query.specialty,
        origin=query.origin or "",
        sort=query.sort,
    )
    queryset = selectors.with_list_relations(selectors.hcp_queryset(user, filters))
    return paginate(queryset.prefetch_related("territories"), query)


@hcps.post(
    "",
    response={201: HCPOut},
    summary="Create an HCP",
    description=(
        "Creates an HCP. NPI and ORCID iD are checked (check digits); specialties are "
        "given by name, therapeutic areas and territories by code. An MSL may create HCPs "
        "of their own territories only."
    ),
)
def create_hcp(request: HttpRequest, payload: HCPCreateIn) -> Status[HCP]:
    user = HCPS.adding(request)
    data = hcp_data(user, payload.dict())
    return HCPS.created(user, services.create_hcp(actor=user, data=data, reason=payload.reason))


# --- export: a file at once for small selections, a download job for large ones -------
# Declared before /hcps/{hcp_id}, so "export" is never taken for an id.


class HCPExportQuery(InputSchema):
    """The list's filters and the file's format."""

    format: str = Field("csv", description="csv or xlsx")
    q: str = Field("", description="Name (accents optional: muller finds Müller), NPI or ORCID iD")
    therapeutic_area: str = Field("", description="Therapeutic area code")
    territory: str = Field("", description="Territory code")
    country: str = Field("", description="ISO 3166-1 alpha-2 code")
    specialty: str = Field("", description="Specialty name or id")
    origin: Origin | None = None
    sort: str = Field("name", description="name, -name, country, -country, updated, -updated")


def export_request(query: HCPExportQuery) -> tuple[exporting.ExportFormat, selectors.HCPFilters]:
    if query.format not in exporting.EXPORT_FORMATS:
        raise query_error("format", f"use one of {', '.join(exporting.EXPORT_FORMATS)}")
    if query.sort not in selectors.HCP_SORTS:
        raise query_error("sort", f"use one of {', '.join(selectors.HCP_SORTS)}")
    filters = selectors.HCPFilters(
        q=query.q,
        therapeutic_area=query.therapeutic_area,
        territory=query.territory,
        country=query.country,
        specialty=query.specialty,
        origin=query.origin or "",
        sort=query.sort,
    )
    return exporting.EXPORT_FORMATS[query.format], filters


@hcps.get(
    "/export",
    response={200: None},
    summary="Export HCPs to a file",
    description=(
        "The HCPs you may export, with the list's filters, as CSV (UTF-8 with BOM) or XLSX, "
        "the columns the import reads. Up to `LIAISON_EXPORT_SYNC_MAX_ROWS` HCPs (5,000 by "
        "default) come at once, complete, with their length; more answer 422: send the same "
        "request as POST to run the export as a job."
    ),
)
def export_hcps(request: HttpRequest, query: Query[HCPExportQuery]) -> FileResponse:
    user = acting_user(request)
    spec, filters = export_request(query)
    exporting.require_exporter(user)
    count = exporting.count_rows(user, filters)
    if count > downloads.sync_max_rows():
        raise downloads.too_large(
            count,
            "HCPs",
            job_hint="POST /api/v1/hcps/export with the same parameters"
            " runs the export as a job (202)",
        )
    return FileResponse(
        exporting.export_file(user, filters, format=spec.name),
        as_attachment=True,
        filename=f"hcps.{spec.name}",
        content_type=spec.content_type,
    )


@hcps.post(
    "/export",
    response={202: downloads.JobStartedOut},
    summary="Export HCPs as a background job",
    description=(
        "Starts the export of the HCPs you may export, with the list's filters (the query "
        "parameters of GET /api/v1/hcps/export), as a job. Poll `api_url` until the job "
        "succeeded, then fetch its `api_download_url`: the file is yours (and "
        "administrators') alone, kept for `LIAISON_EXPORT_KEEP_DAYS` days."
    ),
)
def start_hcps_export(request: HttpRequest, query: Query[HCPExportQuery]) -> Status[dict[str, Any]]:
    user = acting_user(request)
    spec, filters = export_request(query)
    job = tasks.start_hcp_export(actor=user, filters=filters, format=spec.name)
    return Status(202, downloads.started(job))


@hcps.get(
    "/{hcp_id}",
    response=HCPOut,
    summary="Get an HCP",
    description="One HCP with identifiers, specialties, consent and affiliations.",
)
def get_hcp(request: HttpRequest, hcp_id: Id) -> HCP:
    return HCPS.show(request, hcp_id)


@hcps.patch(
    "/{hcp_id}",
    response=HCPOut,
    summary="Update an HCP",
    description=(
        "Changes only the fields sent; list fields (specialties, therapeutic areas, "
        "territories, ...) are replaced as a whole. The change is audited with `reason`."
    ),
)
def update_hcp(request: HttpRequest, hcp_id: Id, payload: HCPPatchIn) -> HCP:
    user = acting_user(request)
    hcp = HCPS.load(user, "change", hcp_id)
    data = hcp_data(user, payload.dict(exclude_unset=True))
    services.update_hcp(actor=user, hcp=hcp, data=data, reason=payload.reason)
    return HCPS.answer(user, hcp_id)


@hcps.delete(
    "/{hcp_id}",
    response={204: None},
    summary="Delete an HCP",
    description=(
        "Deletes the HCP and their affiliations. Give the reason as the `reason` query "
        "parameter or in a JSON body; it is kept in the audit trail."
    ),
)
def delete_hcp(
    request: HttpRequest, hcp_id: Id, reason: Text = "", payload: DeleteIn | None = None
) -> Status[None]:
    user = acting_user(request)
    hcp = HCPS.load(user, "delete", hcp_id)
    services.delete_hcp(actor=user, hcp=hcp, reason=delete_reason(reason, payload))
    return Status(204, None)


# --- organizations ------------------------------------------------------------

organizations = Router(tags=["Organizations"])
ORGANIZATIONS = Records(Organization, related=("parent",), prefetched=("territories",))


def organization_data(user: User, body: dict[str, Any]) -> services.OrganizationData:
    """The service's data from a create or patch body: ``parent_id`` to the
    parent, territory codes to territories."""
    values = without_reason(body)
    if "parent_id" in values:
        parent_id = values.pop("parent_id")
        values["parent"] = (
            by_id(user, Organization, parent_id, "parent_id") if parent_id is not None else None
        )
    if "territories" in values:
        values["territories"] = by_codes(user, Territory, values["territories"], "territories")
    return cast(services.OrganizationData, values)


@organizations.get(
    "",
    response=OrganizationPageOut,
    summary="List organizations",
    description="Organizations, filtered by name (accents optional), country and type.",
)
def list_organizations(request: HttpRequest, query: Query[OrganizationListQuery]) -> dict[str, Any]:
    user = acting_user(request)
    queryset = selectors.organization_queryset(user, query.q, query.country)
    if query.type:
        queryset = queryset.filter(type=query.type)
    return paginate(queryset.prefetch_related("territories"), query)


@organizations.post(
    "",
    response={201: OrganizationOut},
    summary="Create an organization",
    description="Creates an organization; `parent_id` names its parent organization.",
)
def create_organization(
    request: HttpRequest, payload: OrganizationCreateIn
) -> Status[Organization]:
    user = ORGANIZATIONS.adding(request)
    data = organization_data(user, payload.dict())
    organization = services.create_organization(actor=user, data=data, reason=payload.reason)
    return ORGANIZATIONS.created(user, organization)


@organizations.get(
    "/{organization_id}",
    response=OrganizationOut,
    summary="Get an organization",
    description="One organization with its parent and territories.",
)
def get_organization(request: HttpRequest, organization_id: Id) -> Organization:
    return ORGANIZATIONS.show(request, organization_id)


@organizations.patch(
    "/{organization_id}",
    response=OrganizationOut,
    summary="Update an organization",
    description="Changes only the fields sent. The change is audited with `reason`.",
)
def update_organization(
    request: HttpRequest, organization_id: Id, payload: OrganizationPatchIn
) -> Organization:
    user = acting_user(request)
    organization = ORGANIZATIONS.load(user, "change", organization_id)
    data = organization_data(user, payload.dict(exclude_unset=True))
    services.update_organization(
        actor=user, organization=organization, data=data, reason=payload.reason
    )
    return ORGANIZATIONS.answer(user, organization_id)


@organizations.delete(
    "/{organization_id}",
    response={204: None},
    summary="Delete an organization",
    description=(
        "Deletes the organization and its affiliations. Give the reason as the `reason` "
        "query parameter or in a JSON body."
    ),
)
def delete_organization(
    request: HttpRequest, organization_id: Id, reason: Text = "", payload: DeleteIn | None = None
) -> Status[None]:
    user = acting_user(request)
    organization = ORGANIZATIONS.load(user, "delete", organization_id)
    services.delete_organization(
        actor=user, organization=organization, reason=delete_reason(reason, payload)
    )
    return Status(204, None)


# --- affiliations -------------------------------------------------------------

affiliations = Router(tags=["Affiliations"])
AFFILIATIONS = Records(Affiliation, related=("hcp", "organization"))


def affiliation_data(user: User, body: dict[str, Any]) -> services.AffiliationData:
    """The service's data from a create or patch body (the organization named by
    id); a create's ``hcp_id`` is taken apart by the handler."""
    values = without_reason(body)
    if "organization_id" in values:
        values["organization"] = by_id(
            user, Organization, values.pop("organization_id"), "organization_id"
        )
    return cast(services.AffiliationData, values)


@affiliations.get(
    "",
    response=AffiliationPageOut,
    summary="List affiliations",
    description="Affiliations of HCPs with organizations, filtered by HCP or organization id.",
)
def list_affiliations(request: HttpRequest, query: Query[AffiliationListQuery]) -> dict[str, Any]:
    user = acting_user(request)
    queryset = policy.scope(user, "view", Affiliation).select_related("hcp", "organization")
    if query.hcp is not None:
        queryset = queryset.filter(hcp_id=query.hcp)
    if query.organization is not None:
        queryset = queryset.filter(organization_id=query.organization)
    return paginate(queryset.order_by("id"), query)


@affiliations.post(
    "",
    response={201: AffiliationOut},
    summary="Create an affiliation",
    description="Affiliates an HCP with an organization; needs the right to change the HCP.",
)
def create_affiliation(request: HttpRequest, payload: AffiliationCreateIn) -> Status[Affiliation]:
    user = AFFILIATIONS.adding(request)
    body = payload.dict()
    hcp = by_id(user, HCP, body.pop("hcp_id"), "hcp_id")
    affiliation = services.create_affiliation(
        actor=user, hcp=hcp, data=affiliation_data(user, body), reason=payload.reason
    )
    return AFFILIATIONS.created(user, affiliation)


@affiliations.get(
    "/{affiliation_id}",
    response=AffiliationOut,
    summary="Get an affiliation",
    description="One affiliation with its HCP and organization.",
)
def get_affiliation(request: HttpRequest, affiliation_id: Id) -> Affiliation:
    return AFFILIATIONS.show(request, affiliation_id)


@affiliations.patch(
    "/{affiliation_id}",
    response=AffiliationOut,
    summary="Update an affiliation",
    description="Changes only the fields sent; the HCP stays. Needs the right to change the HCP.",
)
def update_affiliation(
    request: HttpRequest, affiliation_id: Id, payload: AffiliationPatchIn
) -> Affiliation:
    user = acting_user(request)
    affiliation = AFFILIATIONS.load(user, "change", affiliation_id)
    data = affiliation_data(user, payload.dict(exclude_unset=True))
    services.update_affiliation(
        actor=user, affiliation=affiliation, data=data, reason=payload.reason
    )
    return AFFILIATIONS.answer(user, affiliation_id)


@affiliations.delete(
    "/{affiliation_id}",
    response={204: None},
    summary="Delete an affiliation",
    description="Ends the record of the affiliation. Needs the right to change the HCP.",
)
def delete_affiliation(
    request: HttpRequest, affiliation_id: Id, reason: Text = "", payload: DeleteIn | None = None
) -> Status[None]:
    user = acting_user(request)
    affiliation = AFFILIATIONS.load(user, "delete", affiliation_id)
    services.delete_affiliation(
        actor=user, affiliation=affiliation, reason=delete_reason(reason, payload)
    )
    return Status(204, None)


# --- products and indications ------------------------------------------------

products = Router(tags=["Products"])
indications = Router(tags=["Products"])
PRODUCTS = Records(Product, related=("therapeutic_area",))
INDICATIONS = Records(Indication, related=("product", "therapeutic_area"))


def with_area(user: User, body: dict[str, Any]) -> dict[str, Any]:
    """A product's or indication's body (``reason`` removed) with its therapeutic
    area code turned into the area."""
    values = without_reason(body)
    if "therapeutic_area" in values:
        values["therapeutic_area"] = area_or_none(
            user, values["therapeutic_area"], "therapeutic_area"
        )
    return values


def product_data(user: User, body: dict[str, Any]) -> services.ProductData:
    return cast(services.ProductData, with_area(user, body))


def indication_data(user: User, body: dict[str, Any]) -> services.IndicationData:
    return cast(services.IndicationData, with_area(user, body))


@products.get(
    "",
    response=ProductPageOut,
    summary="List products",
    description="Our products and competitors', filtered by name or company and by ownership.",
)
def list_products(request: HttpRequest, query: Query[ProductListQuery]) -> dict[str, Any]:
    user = acting_user(request)
    queryset = policy.scope(user, "view", Product).select_related("therapeutic_area")
    if query.q.strip():
        text = query.q.strip()
        queryset = queryset.filter(
            models.Q(name__icontains=text)
            | models.Q(generic_name__icontains=text)
            | models.Q(company__icontains=text)
        )
    if query.is_own is not None:
        queryset = queryset.filter(is_own=query.is_own)
    return paginate(queryset.order_by("-is_own", "name", "id"), query)


@products.post(
    "",
    response={201: ProductOut},
    summary="Create a product",
    description="Creates a product (administrators); `therapeutic_area` is a code.",
)
def create_product(request: HttpRequest, payload: ProductCreateIn) -> Status[Product]:
    user = PRODUCTS.adding(request)
    data = product_data(user, payload.dict())
    return PRODUCTS.created(
        user, services.create_product(actor=user, data=data, reason=payload.reason)
    )


@products.get(
    "/{product_id}",
    response=ProductOut,
    summary="Get a product",
    description="One product.",
)
def get_product(request: HttpRequest, product_id: Id) -> Product:
    return PRODUCTS.show(request, product_id)


@products.patch(
    "/{product_id}",
    response=ProductOut,
    summary="Update a product",
    description="Changes only the fields sent (administrators).",
)
def update_product(request: HttpRequest, product_id: Id, payload: ProductPatchIn) -> Product:
    user = acting_user(request)
    product = PRODUCTS.load(user, "change", product_id)
    data = product_data(user, payload.dict(exclude_unset=True))
    services.update_product(actor=user, product=product, data=data, reason=payload.reason)
    return PRODUCTS.answer(user, product_id)


@products.delete(
    "/{product_id}",
    response={204: None},
    summary="Delete a product",
    description="Deletes the product and its labelled indications (administrators).",
)
def delete_product(
    request: HttpRequest, product_id: Id, reason: Text = "", payload: DeleteIn | None = None
) -> Status[None]:
    user = acting_user(request)
    product = PRODUCTS.load(user, "delete", product_id)
    services.delete_product(actor=user, product=product, reason=delete_reason(reason, payload))
    return Status(204, None)


@products.get(
    "/{product_id}/indications",
    response=IndicationPageOut,
    summary="List a product's indications",
    description="The labelled indications of one product by country; what is absent is off-label.",
)
def list_indications(
    request: HttpRequest, product_id: Id, query: Query[IndicationListQuery]
) -> dict[str, Any]:
    user = acting_user(request)
    product = PRODUCTS.load(user, "view", product_id)
    queryset = policy.scope(user, "view", Indication).filter(product=product)
    if query.country:
        queryset = queryset.filter(country=query.country.upper())
    queryset = queryset.select_related("product", "therapeutic_area")
    return paginate(queryset.order_by("country", "condition", "id"), query)


@products.post(
    "/{product_id}/indications",
    response={201: IndicationOut},
    summary="Add an indication",
    description="Adds a labelled indication of the product in one country (administrators).",
)
def create_indication(
    request: HttpRequest, product_id: Id, payload: IndicationCreateIn
) -> Status[Indication]:
    user = INDICATIONS.adding(request)
    data = indication_data(user, payload.dict())
    product = PRODUCTS.load(user, "view", product_id)
    indication = services.create_indication(
        actor=user, product=product, data=data, reason=payload.reason
    )
    return INDICATIONS.created(user, indication)


@indications.get(
    "/{indication_id}",
    response=IndicationOut,
    summary="Get an indication",
    description="One labelled indication.",
)
def get_indication(request: HttpRequest, indication_id: Id) -> Indication:
    return INDICATIONS.show(request, indication_id)


@indications.patch(
    "/{indication_id}",
    response=IndicationOut,
    summary="Update an indication",
    description="Changes only the fields sent (administrators).",
)
def update_indication(
    request: HttpRequest, indication_id: Id, payload: IndicationPatchIn
) -> Indication:
    user = acting_user(request)
    indication = INDICATIONS.load(user, "change", indication_id)
    data = indication_data(user, payload.dict(exclude_unset=True))
    services.update_indication(actor=user, indication=indication, data=data, reason=payload.reason)
    return INDICATIONS.answer(user, indication_id)


@indications.delete(
    "/{indication_id}",
    response={204: None},
    summary="Delete an indication",
    description="Removes a labelled indication (administrators).",
)
def delete_indication(
    request: HttpRequest, indication_id: Id, reason: Text = "", payload: DeleteIn | None = None
) -> Status[None]:
    user = acting_user(request)
    indication = INDICATIONS.load(user, "delete", indication_id)
    services.delete_indication(
        actor=user, indication=indication, reason=delete_reason(reason, payload)
    )
    return Status(204, None)


# --- therapeutic areas -------------------------------------------------------

therapeutic_areas = Router(tags=["Therapeutic areas"])


@therapeutic_areas.get(
    "",
    response=list[TherapeuticAreaOut],
    summary="List therapeutic areas",
    description="Every therapeutic area with the code the other operations use.",
)
def list_therapeutic_areas(request: HttpRequest) -> Any:
    return policy.scope(acting_user(request), "view", TherapeuticArea).order_by("name")


router.add_router("/hcps", hcps)
router.add_router("/organizations", organizations)
router.add_router("/affiliations", affiliations)
router.add_router("/products", products)
router.add_router("/indications", indications)
router.add_router("/therapeutic-areas", therapeutic_areas)
