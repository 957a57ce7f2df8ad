"""Refusals of the engagement API: every refusal of a request's values is a 422.

The four routers (interactions, insights, meetings, follow-ups) answer a body the
schema, a look-up or a service's rule refused with 422 naming the body's own
fields (``hcp_ids``, ``ends_at``, ``insights.0.category``), never a 400; not
allowed (403), not found (404) and conflicts (409) keep their status.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from liaison.core.errors import LiaisonError


class Unprocessable(LiaisonError):
    """The body breaks a rule: a 422 naming its fields."""

    status_code = 422


def body_name(field: str, names: Mapping[str, str]) -> str:
    """A service's field name as the body names it, part by part
    (``insights.0.strategic_questions`` -> ``insights.0.strategic_question_ids``)."""
    return ".".join(names.get(part, part) for part in field.split("."))


def unprocessable(error: LiaisonError, names: Mapping[str, str]) -> LiaisonError:
    """``error`` as a 422 with the body's names for its fields, when it is a refusal
    of values (a plain :class:`LiaisonError`); any other error as it was."""
    if type(error) is not LiaisonError:
        return error
    details = {body_name(key, names): reason for key, reason in error.details.items()}
    message = error.message
    for key in error.details:
        renamed = body_name(key, names)
        if renamed != key:
            message = message.replace(f"{key}: ", f"{renamed}: ", 1)
    field = body_name(error.field, names) if error.field else None
    return Unprocessable(message, field=field, details=details)


@contextmanager
def body_refusals(names: Mapping[str, str] | None = None) -> Iterator[None]:
    """Within it, a refusal of the body's values becomes a 422 naming the body's fields."""
    try:
        yield
    except LiaisonError as error:
        refused = unprocessable(error, names or {})
        if refused is error:
            raise
        raise refused from None
