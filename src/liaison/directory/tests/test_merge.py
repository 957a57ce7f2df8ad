"""Merging two HCP records: every record pointing at the duplicate moves, collisions
drop the duplicate's row, identifiers are copied, the trail records it."""

from __future__ import annotations

import pytest

from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, User
from liaison.directory.models import HCP
from liaison.directory.services.merge import merge_hcp_records, merge_hcps
from liaison.directory.tests import factories
from liaison.engagement.models import Interaction
from liaison.engagement.tests import factories as engagement
from liaison.literature.models import Authorship, Publication

pytestmark = pytest.mark.django_db


def two_oebergs() -> tuple[HCP, HCP]:
    keep = factories.hcp("Öberg", given_name="Björn", country="SE", city="Lund")
    duplicate = factories.hcp(
        "Oberg",
        given_name="Bjorn",
        country="SE",
        city="Lund",
        orcid="0000-0002-1825-0097",
        emails=["b.oberg@med.lu.se"],
    )
    return keep, duplicate


def test_merge_repoints_interactions_and_authorships(admin_user: User, msl: User) -> None:
    keep, duplicate = two_oebergs()
    interaction = engagement.interaction(msl, hcps=[duplicate])
    publication = Publication.objects.create(pmid=123, title="Paper")
    authorship = Authorship.objects.create(
        publication=publication, position=1, family="Oberg", given="B", hcp=duplicate
    )
    report = merge_hcps(actor=admin_user, keep=keep, duplicate=duplicate, reason="same person")
    assert not HCP.objects.filter(pk=duplicate.pk).exists()
    assert list(interaction.hcps.values_list("pk", flat=True)) == [keep.pk]
    authorship.refresh_from_db()
    assert authorship.hcp_id == keep.pk
    assert report.moved
    # The interaction's own history shows its HCP changed.
    assert AuditEvent.objects.filter(
        record_type="engagement.interaction", record_id=str(interaction.pk), reason="same person"
    ).exists()


def test_merge_drops_the_duplicates_colliding_row(admin_user: User, msl: User) -> None:
    keep, duplicate = two_oebergs()
    both = engagement.interaction(msl, hcps=[keep, duplicate])
    merge_hcps(actor=admin_user, keep=keep, duplicate=duplicate, reason="same")
    assert list(Interaction.objects.get(pk=both.pk).hcps.values_list("pk", flat=True)) == [keep.pk]


def test_merge_copies_identifiers_the_kept_record_lacks(admin_user: User) -> None:
    keep, duplicate = two_oebergs()
    specialty = factories.specialty()
    duplicate.specialties.add(specialty)
    merge_hcps(actor=admin_user, keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    assert keep.orcid == "0000-0002-1825-0097"
    assert keep.emails == ["b.oberg@med.lu.se"]
    assert list(keep.specialties.all()) == [specialty]
    assert AuditEvent.objects.filter(
        record_type="directory.hcp", record_id=str(duplicate.pk), action="delete"
    ).exists()


def test_two_orcids_are_never_merged(admin_user: User) -> None:
    keep, duplicate = two_oebergs()
    HCP.objects.filter(pk=keep.pk).update(orcid="0000-0001-5109-3700")
    keep.refresh_from_db()
    with pytest.raises(LiaisonError, match="two ORCID iDs"):
        merge_hcps(actor=admin_user, keep=keep, duplicate=duplicate)
    assert HCP.objects.filter(pk=duplicate.pk).exists()


def test_an_hcp_is_not_merged_into_itself(admin_user: User) -> None:
    keep, _ = two_oebergs()
    with pytest.raises(LiaisonError) as error:
        merge_hcps(actor=admin_user, keep=keep, duplicate=keep)
    assert error.value.field == "duplicate"


def test_only_administrators_merge_in_the_directory(msl: User, insights_lead: User) -> None:
    keep, duplicate = two_oebergs()
    HCP.objects.filter(pk__in=[keep.pk, duplicate.pk]).update(country="DE")
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    for actor in (msl, insights_lead):
        with pytest.raises(PermissionDenied):
            merge_hcps(actor=actor, keep=keep, duplicate=duplicate)
    assert HCP.objects.filter(pk=duplicate.pk).exists()


def test_a_failed_merge_leaves_everything_in_place(admin_user: User, msl: User) -> None:
    keep, duplicate = two_oebergs()
    interaction = engagement.interaction(msl, hcps=[duplicate])
    HCP.objects.filter(pk=keep.pk).update(npi="1234567893")
    HCP.objects.filter(pk=duplicate.pk).update(npi="1245319599")
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    with pytest.raises(LiaisonError, match="two NPIs"):
        merge_hcp_records(actor=admin_user, keep=keep, duplicate=duplicate)
    assert list(interaction.hcps.values_list("pk", flat=True)) == [duplicate.pk]
