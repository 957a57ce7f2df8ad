"""Refusals of the medical information API: every refusal of a request's values is a
422 naming the body's own fields (``requester_hcp_id``, ``unsolicited_words``,
``references.0.pmid``), with the reason alone beside each; not allowed (403), not
found (404) and conflicts (409, such as an inquiry already closed) keep their status.

The renaming and the 422 are engagement's (:mod:`liaison.engagement.api.refusals`,
a lower layer). Two rules are medinfo's own, because its documented error shape
has them: beside each field its reason alone (the services say
``"reason: say why"``), and a refusal that names no field still names the body
(``payload``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from liaison.core.errors import LiaisonError
from liaison.engagement.api.refusals import body_name, unprocessable

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


def plain_reasons(error: LiaisonError, names: Mapping[str, str]) -> LiaisonError:
    """``error`` with the reason alone beside each field (``{"reason": "say why"}``,
    not ``"reason: say why"``), and the body named when no field is."""
    details: dict[str, str] = {}
    for key, reason in error.details.items():
        for prefix in (f"{key}: ", f"{body_name(key, names)}: "):
            reason = reason.removeprefix(prefix)
        details[key] = reason
    if not details:
        details["__all__"] = error.message
    return LiaisonError(error.message, field=error.field, details=details)


@contextmanager
def body_refusals(names: Mapping[str, str] | None = None) -> Iterator[None]:
    """Within it, a refusal of a value (a plain :class:`LiaisonError`, 400) becomes a
    422 naming the request's fields (``names`` adds to :data:`COMMON_NAMES`)."""
    try:
        yield
    except LiaisonError as error:
        if type(error) is not LiaisonError:
            raise
        every = {**COMMON_NAMES, **(names or {})}
        raise unprocessable(plain_reasons(error, every), every) from None
