"""How the audit trail records the directory (see :func:`liaison.core.audit.register_fields`).

Everything that describes an HCP as a person (names, identifiers, contact
details, where they live, their consent) is personal and may be erased; what
the team did with the record (specialties, areas, territories, origin) stays.
``search_name`` is derived from the names and never recorded.
"""

from __future__ import annotations

from liaison.core.audit import register_fields
from liaison.core.audit_display import register_value_labels
from liaison.directory.models import (
    HCP,
    Affiliation,
    ContactChannel,
    Indication,
    Organization,
    Product,
    Specialty,
    TherapeuticArea,
)
from liaison.lib import countries, languages

register_fields(
    HCP,
    never=("search_name",),
    personal=(
        "given_name",
        "family_name",
        "suffix",
        "credentials",
        "npi",
        "orcid",
        "emails",
        "region",
        "city",
        "languages",
        "contact_channels",
        "consent_date",
        "consent_source",
    ),
)
register_fields(Organization, never=("search_name",))
# An affiliation's role is the person's job title; its label names them too.
register_fields(Affiliation, personal=("role",))
register_fields(TherapeuticArea)
register_fields(Specialty)
register_fields(Product)
register_fields(Indication)

# Codes a person reads by name in the history: "Germany", "Florida", "German", "E-mail".
_channels = dict(ContactChannel.choices)
register_value_labels(
    HCP,
    country=countries.name,
    region=countries.region_name,
    languages=languages.name,
    contact_channels=lambda code: str(_channels.get(code, code)),
)
register_value_labels(Organization, country=countries.name, region=countries.region_name)
register_value_labels(Indication, country=countries.name)
