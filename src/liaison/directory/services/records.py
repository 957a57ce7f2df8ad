"""Operations users perform on the directory, one typed function per resource and verb.

Each takes the acting user first and the fields to write as a typed
:class:`~typing.TypedDict` (``HCPData``, ``OrganizationData``, ...), whose keys
are the model's fields with related records given as records (an HCP's
specialties may also be given by name). On create, a field left out takes the
model's default; on update, only the fields given change, and a list field
(specialties, territories, ...) is replaced as a whole.

Every operation asks the policy, validates, writes inside one transaction with
the audit event beside the change, and, after the write and before commit,
checks that the record is still one the actor may change (an MSL may not move
an HCP out of their own territories). Specialties named by a new name are
created in the same transaction (audited), so a refused change leaves none
behind. Callers (views, the API, the NPI Registry apply) translate their input
into the typed data and call one operation; they open no transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypedDict, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from liaison.core import audit, policy
from liaison.core.errors import Conflict, LiaisonError, PermissionDenied
from liaison.core.models import Territory, User
from liaison.directory.identifiers import normalize_npi, normalize_orcid
from liaison.directory.models import (
    HCP,
    Affiliation,
    Indication,
    Organization,
    Product,
    Specialty,
    TherapeuticArea,
)
from liaison.lib import languages
from liaison.lib.validation import validation_error

M = TypeVar("M", bound=models.Model)

#: Work done first inside an operation's transaction (an HCP's specialty names to records).
Before = Callable[[User, dict[str, list[Any]]], None]

#: A change's audited diff: field -> [before, after]; empty when nothing changed.
Changes = dict[str, list[Any]]

#: What normalising the input refused, field -> reason; reported with the model's own
#: reasons for the other fields, so one refusal names every field to correct.
Problems = dict[str, str]


# --- the typed data of each resource -----------------------------------------------


class HCPData(TypedDict, total=False):
    """An HCP's fields; ``specialties`` by record or by name (a new name creates it)."""

    given_name: str
    family_name: str
    suffix: str
    credentials: list[str]
    specialties: Sequence[Specialty | str]
    npi: str | None
    npi_source: str
    orcid: str | None
    orcid_source: str
    emails: list[str]
    country: str
    region: str
    city: str
    languages: list[str]
    therapeutic_areas: Sequence[TherapeuticArea]
    territories: Sequence[Territory]
    contact_channels: list[str]
    consent_date: dt.date | None
    consent_source: str
    origin: str


class OrganizationData(TypedDict, total=False):
    name: str
    type: str
    address: str
    city: str
    region: str
    postal_code: str
    country: str
    parent: Organization | None
    territories: Sequence[Territory]
    origin: str


class AffiliationData(TypedDict, total=False):
    """An affiliation's fields; its HCP is given apart on create and never changes."""

    organization: Organization
    role: str
    start_date: dt.date | None
    end_date: dt.date | None
    is_primary: bool


class ProductData(TypedDict, total=False):
    name: str
    generic_name: str
    company: str
    is_own: bool
    therapeutic_area: TherapeuticArea | None


class IndicationData(TypedDict, total=False):
    """A labelled indication's fields; its product is given apart on create."""

    country: str
    condition: str
    therapeutic_area: TherapeuticArea | None
    approved_on: dt.date | None
    label_reference: str


class TherapeuticAreaData(TypedDict, total=False):
    code: str
    name: str


# --- what every operation shares -------------------------------------------------------


