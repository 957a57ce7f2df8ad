"""Validation of imported rows (pure code: no ORM, no writes).

A :class:`Validator` is built from the file's header, the column mapping and
the :class:`Reference` codes known to the database; :meth:`Validator.check_row`
turns one row into parsed values or :class:`Problem` s naming file, row,
column (the file's header and our field), value and reason. It remembers the
identifiers and rows it has seen, so a duplicate inside the file is reported
on its second occurrence.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from liaison.core.errors import LiaisonError
from liaison.directory.identifiers import normalize_npi, normalize_orcid
from liaison.directory.importing.fields import FieldSpec, Kind, fields_for
from liaison.lib.text import fold

CONTACT_CHANNELS = ("email", "phone", "visit", "video")
#: Organization types (code -> label); must equal ``models.OrganizationType`` (a test checks).
ORGANIZATION_TYPES: dict[str, str] = {
    "academic_medical_center": "Academic medical center",
    "hospital": "Hospital",
    "clinic": "Clinic",
    "research_institute": "Research institute",
    "cooperative_group": "Cooperative group",
    "society": "Society",
    "company": "Company",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_FIELDS = frozenset({"consent_date", "affiliation_start", "affiliation_end"})
#: The most characters of a value a problem repeats (an over-long cell is cut, its length said).
SHOWN_VALUE_CHARS = 60
_AFFILIATION_DETAILS = (
    "organization_country",
    "organization_city",
    "organization_type",
    "affiliation_role",
    "affiliation_start",
    "affiliation_end",
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a row (or the header, row 1) cannot be imported."""

    file: str
    row: int
    column: str
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
            if self.field and self.field != self.column:
                where += f" ({self.field})"
        elif self.field:
            where += f", field {self.field}"
        return f"{where}: {self.value!r} {self.reason}" if self.value else f"{where}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Reference:
    """Codes the database knows, looked up without case: therapeutic areas by
    code or name, territories by code (each maps to the stored code)."""

    therapeutic_areas: Mapping[str, str] = field(default_factory=dict)
    territories: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CheckedRow:
    """A row's parsed values (only the mapped fields), or its problems."""

    row: int
    values: dict[str, Any]
    problems: tuple[Problem, ...]

    @property
    def is_valid(self) -> bool:
        return not self.problems


@functools.cache
def _countries() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                names[name.casefold()] = country.alpha_2
        names[country.alpha_2.casefold()] = country.alpha_2
    return names


@functools.cache
def _regions() -> frozenset[str]:
    return frozenset(subdivision.code for subdivision in pycountry.subdivisions)


@functools.cache
def _languages() -> frozenset[str]:
    return frozenset(
        language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2")
    )


