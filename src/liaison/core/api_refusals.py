"""Refusals of a request's values in the API: a 422 naming the body's own fields.

A service names its fields as its data does (``hcps``, ``keep``,
``insights.0.strategic_questions``); a request body names them as its schema
does (``hcp_ids``, ``keep_id``, ``insights.0.strategic_question_ids``). Within
:func:`body_refusals`, a refusal of a value (a plain :class:`LiaisonError`, 400)
becomes an :class:`Unprocessable` (422) under the body's names; not allowed
(403), not found (404) and conflicts (409) keep their status. Each app keeps
only its table of names, and says which of the documented shapes its answers
take (the keyword options of :func:`unprocessable`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from liaison.core.errors import LiaisonError

#: The key of a refusal of the record as a whole (Django's ``NON_FIELD_ERRORS``).
WHOLE = "__all__"


class Unprocessable(LiaisonError):
    """The body breaks a rule: a 422 naming its fields."""

    status_code = 422


def body_name(field: str, names: Mapping[str, str]) -> str:
    """A service's field name as the body names it, part by part
    (``insights.0.strategic_questions`` -> ``insights.0.strategic_question_ids``)."""
    return ".".join(names.get(part, part) for part in field.split("."))


def value_refusal(error: LiaisonError) -> bool:
    """Whether ``error`` refuses a value: a plain :class:`LiaisonError`, not one that
    says more by its class (not allowed, not found, a conflict, a file's error)."""
    return type(error) is LiaisonError


def unprocessable(
    error: LiaisonError,
    names: Mapping[str, str] | None = None,
    *,
    reasons_alone: bool = False,
    whole_body: bool = False,
    field_first: bool = False,
) -> Unprocessable:
    """``error`` as a 422 with the body's names (``names``: a service's field to the
    body's) for its fields, in ``details``, ``field`` and the message.

    ``reasons_alone``: beside each field its reason alone (``{"reason": "say why"}``,
    not ``"reason: say why"``). ``whole_body``: a refusal naming no field names the
    record as a whole (``__all__``, which ``names`` may rename). ``field_first``: a
    message that is one field's reason alone is led by the field's name
    (``"keep_id: no HCP with id 7"``).
    """
    names = names or {}
    reasons = {
        key: _alone(reason, key, names) if reasons_alone else reason
        for key, reason in error.details.items()
    }
    if whole_body and not reasons:
        reasons[WHOLE] = error.message
    message = error.message
    for key in reasons:
        renamed = body_name(key, names)
        if renamed != key:
            message = message.replace(f"{key}: ", f"{renamed}: ", 1)
    details = {body_name(key, names): reason for key, reason in reasons.items()}
    field = body_name(error.field, names) if error.field else None
    if field_first and field and not message.startswith(f"{field}: ") and list(details) == [field]:
        message = f"{field}: {message}"
    return Unprocessable(message, field=field, details=details)


def _alone(reason: str, key: str, names: Mapping[str, str]) -> str:
    """``reason`` without the field's name the service put before it."""
    for prefix in (f"{key}: ", f"{body_name(key, names)}: "):
        reason = reason.removeprefix(prefix)
    return reason


@contextmanager
def body_refusals(
    names: Mapping[str, str] | None = None,
    *,
    refused: Callable[[LiaisonError], bool] = value_refusal,
    reasons_alone: bool = False,
    whole_body: bool = False,
    field_first: bool = False,
) -> Iterator[None]:
    """Within it, an error ``refused`` tells apart (by default a refusal of a value)
    becomes a 422 naming the body's fields (see :func:`unprocessable`); any other
    error passes as it was."""
    try:
        yield
    except LiaisonError as error:
        if not refused(error):
            raise
        raise unprocessable(
            error,
            names,
            reasons_alone=reasons_alone,
            whole_body=whole_body,
            field_first=field_first,
        ) from None
