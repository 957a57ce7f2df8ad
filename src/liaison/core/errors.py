"""Domain errors. Each carries the place (file, row, field) and the reason."""

from __future__ import annotations


class LiaisonError(Exception):
    """Base of every error a user can cause and read about.

    ``field`` names the input field (or column) when there is one; ``details``
    maps further fields to their reasons, for forms and the API.
    """

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        details: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = dict(details or {})
        if field and field not in self.details:
            self.details[field] = message


class PermissionDenied(LiaisonError):
    """The actor may see the record but not do this to it."""

    status_code = 403


class NotFound(LiaisonError):
    """The record does not exist, or the actor may not see it."""

    status_code = 404


class Conflict(LiaisonError):
    """The change would break a uniqueness rule or another record."""

    status_code = 409


class TooManyAttempts(LiaisonError):
    """Refused before trying: the actor failed too often (wrong signature passwords);
    the message says until when."""

    status_code = 429
