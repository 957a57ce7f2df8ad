"""Refusals of the medical information operations: one error naming every field in words."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from liaison.core.errors import LiaisonError
from liaison.lib.validation import field_label, validation_error


def _place(model: type[models.Model], field: str) -> str:
    """``Asked by`` for a field of ``model``; ``reference 2, PMID`` for ``references.1.pmid``."""
    head, _, rest = field.partition(".")
    if head == "references" and rest:
        index, _, name = rest.partition(".")
        if index.isdigit():
            part = {"pmid": "PMID", "doi": "DOI"}.get(name, name)
            return f"reference {int(index) + 1}" + (f", {part}" if part else "")
    return field_label(model, field)


def refusal(errors: dict[str, str], model: type[models.Model]) -> LiaisonError:
    """One error naming every field of ``errors`` in words (the first as ``field``)."""
    parts = [
        reason if field == "__all__" else f"{_place(model, field)}: {reason}"
        for field, reason in errors.items()
    ]
    first = next((field for field in errors if field != "__all__"), None)
    return LiaisonError("; ".join(parts), field=first, details=errors)


def errors_of(instance: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """Every reason Django's validation refuses ``instance`` for, by field (uniqueness
    and constraints are the services' own checks)."""
    try:
        instance.full_clean(
            exclude=list(exclude), validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        return validation_error(error).details
    return {}


def check_keys(values: dict[str, Any], allowed: tuple[str, ...], thing: str) -> None:
    """Refuse a key that is not a field of ``thing``: a typo must not pass silently."""
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise LiaisonError(f"{unknown[0]}: not a field of {thing}", field=unknown[0])
