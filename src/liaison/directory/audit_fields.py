"""How the audit trail records the directory (see :func:`liaison.core.audit.register_fields`).

Everything that describes an HCP as a person (names, identifiers, contact
details, where they live, their consent) is personal and may be erased; what
the team did with the record (specialties, areas, territories, origin) stays.
``search_name`` is derived from the names and never recorded.
"""

from __future__ import annotations

from liaison.core.audit import register_fields
from liaison.directory.models import (
    HCP,
    Affiliation,
    Indication,
    Organization,
    Product,
    Specialty,
    TherapeuticArea,
)

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
