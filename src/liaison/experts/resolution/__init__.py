"""Identity resolution of author and investigator mentions to people (pure: no ORM).

The resolver takes :class:`Mention` records (from PubMed authorships, their
``InvestigatorList``, or trial officials), blocks them by folded family name,
scores candidate pairs with a trained pairwise model and clusters them, with
anchors (ORCIDs, human decisions) as hard constraints: two mentions with the
same anchor are one person; two different anchors never merge.

:func:`resolve` is the one entry point; the database side
(``liaison.experts.services.resolution``) turns its people into HCP links,
discovered HCPs and the queue's proposals.
"""

from __future__ import annotations

from liaison.experts.resolution.mentions import Mention, NearMiss, Resolution
from liaison.experts.resolution.resolver import explain, resolve

__all__ = ["Mention", "NearMiss", "Resolution", "explain", "resolve"]
