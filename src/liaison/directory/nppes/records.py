"""The frozen records of NPI Registry API 2.1 answers, and the error of a bad answer.

:class:`Provider` is one result: an ``NPI-1`` individual (:class:`Individual`)
or an ``NPI-2`` organization (:class:`OrganizationInfo`), with its taxonomies,
addresses, further practice locations, other names, identifiers and endpoints.
Missing values are None. :mod:`liaison.directory.nppes.reader` builds them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from liaison.core.errors import LiaisonError

Kind = Literal["individual", "organization"]

#: The "states" of US military mail (APO, FPO, DPO): they say which post office
#: forwards the mail, not where the addressee is.
ARMED_FORCES = {
    "AA": "US armed forces, the Americas",
    "AE": "US armed forces, Europe, the Middle East, Africa and Canada",
    "AP": "US armed forces, the Pacific",
}


class NppesError(LiaisonError):
    """The NPI Registry answered with errors, or with JSON that is not an answer."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "NPI Registry",
        position: str | None = None,
        npi: str | None = None,
        path: str | None = None,
    ) -> None:
        where = ", ".join(part for part in (source, position, npi and f"NPI {npi}") if part)
        text = f"{where}: {path}: {message}" if path else f"{where}: {message}"
        super().__init__(text)
        self.source = source
        self.position = position
        self.npi = npi
        self.path = path


@dataclass(frozen=True, slots=True)
class Taxonomy:
    code: str
    description: str | None
    primary: bool
    state: str | None
    license: str | None
    group: str | None


@dataclass(frozen=True, slots=True)
class Address:
    """An address of the provider. ``purpose`` is ``LOCATION`` (practice),
    ``MAILING``, or ``PRACTICE`` for the further practice locations."""

    purpose: str
    address_type: str | None  # DOM (domestic) or FGN (foreign)
    line1: str | None
    line2: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country_code: str | None
    country_name: str | None
    telephone: str | None
    fax: str | None

    @property
    def armed_forces(self) -> str | None:
        """``AA``, ``AE`` or ``AP`` for a US military mail address (APO, FPO, DPO):
        its country code (as the registry may give it) or, in a US address, its state."""
        country = (self.country_code or "").upper()
        if country in ARMED_FORCES:
            return country
        state = (self.state or "").upper()
        if country in ("", "US") and state in ARMED_FORCES:
            return state
        return None

    @property
    def one_line(self) -> str:
        place = " ".join(part for part in (self.state, _zip(self.postal_code)) if part)
        parts = (self.line1, self.line2, self.city, place)
        return ", ".join(part for part in parts if part)


@dataclass(frozen=True, slots=True)
class OtherName:
    type: str | None
    code: str | None
    first_name: str | None
    last_name: str | None
    middle_name: str | None
    prefix: str | None
    suffix: str | None
    credential: str | None
    organization_name: str | None


@dataclass(frozen=True, slots=True)
class Identifier:
    identifier: str
    code: str | None
    description: str | None
    state: str | None
    issuer: str | None


@dataclass(frozen=True, slots=True)
class Endpoint:
    endpoint: str
    endpoint_type: str | None
    endpoint_type_description: str | None
    use: str | None
    use_description: str | None
    content_type: str | None
    content_type_description: str | None
    affiliation: str | None
    city: str | None
    state: str | None
    country_code: str | None


@dataclass(frozen=True, slots=True)
class Individual:
    """``basic`` of an NPI-1 record."""

    first_name: str | None
    last_name: str | None
    middle_name: str | None
    prefix: str | None
    suffix: str | None
    credential: str | None
    gender: str | None  # M, F (``gender``, or ``sex`` in newer answers)
    sole_proprietor: bool | None


@dataclass(frozen=True, slots=True)
class AuthorizedOfficial:
    first_name: str | None
    last_name: str | None
    middle_name: str | None
    prefix: str | None
    suffix: str | None
    credential: str | None
    title: str | None
    telephone: str | None


@dataclass(frozen=True, slots=True)
class OrganizationInfo:
    """``basic`` of an NPI-2 record."""

    name: str | None
    subpart: bool | None
    authorized_official: AuthorizedOfficial | None


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer of the registry: its providers, the ``result_count`` it states, and
    warnings about the answer itself (a count that differs from the results sent)."""

    providers: tuple[Provider, ...]
    result_count: int | None
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Provider:
    npi: str
    kind: Kind
    status: str | None  # A: active
    enumeration_date: dt.date | None
    last_updated: dt.date | None
    individual: Individual | None
    organization: OrganizationInfo | None
    taxonomies: tuple[Taxonomy, ...]
    addresses: tuple[Address, ...]
    practice_locations: tuple[Address, ...]
    other_names: tuple[OtherName, ...]
    identifiers: tuple[Identifier, ...]
    endpoints: tuple[Endpoint, ...]

    @property
    def display_name(self) -> str:
        if self.individual is not None:
            person = self.individual
            names = (person.prefix, person.first_name, person.middle_name, person.last_name)
            name = " ".join(part for part in names if part)
            if person.suffix:
                name = f"{name} {person.suffix}"
            return f"{name}, {person.credential}" if person.credential else name
        return (self.organization.name if self.organization else None) or self.npi

    @property
    def primary_taxonomy(self) -> Taxonomy | None:
        """The taxonomy marked primary (the first one when none is)."""
        for taxonomy in self.taxonomies:
            if taxonomy.primary:
                return taxonomy
        return self.taxonomies[0] if self.taxonomies else None

    @property
    def practice_address(self) -> Address | None:
        """The primary practice location (``address_purpose`` LOCATION)."""
        for address in self.addresses:
            if address.purpose == "LOCATION":
                return address
        return None

    @property
    def mailing_address(self) -> Address | None:
        for address in self.addresses:
            if address.purpose == "MAILING":
                return address
        return None


def _zip(postal_code: str | None) -> str | None:
    if postal_code and len(postal_code) == 9 and postal_code.isdigit():
        return f"{postal_code[:5]}-{postal_code[5:]}"
    return postal_code
