"""The fields an import fills, and the default mapping from a file's headers to them.

Pure code: no ORM. The maximum lengths repeat the model's ``max_length``
(a test compares them), so validation can name an over-long value before
anything touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from liaison.core.errors import LiaisonError


class Kind(StrEnum):
    """What a file holds: one HCP or one organization per row."""

    HCPS = "hcps"
    ORGANIZATIONS = "organizations"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field an import can fill.

    ``multi`` fields hold several values separated by ';' in one cell;
    ``max_length`` applies to the cell (or to each value of a multi field).
    ``synonyms`` are header names (compared without case, spaces, '_' and '-')
    that map to this field by default; the label and the name always do.
    """

    name: str
    label: str
    required: bool = False
    max_length: int | None = None
    multi: bool = False
    synonyms: tuple[str, ...] = ()


HCP_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "id",
        "Liaison ID",
        max_length=20,
        synonyms=("id", "liaison id", "record id", "hcp id"),
    ),
    FieldSpec(
        "given_name",
        "Given name",
        required=True,
        max_length=120,
        synonyms=("first name", "firstname", "first", "forename", "given"),
    ),
    FieldSpec(
        "family_name",
        "Family name",
        required=True,
        max_length=120,
        synonyms=("last name", "lastname", "last", "surname", "family"),
    ),
    FieldSpec("suffix", "Suffix", max_length=20, synonyms=("name suffix",)),
    FieldSpec(
        "credentials",
        "Credentials",
        max_length=20,
        multi=True,
        synonyms=("credential", "degrees", "degree", "titles"),
    ),
    FieldSpec(
        "specialties",
        "Specialties",
        max_length=120,
        multi=True,
        synonyms=("specialty", "speciality", "specialities"),
    ),
    FieldSpec("npi", "NPI", max_length=10, synonyms=("npi number", "national provider identifier")),
    FieldSpec("orcid", "ORCID", max_length=60, synonyms=("orcid id", "orcid id")),
    FieldSpec(
        "emails",
        "Emails",
        max_length=254,
        multi=True,
        synonyms=("email", "e-mail", "e-mails", "email address", "email addresses", "mail"),
    ),
    FieldSpec("country", "Country", required=True, max_length=60, synonyms=("country code",)),
    FieldSpec("region", "Region", max_length=10, synonyms=("state", "province", "subdivision")),
    FieldSpec("city", "City", max_length=120, synonyms=("town",)),
    FieldSpec(
        "languages",
        "Languages",
        max_length=2,
        multi=True,
        synonyms=("language", "spoken languages"),
    ),
    FieldSpec(
        "therapeutic_areas",
        "Therapeutic areas",
        max_length=120,
        multi=True,
        synonyms=("therapeutic area", "ta", "tas", "areas"),
    ),
    FieldSpec("territories", "Territories", max_length=40, multi=True, synonyms=("territory",)),
    FieldSpec(
        "contact_channels",
        "Contact channels",
        max_length=10,
        multi=True,
        synonyms=("channels", "contact channel", "consented channels"),
    ),
    FieldSpec("consent_date", "Consent date", synonyms=("consent on", "consented on")),
    FieldSpec("consent_source", "Consent source", max_length=200),
    FieldSpec(
        "organization",
        "Organization",
        max_length=300,
        synonyms=(
            "organisation",
            "institution",
            "affiliation",
            "organization name",
            "organisation name",
            "hospital",
            "employer",
        ),
    ),
    FieldSpec(
        "organization_country",
        "Organization country",
        max_length=60,
        synonyms=("organisation country", "institution country"),
    ),
    FieldSpec(
        "organization_city",
        "Organization city",
        max_length=120,
        synonyms=("organisation city", "institution city"),
    ),
    FieldSpec(
        "organization_type",
        "Organization type",
        max_length=60,
        synonyms=("organisation type", "institution type"),
    ),
    FieldSpec(
        "affiliation_role",
        "Role",
        max_length=200,
        synonyms=("affiliation role", "position", "job title"),
    ),
    FieldSpec(
        "affiliation_start",
        "Affiliation start",
        synonyms=("start", "start date", "from", "since"),
    ),
    FieldSpec(
        "affiliation_end",
        "Affiliation end",
        synonyms=("end", "end date", "to", "until"),
    ),
)

ORGANIZATION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "name",
        "Name",
        required=True,
        max_length=300,
        synonyms=(
            "organization",
            "organisation",
            "organization name",
            "organisation name",
            "institution",
        ),
    ),
    FieldSpec("type", "Type", max_length=60, synonyms=("organization type", "organisation type")),
    FieldSpec("address", "Address", max_length=300, synonyms=("street", "street address")),
    FieldSpec("city", "City", max_length=120, synonyms=("town",)),
    FieldSpec("region", "Region", max_length=10, synonyms=("state", "province", "subdivision")),
    FieldSpec(
        "postal_code",
        "Postal code",
        max_length=20,
        synonyms=("zip", "zip code", "postcode", "post code"),
    ),
    FieldSpec("country", "Country", required=True, max_length=60, synonyms=("country code",)),
    FieldSpec("territories", "Territories", max_length=40, multi=True, synonyms=("territory",)),
)

#: Field names that identify an HCP; an empty cell never clears them.
IDENTIFIER_FIELDS = ("npi", "orcid")


def fields_for(kind: Kind | str) -> tuple[FieldSpec, ...]:
    return HCP_FIELDS if Kind(kind) == Kind.HCPS else ORGANIZATION_FIELDS


def field_names(kind: Kind | str) -> list[str]:
    return [spec.name for spec in fields_for(kind)]


_NOT_KEY = re.compile(r"[\s_\-./]+")


def header_key(header: str) -> str:
    """A header compared without case, spaces, '_', '-', '.' or '/': "E-Mail" is "email"."""
    return _NOT_KEY.sub("", header.strip().lower())


def default_mapping(kind: Kind | str, headers: Sequence[str]) -> dict[str, str]:
    """``{header: field}`` for every header that names a field (by name, label or
    synonym). Headers that name nothing are left out; a field is given to the
    first header that names it."""
    by_key: dict[str, str] = {}
    for spec in fields_for(kind):
        for alias in (spec.name, spec.label, *spec.synonyms):
            by_key.setdefault(header_key(alias), spec.name)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        name = by_key.get(header_key(header))
        if name and name not in taken and header not in mapping:
            mapping[header] = name
            taken.add(name)
    return mapping


def parse_mapping_options(options: Sequence[str]) -> dict[str, str]:
    """``["File Column=field", ...]`` (the CLI's ``--map``) as ``{header: field}``."""
    mapping: dict[str, str] = {}
    for option in options:
        header, sep, name = option.rpartition("=")
        if not sep or not header.strip():
            raise LiaisonError(f'--map {option!r}: write it as "File Column=field"', field="map")
        mapping[header.strip()] = name.strip()
    return mapping


def check_mapping(kind: Kind | str, mapping: Mapping[str, str]) -> None:
    """Reject a mapping to an unknown field, or two columns mapped to one field."""
    known = set(field_names(kind))
    seen: dict[str, str] = {}
    for header, name in mapping.items():
        if not name:
            continue
        if name not in known:
            raise LiaisonError(
                f"column {header!r} is mapped to {name!r}, which is not a field of {kind}"
                f" (fields: {', '.join(field_names(kind))})",
                field="mapping",
            )
        if name in seen:
            raise LiaisonError(
                f"columns {seen[name]!r} and {header!r} are both mapped to {name!r}",
                field="mapping",
            )
        seen[name] = header
