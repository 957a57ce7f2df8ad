"""Django's model validation, told as a domain error.

Services run ``full_clean()`` and raise what it refuses as a
:class:`~liaison.core.errors.LiaisonError`, so forms, the API and the command
line show the same per-field reasons.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from liaison.core.errors import LiaisonError


def validation_error(error: ValidationError) -> LiaisonError:
    """One :class:`LiaisonError` carrying every field's reason.

    ``details`` maps each field (``"__all__"`` for the record as a whole) to
    its reasons joined by ``"; "``; the message names them all, e.g.
    ``"npi: '12345' is not 10 digits; country: this field cannot be blank"``.
    """
    if hasattr(error, "error_dict"):
        details = {
            field: "; ".join(str(message) for item in errors for message in item.messages)
            for field, errors in error.error_dict.items()
        }
    else:
        details = {"__all__": "; ".join(error.messages)}
    message = "; ".join(
        f"{field}: {reason}" if field != "__all__" else reason for field, reason in details.items()
    )
    return LiaisonError(message, details=details)
