"""Literature's access rules: every member reads the library, administrators load
it, and a user's imported references are their own."""

from __future__ import annotations

import pytest

from liaison.core import policy
from liaison.core.models import User
from liaison.literature.models import Journal, LibraryItem, Publication


@pytest.fixture
def publication(db: None) -> Publication:
    return Publication.objects.create(pmid=9100001, title="A trial of oncovirumab")


def test_only_administrators_load_publications(
    admin_user: User, msl: User, compliance: User, outsider: User
) -> None:
    assert policy.can(admin_user, "load", Publication)
    assert not policy.can(msl, "load", Publication)
    assert not policy.can(compliance, "load", Publication)
    assert not policy.can(outsider, "load", Publication)


def test_load_is_asked_of_the_publication_model_only(admin_user: User) -> None:
    with pytest.raises(ValueError):
        policy.can(admin_user, "load", Journal)


def test_every_member_reads_every_publication(pv: User, publication: Publication) -> None:
    assert policy.can(pv, "view", publication)


def test_an_outsider_reads_no_publication(outsider: User, publication: Publication) -> None:
    assert not policy.scope(outsider, "view", Publication).exists()


def test_members_do_not_change_publications(msl: User, publication: Publication) -> None:
    assert not policy.can(msl, "change", publication)


def test_a_library_item_is_its_owners_alone(
    msl: User, other_msl: User, field_manager: User, publication: Publication
) -> None:
    item = LibraryItem.objects.create(owner=msl, publication=publication, fingerprint="pmid:1")
    assert policy.can(msl, "view", item)
    assert not policy.can(other_msl, "view", item)
    # Not even the owner's manager: a library is personal.
    assert not policy.can(field_manager, "view", item)


def test_administrators_see_every_library(admin_user: User, msl: User) -> None:
    item = LibraryItem.objects.create(owner=msl, fingerprint="title:x")
    assert policy.can(admin_user, "view", item)


def test_every_member_may_import_references_into_their_library(
    medinfo: User, outsider: User
) -> None:
    assert policy.can(medinfo, "add", LibraryItem)
    assert not policy.can(outsider, "add", LibraryItem)
