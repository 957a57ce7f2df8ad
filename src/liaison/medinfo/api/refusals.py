"""Refusals of the medical information API: every refusal of a request's values is a
422 naming the body's own fields (``requester_hcp_id``, ``unsolicited_words``,
``references.0.pmid``), with the reason alone beside each; not allowed (403), not
found (404) and conflicts (409, such as an inquiry already closed) keep their status.

The renaming and the 422 are the house's (:mod:`liaison.core.api_refusals`). Two
rules of its documented error shape are asked of it here: beside each field its
reason alone (the services say ``"reason: say why"``), and a refusal that names no
field still names the body (``payload``).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager

from liaison.core import api_refusals

#: The services' field names as every body names them; a refusal of the whole
#: record (``__all__``) names the body.
COMMON_NAMES = {
    "interaction": "interaction_id",
    "requester_hcp": "requester_hcp_id",
    "product": "product_id",
    "products": "product_ids",
    "version": "version_id",
    api_refusals.WHOLE: "payload",
}


def body_refusals(names: Mapping[str, str] | None = None) -> AbstractContextManager[None]:
    """Within it, a refusal of a value (a plain :class:`LiaisonError`, 400) becomes a
    422 naming the request's fields (``names`` adds to :data:`COMMON_NAMES`)."""
    return api_refusals.body_refusals(
        {**COMMON_NAMES, **(names or {})}, reasons_alone=True, whole_body=True
    )
