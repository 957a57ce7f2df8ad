"""Access rules of the literature app (registered with core.policy).

Publications are public evidence: every medical-affairs role reads them all.
Loading them (``load``, asked of the model: PubMed files, uploads, fetches) and
any other change is the administrators'. A library of imported reference files
belongs to its owner.
"""

from __future__ import annotations

from liaison.core.policy import AdminLoads, OwnedRules, ReadAllAdminWrites, register
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

# A load writes publications with everything they carry, so ``load`` is asked
# of the publication model alone.
register(Publication, AdminLoads())
for model in (
    Journal,
    Authorship,
    MeshTerm,
    PublicationMesh,
    PublicationTrial,
    PublicationType,
):
    register(model, ReadAllAdminWrites())


class LibraryItemRules(OwnedRules):
    """A user's own library (imported reference files): the owner, and administrators."""

    owner_field = "owner"


register(LibraryItem, LibraryItemRules())
