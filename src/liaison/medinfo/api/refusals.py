"""Refusals of the medical information API: every refusal of a request's values is a
422 naming the body's own fields (``requester_hcp_id``, ``unsolicited_words``,
``references.0.pmid``), with the reason alone beside each; not allowed (403), not
found (404) and conflicts (409, such as an inquiry already closed) keep their status.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from liaison.core.errors import LiaisonError

#: The services' field names as every body names them; a refusal of the whole
#: record (``__all__``) names the body.
COMMON_NAMES = {
    "interaction": "interaction_id",
    "requester_hcp": "requester_hcp_id",
    "product": "product_id",
    "products": "product_ids",
    "version": "version_id",
    "__all__": "payload",
}


class Unprocessable(LiaisonError):
    """A value of the request breaks a rule: a 422 naming its field."""

    status_code = 422


def _named(field: str, names: Mapping[str, str]) -> str:
    head, dot, rest = field.partition(".")
    return names.get(head, head) + dot + rest


def unprocessable(error: LiaisonError, names: Mapping[str, str]) -> Unprocessable:
    """``error`` with the request's names for its fields and the reason alone beside
    each (``"reason: say why"`` becomes ``{"reason": "say why"}``)."""
    details: dict[str, str] = {}
    for key, reason in error.details.items():
        named = _named(key, names)
        for prefix in (f"{key}: ", f"{named}: "):
            reason = reason.removeprefix(prefix)
        details[named] = reason
    message = error.message
    field = _named(error.field, names) if error.field else None
    if error.field and field != error.field and message.startswith(f"{error.field}: "):
        message = f"{field}: {message.removeprefix(f'{error.field}: ')}"
    if not details:
        details["payload"] = message
    return Unprocessable(message, field=field, details=details)


@contextmanager
def body_refusals(names: Mapping[str, str] | None = None) -> Iterator[None]:
    """Within it, a refusal of a value (a plain :class:`LiaisonError`, 400) becomes a
    422 naming the request's fields (``names`` adds to :data:`COMMON_NAMES`)."""
    try:
        yield
    except LiaisonError as error:
        if type(error) is not LiaisonError:
            raise
        raise unprocessable(error, {**COMMON_NAMES, **(names or {})}) from None