def country_code(value: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of ``value`` (a code or an exact English name)."""
    return _countries().get(value.strip().casefold())


def split_multi(cell: str) -> list[str]:
    """The distinct values of a ';'-separated cell, in order."""
    seen: dict[str, None] = {}
    for part in cell.split(";"):
        value = part.strip()
        if value:
            seen.setdefault(value, None)
    return list(seen)


def shown_value(value: str) -> str:
    """``value`` as a problem repeats it: cut to :data:`SHOWN_VALUE_CHARS` characters
    (a 30 MB cell must not make a 30 MB report)."""
    if len(value) <= SHOWN_VALUE_CHARS:
        return value
    return value[: SHOWN_VALUE_CHARS - 1] + "…"


def _reason_of(error: LiaisonError, name: str, raw: str) -> str:
    return error.message.removeprefix(f"{name}: {raw!r} ")


class Validator:
    """Checks the rows of one file. Build one per pass over the file."""

    def __init__(
        self,
        *,
        kind: Kind | str,
        file_name: str,
        header: Sequence[str],
        mapping: Mapping[str, str],
        reference: Reference,
    ) -> None:
        self.kind = Kind(kind)
        self.file_name = file_name
        self.reference = reference
        self.specs = {spec.name: spec for spec in fields_for(self.kind)}
        self.header = list(header)
        self.header_problems: list[Problem] = []
        # field -> (column index, header text)
        self.columns: dict[str, tuple[int, str]] = {}
        self._check_header(mapping)
        self._first_row_with: dict[tuple[str, str], int] = {}
        self._parsers = self._parsers_by_field()

    # -- header --------------------------------------------------------------

    def _problem(self, row: int, name: str, value: str, reason: str) -> Problem:
        column = self.columns.get(name, (0, ""))[1]
        return Problem(self.file_name, row, column, name, shown_value(value), reason)

    def _check_header(self, mapping: Mapping[str, str]) -> None:
        positions: dict[str, list[int]] = {}
        for index, header in enumerate(self.header):
            positions.setdefault(header, []).append(index)
        for header, name in mapping.items():
            if not name:
                continue
            if header not in positions:
                self.header_problems.append(
                    Problem(self.file_name, 1, header, name, "", "the file has no such column")
                )
                continue
            if len(positions[header]) > 1:
                self.header_problems.append(
                    Problem(
                        self.file_name,
                        1,
                        header,
                        name,
                        "",
                        f"the header {header!r} appears {len(positions[header])} times;"
                        " rename the columns so each is unique",
                    )
                )
                continue
            self.columns[name] = (positions[header][0], header)
        for spec in self.specs.values():
            if spec.required and spec.name not in self.columns:
                self.header_problems.append(
                    Problem(
                        self.file_name,
                        1,
                        spec.label,
                        spec.name,
                        "",
                        f"the required column {spec.label!r} ({spec.name}) is missing"
                        " or not mapped",
                    )
                )

    # -- rows ----------------------------------------------------------------

    def check_row(self, row: int, cells: Sequence[str]) -> CheckedRow:
        """Parse and check one row; ``row`` is the number a spreadsheet shows."""
        problems: list[Problem] = []
        values: dict[str, Any] = {}
        for name, (index, _header) in self.columns.items():
            raw = cells[index].strip() if index < len(cells) else ""
            spec = self.specs[name]
            try:
                values[name] = self._parse(spec, raw)
            except _Bad as bad:
                problems.append(self._problem(row, name, raw, bad.reason))
        if not problems:
            problems.extend(self._check_together(row, values))
        duplicate = self._check_duplicate(row, cells, values, valid=not problems)
        if duplicate is not None:
            problems.append(duplicate)
        return CheckedRow(row, values if not problems else {}, tuple(problems))

    def _parse(self, spec: FieldSpec, raw: str) -> Any:
        if spec.multi:
            parts = split_multi(raw)
            if spec.max_length:
                for part in parts:
                    if len(part) > spec.max_length:
                        raise _Bad(
                            f"has a value {shown_value(part)!r} of {len(part):,} characters;"
                            f" at most {spec.max_length:,} fit"
                        )
            return [self._parse_one(spec.name, part) for part in parts]
        if spec.max_length and len(raw) > spec.max_length:
            raise _Bad(f"is {len(raw):,} characters long; at most {spec.max_length:,} fit")
        if not raw:
            if spec.required:
                raise _Bad("is required")
            return None if spec.name in _DATE_FIELDS else ""
        return self._parse_one(spec.name, raw)

    def _parse_one(self, name: str, raw: str) -> Any:
        parser = self._parsers.get(name)
        return parser(raw) if parser is not None else raw

    def _parsers_by_field(self) -> dict[str, Callable[[str], Any]]:
        return {
            "id": _record_id,
            "npi": _npi,
            "orcid": _orcid,
            "country": _country,
            "organization_country": _country,
            "region": _region,
            "consent_date": _date,
            "affiliation_start": _date,
            "affiliation_end": _date,
            "emails": _email,
            "languages": _language,
            "contact_channels": _channel,
            "therapeutic_areas": self._therapeutic_area,
            "territories": self._territory,
            "type": _organization_type,
            "organization_type": _organization_type,
        }

    def _therapeutic_area(self, raw: str) -> str:
        code = self.reference.therapeutic_areas.get(raw.casefold())
        if code is None:
            raise _Bad(f"has {raw!r}, which is not a known therapeutic area code or name")
        return code

    def _territory(self, raw: str) -> str:
        code = self.reference.territories.get(raw.casefold())
        if code is None:
            raise _Bad(f"has {raw!r}, which is not a known territory code")
        return code

    def _check_together(self, row: int, values: Mapping[str, Any]) -> list[Problem]:
        problems: list[Problem] = []
        region = values.get("region")
        country = values.get("country")
        if region and country and not region.startswith(f"{country}-"):
            problems.append(self._problem(row, "region", region, f"is not a region of {country}"))
        if self.kind == Kind.HCPS and not values.get("organization"):
            for name in _AFFILIATION_DETAILS:
                if values.get(name):
                    problems.append(
                        self._problem(
                            row,
                            name,
                            str(values[name]),
                            "is given without an organization name on the row",
                        )
                    )
        start, end = values.get("affiliation_start"), values.get("affiliation_end")
        if start and end and end < start:
            problems.append(
                self._problem(
                    row,
                    "affiliation_end",
                    end.isoformat(),
                    f"is before the affiliation start {start.isoformat()}",
                )
            )
        return problems

    def _remember(self, key: tuple[str, str], row: int) -> int | None:
        first = self._first_row_with.setdefault(key, row)
        return first if first != row else None

    def _check_duplicate(
        self, row: int, cells: Sequence[str], values: Mapping[str, Any], *, valid: bool
    ) -> Problem | None:
        digest = hashlib.blake2b(
            "\x1f".join(cell.strip() for cell in cells).encode("utf-8"), digest_size=16
        ).hexdigest()
        first = self._remember(("row", digest), row)
        if first is not None:
            return Problem(self.file_name, row, "", "", "", f"repeats row {first} exactly")
        if not valid:
            return None
        for name in ("id", "npi", "orcid"):
            if values.get(name):
                first = self._remember((name, str(values[name])), row)
                if first is not None:
                    label = "Liaison ID" if name == "id" else name.upper()
                    return self._problem(
                        row, name, str(values[name]), f"is the same {label} as row {first}"
                    )
        if self.kind == Kind.ORGANIZATIONS:
            key = "|".join(
                (fold(values["name"]), values["country"], fold(values.get("city") or ""))
            )
            first = self._remember(("organization", key), row)
            if first is not None:
                return self._problem(
                    row,
                    "name",
                    values["name"],
                    f"is the same organization (name, country, city) as row {first}",
                )
        elif not values.get("id") and not values.get("npi") and not values.get("orcid"):
            key = "|".join(
                (fold(f"{values['family_name']} {values['given_name']}"), values["country"])
            )
            first = self._remember(("name", key), row)
            if first is not None:
                return self._problem(
                    row,
                    "family_name",
                    values["family_name"],
                    f"names the same person and country as row {first}, and neither row"
                    " has an NPI or ORCID to tell them apart",
                )
        return None


def _record_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or int(raw) == 0:
        raise _Bad("is not a Liaison ID (a whole number, as exported)")
    return int(raw)


def _npi(raw: str) -> str:
    try:
        return normalize_npi(raw)
    except LiaisonError as error:
        raise _Bad(_reason_of(error, "npi", raw)) from None


def _orcid(raw: str) -> str:
    try:
        return normalize_orcid(raw)
    except LiaisonError as error:
        raise _Bad(_reason_of(error, "orcid", raw)) from None


def _country(raw: str) -> str:
    code = country_code(raw)
    if code is None:
        raise _Bad(
            "is not a country: use an ISO 3166-1 alpha-2 code (DE, US) or the English country name"
        )
    return code


def _region(raw: str) -> str:
    code = raw.upper()
    if code not in _regions():
        raise _Bad("is not an ISO 3166-2 subdivision code (e.g. US-CA)")
    return code


def _date(raw: str) -> dt.date:
    try:
        if not _ISO_DATE.match(raw):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise _Bad("is not a date in the expected format YYYY-MM-DD (e.g. 2024-03-31)") from None


def _email(raw: str) -> str:
    try:
        validate_email(raw)
    except ValidationError:
        raise _Bad(f"is not an e-mail address ({raw!r})") from None
    return raw


def _language(raw: str) -> str:
    code = raw.lower()
    if code not in _languages():
        raise _Bad(f"has {raw!r}, which is not an ISO 639-1 language code (en, de)")
    return code


def _channel(raw: str) -> str:
    channel = raw.lower()
    if channel not in CONTACT_CHANNELS:
        raise _Bad(f"has {raw!r}; channels are {', '.join(CONTACT_CHANNELS)}")
    return channel


def _organization_type(raw: str) -> str:
    wanted = raw.casefold()
    for code, label in ORGANIZATION_TYPES.items():
        if wanted in (code, label.casefold()):
            return code
    raise _Bad(f"is not an organization type ({', '.join(ORGANIZATION_TYPES)})")


class _Bad(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
