"""Access rules of the literature app (registered with core.policy).

Publications are public evidence: every medical-affairs role reads them all.
Loading them (files, uploads) and any other change is the administrators'.
"""

from __future__ import annotations

from liaison.core.policy import AnyUser, OwnedRules, ReadAllAdminWrites, is_admin, register
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

for model in (
    Publication,
    Journal,
    Authorship,
    MeshTerm,
    PublicationMesh,
    PublicationTrial,
    PublicationType,
):
    register(model, ReadAllAdminWrites())


def may_load(user: AnyUser) -> bool:
    """Loading PubMed files writes across the whole library: administrators only."""
    return is_admin(user)


class LibraryItemRules(OwnedRules):
    """A user's own library (imported reference files): the owner, and administrators."""

    owner_field = "owner"


register(LibraryItem, LibraryItemRules())
