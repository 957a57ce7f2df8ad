"""Django's model validation, told as a domain error.

Services run ``full_clean()`` and raise what it refuses as a
:class:`~liaison.core.errors.LiaisonError`, so forms, the API and the command
line show the same per-field reasons.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.text import capfirst

from liaison.core.errors import LiaisonError
from liaison.lib.labels import humanize


def field_label(model: type[models.Model] | None, name: str) -> str:
    """What people call the field ``name``: the model field's verbose name ("NPI",
    "ORCID", "Family name"), else the name in words."""
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            pass
        else:
            verbose = getattr(field, "verbose_name", None)
            if verbose:
                return str(capfirst(str(verbose)))
    return humanize(name)


def validation_error(
    error: ValidationError, *, model: type[models.Model] | None = None
) -> LiaisonError:
    """One :class:`LiaisonError` carrying every field's reason.

    ``details`` maps each field (``"__all__"`` for the record as a whole) to
    its reasons joined by ``"; "``, for forms (beside the field) and the API;
    the message names them all by label (the verbose names of ``model``'s
    fields), e.g. ``"NPI: '12345' is not 10 digits; Country: this field cannot
    be blank"``.
    """
    if hasattr(error, "error_dict"):
        details = {
            field: "; ".join(str(message) for item in errors for message in item.messages)
            for field, errors in error.error_dict.items()
        }
    else:
        details = {"__all__": "; ".join(error.messages)}
    message = "; ".join(
        f"{field_label(model, field)}: {reason}" if field != "__all__" else reason
        for field, reason in details.items()
    )
    return LiaisonError(message, details=details)
