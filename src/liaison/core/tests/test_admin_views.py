import pytest
from django.test import Client
from django.urls import reverse

from liaison.core import audit
from liaison.core.models import AuditEvent, Territory, User
from liaison.directory import services
from liaison.directory.models import HCP, TherapeuticArea


@pytest.fixture
def staff_admin(admin_user: User) -> User:
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    return admin_user


@pytest.fixture
def admin_client(client: Client, staff_admin: User) -> Client:
    client.force_login(staff_admin)
    return client


def events(record_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(record_type=record_type).order_by("sequence"))


def test_admin_add_change_and_delete_write_audit_events(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:core_territory_add"),
        {"code": "nordics", "name": "Nordics", "countries": '["SE", "NO"]', "regions": "[]"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    territory = Territory.objects.get(code="nordics")
    response = admin_client.post(
        reverse("admin:core_territory_change", args=[territory.pk]),
        {
            "code": "nordics",
            "name": "Nordic countries",
            "countries": '["SE", "NO"]',
            "regions": "[]",
        },
    )
    assert response.status_code == 302
    response = admin_client.post(
        reverse("admin:core_territory_delete", args=[territory.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    created, changed, deleted = events("core.territory")
    assert (created.action, changed.action, deleted.action) == ("create", "update", "delete")
    assert {created.source, changed.source, deleted.source} == {"admin"}
    assert created.actor_label == "ada"
    assert changed.changes == {"name": ["Nordics", "Nordic countries"]}
    assert audit.verify_chain()[1] is None


def test_admin_save_of_an_hcp_audits_many_to_many_changes(
    admin_client: Client, staff_admin: User
) -> None:
    area = TherapeuticArea.objects.create(code="neurology", name="Neurology")
    hcp = services.create_hcp(
        actor=staff_admin, data={"given_name": "Ana", "family_name": "Ruiz", "country": "ES"}
    )
    response = admin_client.post(
        reverse("admin:directory_hcp_change", args=[hcp.pk]),
        {
            "given_name": "Ana",
            "family_name": "Ruiz",
            "country": "ES",
            "credentials": "[]",
            "emails": "[]",
            "languages": "[]",
            "contact_channels": "[]",
            "origin": "manual",
            "therapeutic_areas": [area.pk],
            "affiliations-TOTAL_FORMS": "0",
            "affiliations-INITIAL_FORMS": "0",
            "affiliations-MIN_NUM_FORMS": "0",
            "affiliations-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    update = events("directory.hcp")[-1]
    assert update.action == "update" and update.source == "admin"
    assert update.changes["therapeutic_areas"] == [[], [area.pk]]


def test_admin_bulk_delete_audits_each_record(admin_client: Client, staff_admin: User) -> None:
    hcps = [
        services.create_hcp(
            actor=staff_admin,
            data={"given_name": f"G{i}", "family_name": "Bulk", "country": "DE"},
        )
        for i in range(2)
    ]
    response = admin_client.post(
        reverse("admin:directory_hcp_changelist"),
        {"action": "delete_selected", "_selected_action": [h.pk for h in hcps], "post": "yes"},
    )
    assert response.status_code == 302
    assert not HCP.objects.filter(family_name="Bulk").exists()
    assert [e.action for e in events("directory.hcp")].count("delete") == 2


def test_audit_events_are_read_only_in_the_admin(admin_client: Client, staff_admin: User) -> None:
    services.create_hcp(
        actor=staff_admin, data={"given_name": "A", "family_name": "B", "country": "DE"}
    )
    event = AuditEvent.objects.get()
    assert admin_client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"})
    ).status_code == 403
    assert AuditEvent.objects.count() == 1


def test_non_administrators_do_not_reach_the_admin(client: Client, msl: User) -> None:
    msl.is_staff = True  # even a staff flag does not make an MSL an administrator
    msl.save(update_fields=["is_staff"])
    client.force_login(msl)
    response = client.get(reverse("admin:core_territory_changelist"))
    assert response.status_code == 403