def _split(
    model: type[models.Model], values: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Plain fields and many-to-many lists of ``values``. A TypedDict is not
    checked at run time, so a key that is no field of ``model`` is refused here."""
    m2m_names = {field.name for field in model._meta.many_to_many}
    known = {field.name for field in model._meta.get_fields()} | {
        field.attname for field in model._meta.concrete_fields
    }
    unknown = set(values) - known
    if unknown:
        raise LiaisonError(
            f"unknown field(s): {', '.join(sorted(unknown))}", field=sorted(unknown)[0]
        )
    plain = {key: value for key, value in values.items() if key not in m2m_names}
    m2m = {key: list(value) for key, value in values.items() if key in m2m_names}
    return plain, m2m


def _normalise_hcp(values: dict[str, Any]) -> Problems:
    """Write an HCP's NPI and ORCID iD in their stored form and its languages as
    ISO 639-1 codes (a name such as "German" becomes ``"de"``), in place. A value
    that cannot be read stays as given, for validation to refuse it with the
    reason returned here."""
    problems: Problems = {}
    for name, normalize in (("npi", normalize_npi), ("orcid", normalize_orcid)):
        if name not in values:
            continue
        raw = str(values[name] or "").strip()
        if not raw:
            values[name] = None
            continue
        try:
            values[name] = normalize(raw, field=name)
        except LiaisonError as error:
            values[name] = raw
            problems[name] = error.details.get(name, error.message)
    if "languages" in values:
        # An unknown language stays as typed; HCP.clean() names it.
        values["languages"] = [
            languages.code_for(str(item)) or str(item).strip()
            for item in values["languages"] or []
            if str(item).strip()
        ]
    return problems


def _with_problems(error: ValidationError, problems: Problems) -> ValidationError:
    """The model's refusal with the input's own reasons in place of its reasons for
    the same fields (a ten-digit rule, not "at most 10 characters" as well)."""
    if not problems:
        return error
    fields = dict(error.error_dict) if hasattr(error, "error_dict") else {}
    if not fields:
        fields["__all__"] = error.error_list
    fields.update({name: [ValidationError(reason)] for name, reason in problems.items()})
    return ValidationError(fields)


def _refusal(error: ValidationError, model: type[models.Model], problems: Problems) -> LiaisonError:
    return validation_error(_with_problems(error, problems), model=model)


def _still_allowed(actor: User, instance: models.Model) -> None:
    # The change itself may move the record out of the actor's reach (an MSL
    # moving an HCP to another country): refuse it before commit.
    if not policy.can(actor, "change", instance):
        raise PermissionDenied(
            f"after this change the {instance._meta.verbose_name} would be outside what you may edit"
        )


def _guard_territories(actor: User, m2m: dict[str, list[Any]], current: list[int]) -> None:
    # Explicit territory membership decides who may edit a record: every
    # territory added or taken away must be one the policy lets the actor assign.
    if "territories" not in m2m:
        return
    changed = {getattr(item, "pk", item) for item in m2m["territories"]} ^ set(current)
    if not changed:
        return
    assignable = policy.scope(actor, "assign", Territory).filter(pk__in=changed)
    if changed - set(assignable.values_list("pk", flat=True)):
        raise PermissionDenied(
            "territories: only administrators assign records to territories", field="territories"
        )


def _current_territories(instance: HCP | Organization) -> list[int]:
    return list(instance.territories.values_list("pk", flat=True))


def _resolve_specialties(actor: User, m2m: dict[str, list[Any]]) -> None:
    """Names among an HCP's specialties become records (created on first use)."""
    if "specialties" not in m2m:
        return
    resolved: list[Specialty] = []
    for item in m2m["specialties"]:
        if isinstance(item, str):
            if not item.strip():
                continue
            item = get_or_create_specialty(actor=actor, name=item)
        resolved.append(item)
    m2m["specialties"] = resolved


def _create(
    actor: User,
    instance: M,
    m2m: dict[str, list[Any]],
    reason: str,
    *,
    before: Before | None = None,
    problems: Problems | None = None,
) -> M:
    """Validate, insert and audit ``instance`` in one transaction; ``before``
    (given the actor) runs first inside it (names to records)."""
    try:
        with transaction.atomic():
            if before is not None:
                before(actor, m2m)
            audit.create_record(actor=actor, instance=instance, m2m=m2m, reason=reason)
            _still_allowed(actor, instance)
    except ValidationError as error:
        raise _refusal(error, type(instance), problems or {}) from None
    except IntegrityError as error:
        raise Conflict(
            f"this {instance._meta.verbose_name} conflicts with an existing one: {error}"
        ) from None
    return instance


def _update(
    actor: User,
    instance: models.Model,
    plain: dict[str, Any],
    m2m: dict[str, list[Any]],
    reason: str,
    *,
    before: Before | None = None,
    problems: Problems | None = None,
) -> Changes:
    """Apply, validate, save and audit in one transaction; the record is reloaded
    when the change is refused, so the caller's object shows what is stored."""
    try:
        with transaction.atomic():
            if before is not None:
                before(actor, m2m)
            changes = audit.update_record(
                actor=actor, instance=instance, values=plain, m2m=m2m, reason=reason
            )
            _still_allowed(actor, instance)
    except ValidationError as error:
        instance.refresh_from_db()
        raise _refusal(error, type(instance), problems or {}) from None
    except IntegrityError as error:
        instance.refresh_from_db()
        raise Conflict(
            f"this {instance._meta.verbose_name} conflicts with an existing one: {error}"
        ) from None
    except LiaisonError:
        instance.refresh_from_db()
        raise
    return changes


def _delete(actor: User, instance: models.Model, reason: str) -> None:
    policy.require(actor, "delete", instance)
    try:
        with transaction.atomic():
            audit.delete_record(actor=actor, instance=instance, reason=reason)
    except IntegrityError as error:
        raise Conflict(f"this {instance._meta.verbose_name} is still in use: {error}") from None


# --- HCPs ----------------------------------------------------------------------------


def create_hcp(*, actor: User, data: HCPData, reason: str = "") -> HCP:
    """Create an HCP (NPI and ORCID iD checked and normalised, languages by name or
    code stored as codes); an MSL creates HCPs of their own territories only, and
    only administrators assign territories. A refusal names every field to correct."""
    policy.require(actor, "add", HCP)
    plain, m2m = _split(HCP, data)
    _guard_territories(actor, m2m, [])
    problems = _normalise_hcp(plain)
    return _create(actor, HCP(**plain), m2m, reason, before=_resolve_specialties, problems=problems)


def update_hcp(*, actor: User, hcp: HCP, data: HCPData, reason: str = "") -> Changes:
    """Change the fields of ``data``; returns the audited diff (empty when nothing changed)."""
    policy.require(actor, "change", hcp)
    plain, m2m = _split(HCP, data)
    if "territories" in m2m:
        _guard_territories(actor, m2m, _current_territories(hcp))
    problems = _normalise_hcp(plain)
    return _update(actor, hcp, plain, m2m, reason, before=_resolve_specialties, problems=problems)


def hcp_problems(data: HCPData) -> LiaisonError | None:
    """What :func:`create_hcp` and :func:`update_hcp` would refuse in the fields of
    ``data``, checked without writing (and without uniqueness, which needs the
    record): a form that could not read some fields shows these reasons for the
    others at the same time. ``None`` when those fields are fine."""
    plain, _m2m = _split(HCP, data)
    problems = _normalise_hcp(plain)
    try:
        HCP(**plain).full_clean(validate_unique=False)
    except ValidationError as error:
        refused = _with_problems(error, problems).error_dict
        wanted = {name: errors for name, errors in refused.items() if name in data}
        return validation_error(ValidationError(wanted), model=HCP) if wanted else None
    return None


def delete_hcp(*, actor: User, hcp: HCP, reason: str = "") -> None:
    """Delete the HCP and their affiliations."""
    _delete(actor, hcp, reason)


def get_or_create_specialty(*, actor: User, name: str) -> Specialty:
    """Specialties named in imports and forms are created on first use (audited)."""
    longest = Specialty._meta.get_field("name").max_length or 120
    if len(name.strip()) > longest:
        # Checked before the look-up: SQLite refuses a LIKE pattern of thousands of characters.
        raise validation_error(
            ValidationError(
                {"specialties": f"a specialty's name is at most {longest} characters long"}
            ),
            model=HCP,
        )
    existing = Specialty.objects.filter(name__iexact=name.strip()).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        specialty = Specialty(name=name.strip())
        audit.create_record(actor=actor, instance=specialty)
    return specialty


# --- organizations -------------------------------------------------------------------


def create_organization(*, actor: User, data: OrganizationData, reason: str = "") -> Organization:
    policy.require(actor, "add", Organization)
    plain, m2m = _split(Organization, data)
    _guard_territories(actor, m2m, [])
    return _create(actor, Organization(**plain), m2m, reason)


def update_organization(
    *, actor: User, organization: Organization, data: OrganizationData, reason: str = ""
) -> Changes:
    policy.require(actor, "change", organization)
    plain, m2m = _split(Organization, data)
    if "territories" in m2m:
        _guard_territories(actor, m2m, _current_territories(organization))
    return _update(actor, organization, plain, m2m, reason)


def delete_organization(*, actor: User, organization: Organization, reason: str = "") -> None:
    """Delete the organization and its affiliations."""
    _delete(actor, organization, reason)


# --- affiliations --------------------------------------------------------------------


def create_affiliation(
    *, actor: User, hcp: HCP, data: AffiliationData, reason: str = ""
) -> Affiliation:
    """Affiliate ``hcp`` with an organization; needs the right to change the HCP."""
    policy.require(actor, "change", hcp)
    policy.require(actor, "add", Affiliation)
    plain, m2m = _split(Affiliation, data)
    return _create(actor, Affiliation(hcp=hcp, **plain), m2m, reason)


def update_affiliation(
    *, actor: User, affiliation: Affiliation, data: AffiliationData, reason: str = ""
) -> Changes:
    policy.require(actor, "change", affiliation)
    plain, m2m = _split(Affiliation, data)
    return _update(actor, affiliation, plain, m2m, reason)


def delete_affiliation(*, actor: User, affiliation: Affiliation, reason: str = "") -> None:
    _delete(actor, affiliation, reason)


# --- products and their labelled indications -----------------------------------------


def create_product(*, actor: User, data: ProductData, reason: str = "") -> Product:
    policy.require(actor, "add", Product)
    plain, m2m = _split(Product, data)
    return _create(actor, Product(**plain), m2m, reason)


def update_product(
    *, actor: User, product: Product, data: ProductData, reason: str = ""
) -> Changes:
    policy.require(actor, "change", product)
    plain, m2m = _split(Product, data)
    return _update(actor, product, plain, m2m, reason)


def delete_product(*, actor: User, product: Product, reason: str = "") -> None:
    """Delete the product and its labelled indications."""
    _delete(actor, product, reason)


def create_indication(
    *, actor: User, product: Product, data: IndicationData, reason: str = ""
) -> Indication:
    """Add a labelled indication of ``product`` in one country."""
    policy.require(actor, "add", Indication)
    plain, m2m = _split(Indication, data)
    return _create(actor, Indication(product=product, **plain), m2m, reason)


def update_indication(
    *, actor: User, indication: Indication, data: IndicationData, reason: str = ""
) -> Changes:
    policy.require(actor, "change", indication)
    plain, m2m = _split(Indication, data)
    return _update(actor, indication, plain, m2m, reason)


def delete_indication(*, actor: User, indication: Indication, reason: str = "") -> None:
    _delete(actor, indication, reason)


# --- therapeutic areas ---------------------------------------------------------------


def create_therapeutic_area(
    *, actor: User, data: TherapeuticAreaData, reason: str = ""
) -> TherapeuticArea:
    policy.require(actor, "add", TherapeuticArea)
    plain, m2m = _split(TherapeuticArea, data)
    return _create(actor, TherapeuticArea(**plain), m2m, reason)


def update_therapeutic_area(
    *, actor: User, area: TherapeuticArea, data: TherapeuticAreaData, reason: str = ""
) -> Changes:
    policy.require(actor, "change", area)
    plain, m2m = _split(TherapeuticArea, data)
    return _update(actor, area, plain, m2m, reason)


def delete_therapeutic_area(*, actor: User, area: TherapeuticArea, reason: str = "") -> None:
    """Delete a therapeutic area no product or indication refers to."""
    _delete(actor, area, reason)
