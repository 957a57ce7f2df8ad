"""Check digits of the identifiers an HCP carries (pure code, no ORM).

* NPI: ten digits, the last a Luhn check digit computed over the NPI with the
  card-issuer prefix 80840 in front (CMS, "Requirements for NPI check digit").
* ORCID: sixteen characters in four groups, the last an ISO 7064 MOD 11-2
  check character (0-9 or X).
"""

from __future__ import annotations

import re

from liaison.core.errors import LiaisonError

_ORCID_URL = re.compile(r"^(?:https?://)?(?:www\.)?orcid\.org/", re.IGNORECASE)
_ORCID_SHAPE = re.compile(r"^\d{4}-?\d{4}-?\d{4}-?\d{3}[\dX]$")


def luhn_check_digit(payload: str) -> int:
    """The Luhn digit that, appended to ``payload``, makes a valid number."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:  # doubled positions, counted from the right of the payload
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid_npi(value: str) -> bool:
    return (
        len(value) == 10
        and value.isascii()
        and value.isdigit()
        and value[0] in "12"
        and luhn_check_digit("80840" + value[:9]) == int(value[9])
    )


def normalize_npi(raw: str, *, field: str = "npi") -> str:
    """The NPI as ten digits, or a :class:`LiaisonError` naming the rule broken."""
    value = raw.strip()
    if not (len(value) == 10 and value.isascii() and value.isdigit()):
        raise _refused(field, f"{raw!r} is not 10 digits")
    if value[0] not in "12":
        raise _refused(field, f"{raw!r} must start with 1 or 2")
    if not is_valid_npi(value):
        raise _refused(field, f"{raw!r} fails the NPI check digit")
    return value


def _refused(field: str, reason: str) -> LiaisonError:
    # The message names the field for a log or a command line; the detail is the
    # reason alone, for a form that shows it beside the field.
    return LiaisonError(f"{field}: {reason}", field=field, details={field: reason})


def orcid_check_character(base_digits: str) -> str:
    """ISO 7064 MOD 11-2 over the first fifteen digits."""
    total = 0
    for char in base_digits:
        total = (total + int(char)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def is_valid_orcid(value: str) -> bool:
    try:
        normalize_orcid(value)
    except LiaisonError:
        return False
    return True


def normalize_orcid(raw: str, *, field: str = "orcid") -> str:
    """The ORCID iD as ``0000-0002-1825-0097``; accepts the URL forms and a lower-case x."""
    value = _ORCID_URL.sub("", raw.strip()).upper()
    if not _ORCID_SHAPE.match(value):
        raise _refused(field, f"{raw!r} is not an ORCID iD (16 characters, 0000-0000-0000-0000)")
    digits = value.replace("-", "")
    if orcid_check_character(digits[:15]) != digits[15]:
        raise _refused(field, f"{raw!r} fails the ORCID check character")
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))
