"""NPI Registry API 2.1 JSON in, frozen records out (pure code: no ORM, no settings, no network).

``parse_nppes(source)`` (:mod:`.reader`) reads one answer of the registry and
returns its :class:`Provider` records (:mod:`.records`); ``providers_from_json``
reads an answer already decoded, and ``answer_from_json`` gives it as an
:class:`Answer` with its stated count and warnings (for
:mod:`liaison.directory.clients.nppes`).
:mod:`.names` spells the registry's credentials and capitals as the directory
writes them (``credentials_of``, ``name_case``).
"""

from .names import credentials_of, name_case
from .reader import answer_from_json, parse_nppes, providers_from_json
from .records import (
    ARMED_FORCES,
    Address,
    Answer,
    AuthorizedOfficial,
    Endpoint,
    Identifier,
    Individual,
    Kind,
    NppesError,
    OrganizationInfo,
    OtherName,
    Provider,
    Taxonomy,
)

__all__ = [
    "ARMED_FORCES",
    "Address",
    "Answer",
    "AuthorizedOfficial",
    "Endpoint",
    "Identifier",
    "Individual",
    "Kind",
    "NppesError",
    "OrganizationInfo",
    "OtherName",
    "Provider",
    "Taxonomy",
    "answer_from_json",
    "credentials_of",
    "name_case",
    "parse_nppes",
    "providers_from_json",
]
