import pytest

from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditEvent, Territory, User
from liaison.directory import services
from liaison.directory.models import HCP


def test_msl_cannot_pull_a_foreign_hcp_into_reach_with_an_explicit_territory(
    msl: User, territory_de: Territory
) -> None:
    with pytest.raises(PermissionDenied, match="territories"):
        services.create_hcp(
            actor=msl,
            values={
                "given_name": "Léa",
                "family_name": "Martin",
                "country": "FR",
                "territories": [territory_de],
            },
        )
    assert not HCP.objects.exists()
    assert not AuditEvent.objects.exists()


def test_msl_cannot_create_hcp_outside_territory(msl: User) -> None:
    with pytest.raises(PermissionDenied):
        services.create_hcp(
            actor=msl, values={"given_name": "Léa", "family_name": "Martin", "country": "FR"}
        )
    assert not HCP.objects.exists()


def test_msl_creates_hcp_in_own_territory(msl: User) -> None:
    hcp = services.create_hcp(
        actor=msl, values={"given_name": "Anna", "family_name": "Groß", "country": "AT"}
    )
    assert hcp.search_name == "gross anna"


def test_administrator_assigns_territories(admin_user: User, territory_de: Territory) -> None:
    hcp = services.create_hcp(
        actor=admin_user,
        values={
            "given_name": "Léa",
            "family_name": "Martin",
            "country": "FR",
            "territories": [territory_de],
        },
    )
    assert list(hcp.territories.all()) == [territory_de]


def test_lower_case_country_is_refused_naming_the_field(admin_user: User) -> None:
    with pytest.raises(LiaisonError) as caught:
        services.create_hcp(
            actor=admin_user, values={"given_name": "A", "family_name": "B", "country": "de"}
        )
    assert "country" in caught.value.details


def test_unchanged_update_writes_no_event(admin_user: User) -> None:
    hcp = services.create_hcp(
        actor=admin_user, values={"given_name": "A", "family_name": "B", "country": "DE"}
    )
    before = AuditEvent.objects.count()
    assert services.update_hcp(actor=admin_user, hcp=hcp, values={"given_name": "A"}) == {}
    assert AuditEvent.objects.count() == before
