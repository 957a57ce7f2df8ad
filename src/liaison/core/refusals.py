"""Refusals of a record's values: one :class:`LiaisonError` naming every field in words.

Services collect every reason at once (``{"due": "give the date it is due"}``) and
raise one error whose message names the fields as people call them, while
``details`` keeps the field names for forms and the API. How a field is called is
the app's own (``label``): its models' verbose names, and the items of its lists
(``references.1.pmid`` is "reference 2, PMID" in medical information).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from liaison.core.errors import LiaisonError
from liaison.lib.validation import validation_error

#: The key of a reason about the record as a whole (Django's ``NON_FIELD_ERRORS``).
WHOLE = "__all__"


def refusal(errors: Mapping[str, str], label: Callable[[str], str]) -> LiaisonError:
    """One error naming every field of ``errors`` in words (``label(field)``), the
    first field as ``field``; a reason about the whole record stands alone.

    >>> refusal({"due": "give the date"}, str.title).message
    'Due: give the date'
    """
    parts = [
        reason if field == WHOLE else f"{label(field)}: {reason}"
        for field, reason in errors.items()
    ]
    first = next((field for field in errors if field != WHOLE), None)
    return LiaisonError("; ".join(parts), field=first, details=dict(errors))


def item_of(field: str) -> tuple[str, int, str] | None:
    """``("references", 1, "pmid")`` for ``references.1.pmid``: the list, the item's
    position (from 0) and its field ("" for the item as a whole); None when
    ``field`` is not an item's."""
    head, _, rest = field.partition(".")
    index, _, name = rest.partition(".")
    if not index.isdigit():
        return None
    return head, int(index), name


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


def check_keys(values: Mapping[str, Any], allowed: tuple[str, ...], thing: str) -> None:
    """Refuse a key that is not a field of ``thing`` ("an insight"): a typo must not
    pass silently."""
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise LiaisonError(f"{unknown[0]}: not a field of {thing}", field=unknown[0])
