"""The directory's access rules: every member reads and exports, field users change
their territories' records, administrators import and keep the reference data."""

from __future__ import annotations

import pytest

from liaison.core import policy
from liaison.core.models import Territory, User
from liaison.directory.models import HCP, Organization, Product, in_territories_q
from liaison.directory.policy import territories_holding
from liaison.directory.tests import factories


@pytest.fixture
def hcp_de(db: None) -> HCP:
    return factories.hcp("Müller", country="DE")


@pytest.fixture
def hcp_ca(db: None) -> HCP:
    return factories.hcp("Smith", country="US", region="US-CA")


def test_every_member_views_every_hcp(medinfo: User, hcp_de: HCP, hcp_ca: HCP) -> None:
    assert set(policy.scope(medinfo, "view", HCP)) == {hcp_de, hcp_ca}


def test_an_outsider_views_no_hcp(outsider: User, hcp_de: HCP) -> None:
    assert not policy.can(outsider, "view", hcp_de)


def test_msl_changes_hcp_in_own_territory(msl: User, hcp_de: HCP) -> None:
    assert policy.can(msl, "change", hcp_de)


def test_msl_cannot_change_hcp_outside_territory(msl: User, hcp_ca: HCP) -> None:
    assert not policy.can(msl, "change", hcp_ca)
    assert not policy.can(msl, "delete", hcp_ca)


def test_msl_changes_hcp_assigned_to_their_territory_explicitly(
    msl: User, territory_de: Territory
) -> None:
    # A French HCP is outside DACH by country, inside it by assignment.
    assigned = factories.hcp("Martin", country="FR", territories=[territory_de])
    assert policy.can(msl, "change", assigned)


def test_msl_changes_hcp_of_a_region_of_their_territory(other_msl: User, hcp_ca: HCP) -> None:
    assert policy.can(other_msl, "change", hcp_ca)


def test_manager_changes_hcps_of_their_teams_territories(
    field_manager: User, hcp_de: HCP, hcp_ca: HCP
) -> None:
    assert list(policy.scope(field_manager, "change", HCP)) == [hcp_de]


def test_medical_information_changes_no_hcp(medinfo: User, hcp_de: HCP) -> None:
    assert not policy.can(medinfo, "change", hcp_de)
    assert not policy.can(medinfo, "add", HCP)


def test_field_users_add_hcps(msl: User, field_manager: User) -> None:
    assert policy.can(msl, "add", HCP)
    assert policy.can(field_manager, "add", HCP)


def test_an_affiliation_follows_its_hcps_territory(msl: User, hcp_de: HCP, hcp_ca: HCP) -> None:
    # The organization's own country does not matter: the HCP carries the territory.
    clinic = factories.organization("Stanford", country="US", region="US-CA")
    ours = factories.affiliation(hcp_de, clinic)
    theirs = factories.affiliation(hcp_ca, clinic)
    assert policy.can(msl, "change", ours)
    assert not policy.can(msl, "change", theirs)


def test_msl_cannot_change_organization_outside_territory(msl: User) -> None:
    assert not policy.can(msl, "change", factories.organization("UCSF", country="US"))


def test_every_member_exports_the_hcps_they_read(
    pv: User, msl: User, hcp_de: HCP, hcp_ca: HCP
) -> None:
    assert set(policy.scope(pv, "export", HCP)) == {hcp_de, hcp_ca}
    assert policy.can(msl, "export", hcp_ca)


def test_an_outsider_exports_nothing(outsider: User, hcp_de: HCP) -> None:
    assert not policy.grants_any(outsider, "export", HCP)


def test_only_administrators_import_into_the_directory(
    admin_user: User, msl: User, field_manager: User, compliance: User
) -> None:
    assert policy.can(admin_user, "import", HCP)
    assert not policy.can(msl, "import", HCP)
    assert not policy.can(field_manager, "import", HCP)
    assert not policy.can(compliance, "import", HCP)


def test_import_is_asked_of_the_hcp_model_not_of_an_hcp(admin_user: User, hcp_de: HCP) -> None:
    with pytest.raises(ValueError):
        policy.can(admin_user, "import", hcp_de)


def test_organizations_have_no_export_verb(admin_user: User) -> None:
    with pytest.raises(ValueError):
        policy.scope(admin_user, "export", Organization)


def test_only_administrators_change_reference_data(msl: User, admin_user: User) -> None:
    product = factories.product()
    assert policy.can(msl, "view", product)
    assert not policy.can(msl, "change", product)
    assert not policy.can(msl, "add", Product)
    assert policy.can(admin_user, "change", product)


def test_territories_holding_names_explicit_country_and_region_territories(
    territory_de: Territory, territory_us: Territory
) -> None:
    berlin = factories.hcp("Weber", country="DE")
    la = factories.hcp("Lee", country="US", region="US-CA")
    assigned = factories.hcp("Dupont", country="FR", territories=[territory_us])
    nowhere = factories.hcp("Rossi", country="IT")
    assert territories_holding(berlin) == [territory_de]
    assert territories_holding(la) == [territory_us]
    assert territories_holding(assigned) == [territory_us]
    assert territories_holding(nowhere) == []


def test_territories_holding_agrees_with_in_territories_q(
    territory_de: Territory, territory_us: Territory
) -> None:
    # The Python answer for one record and the SQL filter are one rule.
    records: list[HCP | Organization] = [
        factories.hcp("Weber", country="AT"),
        factories.hcp("Lee", country="US", region="US-CA"),
        factories.hcp("Kim", country="US", region="US-NY"),
        factories.hcp("Dupont", country="FR", territories=[territory_de]),
        factories.organization("Uniklinik Wien", country="AT"),
        factories.organization("Mayo", country="US", region="US-MN", territories=[territory_us]),
    ]
    for territory in Territory.objects.all():
        selected = Territory.objects.filter(pk=territory.pk)
        for record in records:
            in_sql = type(record).objects.filter(in_territories_q(selected), pk=record.pk).exists()
            assert (territory in territories_holding(record)) == in_sql, (territory, record)
