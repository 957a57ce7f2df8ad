"""How the audit trail records the literature (see :func:`liaison.core.audit.register_fields`).

Derived columns (the search name, the folded abstract, the content hash, a
library item's de-duplication fingerprint) are never recorded. An author is a
person: names, ORCID and affiliations are personal.
"""

from __future__ import annotations

from liaison.core.audit import register_fields
from liaison.literature.models import (
    Authorship,
    Journal,
    LibraryItem,
    MeshTerm,
    Publication,
    PublicationMesh,
    PublicationTrial,
    PublicationType,
)

register_fields(Publication, never=("content_hash", "abstract_text"))
register_fields(
    Authorship,
    never=("search_name",),
    personal=("family", "given", "initials", "suffix", "orcid", "affiliations"),
)
register_fields(LibraryItem, never=("fingerprint",))
register_fields(Journal)
register_fields(PublicationType)
register_fields(MeshTerm)
register_fields(PublicationMesh)
register_fields(PublicationTrial)
