"""Literature's records in the policy's world (``tests/test_policy_agreement.py``):
a loaded PubMed file (publications with journals, authors, MeSH terms, types and
trial links) and the libraries of two users."""

from __future__ import annotations

from liaison.core.tests.authorization import World
from liaison.literature.models import LibraryItem, Publication
from liaison.literature.tests.factories import article, load, write


def build(world: World) -> None:
    path = write(
        world.media_root / "policy-world.xml",
        article(
            9300001,
            title="Oncovirumab in melanoma",
            mesh=(("D008545", "Melanoma", True),),
            trials=("NCT09300001",),
        ),
        article(9300002, title="A review", types=("Review",)),
    )
    load(world.users["admin"], path)
    first, second = Publication.objects.order_by("pmid")[:2]
    for owner, publication in (("msl", first), ("other_msl", second), ("msl", None)):
        LibraryItem.objects.create(
            owner=world.users[owner],
            publication=publication,
            fingerprint=f"pmid:{publication.pmid}" if publication else "title:unmatched",
        )
