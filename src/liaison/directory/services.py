"""Operations users perform on the directory. Each asks the policy, validates,
writes inside one transaction and writes the audit event beside the change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

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
from liaison.lib.validation import validation_error

M = TypeVar("M", bound=models.Model)


def _split(
    model: type[models.Model], values: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
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


def _normalise_identifiers(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("npi"):
        values["npi"] = normalize_npi(str(values["npi"]))
    elif "npi" in values:
        values["npi"] = None
    if values.get("orcid"):
        values["orcid"] = normalize_orcid(str(values["orcid"]))
    elif "orcid" in values:
        values["orcid"] = None
    return values


def _still_allowed(actor: User, instance: models.Model) -> None:
    # The change itself may move the record out of the actor's reach (an MSL
    # moving an HCP to another country): refuse it before commit.
    if not policy.can(actor, "change", instance):
        raise PermissionDenied(
            f"after this change the {instance._meta.verbose_name} would be outside what you may edit"
        )


def _guard_territories(actor: User, m2m: dict[str, Any], current: list[int]) -> None:
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


def create(actor: User, model: type[M], values: Mapping[str, Any], *, reason: str = "") -> M:
    """Create one directory record of ``model`` from ``values`` (fields and m2m ids)."""
    policy.require(actor, "add", model)
    plain, m2m = _split(model, values)
    _guard_territories(actor, m2m, [])
    if model is HCP:
        plain = _normalise_identifiers(plain)
    try:
        with transaction.atomic():
            instance = model(**plain)
            audit.create_record(actor=actor, instance=instance, m2m=m2m, reason=reason)
            _still_allowed(actor, instance)
    except ValidationError as error:
        raise validation_error(error) from None
    except IntegrityError as error:
        raise Conflict(
            f"this {model._meta.verbose_name} conflicts with an existing one: {error}"
        ) from None
    return instance


def update(
    actor: User, instance: M, values: Mapping[str, Any], *, reason: str = ""
) -> dict[str, list[Any]]:
    """Change ``instance``; returns the audited diff (empty when nothing changed)."""
    policy.require(actor, "change", instance)
    plain, m2m = _split(type(instance), values)
    if "territories" in m2m:
        _guard_territories(
            actor,
            m2m,
            list(getattr(instance, "territories").values_list("pk", flat=True)),  # noqa: B009 (M is any model)
        )
    if isinstance(instance, HCP):
        plain = _normalise_identifiers(plain)
    try:
        with transaction.atomic():
            changes = audit.update_record(
                actor=actor, instance=instance, values=plain, m2m=m2m, reason=reason
            )
            _still_allowed(actor, instance)
    except ValidationError as error:
        instance.refresh_from_db()
        raise validation_error(error) from None
    except IntegrityError as error:
        instance.refresh_from_db()
        raise Conflict(
            f"this {instance._meta.verbose_name} conflicts with an existing one: {error}"
        ) from None
    return changes


def delete(actor: User, instance: models.Model, *, reason: str = "") -> None:
    policy.require(actor, "delete", instance)
    try:
        with transaction.atomic():
            audit.delete_record(actor=actor, instance=instance, reason=reason)
    except IntegrityError as error:
        raise Conflict(f"this {instance._meta.verbose_name} is still in use: {error}") from None


# Named operations, so call sites read as what the user does.


def create_hcp(*, actor: User, values: Mapping[str, Any], reason: str = "") -> HCP:
    return create(actor, HCP, values, reason=reason)


def update_hcp(
    *, actor: User, hcp: HCP, values: Mapping[str, Any], reason: str = ""
) -> dict[str, list[Any]]:
    return update(actor, hcp, values, reason=reason)


def delete_hcp(*, actor: User, hcp: HCP, reason: str = "") -> None:
    delete(actor, hcp, reason=reason)


def create_organization(
    *, actor: User, values: Mapping[str, Any], reason: str = ""
) -> Organization:
    return create(actor, Organization, values, reason=reason)


def update_organization(
    *, actor: User, organization: Organization, values: Mapping[str, Any], reason: str = ""
) -> dict[str, list[Any]]:
    return update(actor, organization, values, reason=reason)


def add_affiliation(*, actor: User, values: Mapping[str, Any], reason: str = "") -> Affiliation:
    """Affiliate an HCP with an organization; needs the right to change the HCP."""
    hcp = values.get("hcp")
    if isinstance(hcp, HCP):
        policy.require(actor, "change", hcp)
    return create(actor, Affiliation, values, reason=reason)


def create_product(*, actor: User, values: Mapping[str, Any], reason: str = "") -> Product:
    return create(actor, Product, values, reason=reason)


def create_indication(*, actor: User, values: Mapping[str, Any], reason: str = "") -> Indication:
    return create(actor, Indication, values, reason=reason)


def create_therapeutic_area(
    *, actor: User, values: Mapping[str, Any], reason: str = ""
) -> TherapeuticArea:
    return create(actor, TherapeuticArea, values, reason=reason)


def get_or_create_specialty(*, actor: User, name: str) -> Specialty:
    """Specialties named in imports and forms are created on first use (audited)."""
    existing = Specialty.objects.filter(name__iexact=name.strip()).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        specialty = Specialty(name=name.strip())
        audit.create_record(actor=actor, instance=specialty)
    return specialty
