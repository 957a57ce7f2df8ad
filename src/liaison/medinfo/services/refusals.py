"""Refusals of the medical information operations: one error naming every field in
words (:mod:`liaison.core.refusals`), a reference's field by its place in the list."""

from __future__ import annotations

from django.db import models

from liaison.core import refusals
from liaison.core.errors import LiaisonError
from liaison.lib.validation import field_label

#: A reference's fields as people write them.
REFERENCE_PARTS = {"pmid": "PMID", "doi": "DOI"}


def _place(model: type[models.Model], field: str) -> str:
    """``Asked by`` for a field of ``model``; ``reference 2, PMID`` for ``references.1.pmid``."""
    item = refusals.item_of(field)
    if item is not None and item[0] == "references":
        _, index, name = item
        part = REFERENCE_PARTS.get(name, name)
        return f"reference {index + 1}" + (f", {part}" if part else "")
    return field_label(model, field)


def refusal(errors: dict[str, str], model: type[models.Model]) -> LiaisonError:
    """One error naming every field of ``errors`` in words (the first as ``field``)."""
    return refusals.refusal(errors, lambda field: _place(model, field))
