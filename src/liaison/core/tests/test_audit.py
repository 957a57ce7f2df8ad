"""The audit trail: every kind of change leaves the right event, and any tampering
with the stored chain makes `liaison audit verify` fail, naming the broken event."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from liaison import cli
from liaison.core import audit
from liaison.core.models import AuditChainHead, AuditEvent, User
from liaison.directory import services
from liaison.directory.models import HCP, Organization, TherapeuticArea


def verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run `liaison audit verify`; the exit status and everything it printed."""
    status = cli.run(["audit", "verify"])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-sequence").first()  # type: ignore[return-value]


@pytest.fixture
def hcp(admin_user: User) -> HCP:
    return services.create_hcp(
        actor=admin_user,
        data={"given_name": "Jürgen", "family_name": "Müller", "country": "DE"},
    )


@pytest.fixture
def three_events(admin_user: User) -> list[AuditEvent]:
    for family_name in ("García", "Çelik", "Ångström"):
        services.create_hcp(
            actor=admin_user,
            data={"given_name": "Ana", "family_name": family_name, "country": "ES"},
        )
    return list(AuditEvent.objects.order_by("sequence"))


# --- each kind of change ------------------------------------------------------


def test_hcp_create_records_every_set_field(hcp: HCP, admin_user: User) -> None:
    event = last_event()
    assert (event.action, event.record_type, event.record_id) == (
        "create",
        "directory.hcp",
        str(hcp.pk),
    )
    assert event.changes["family_name"] == [None, "Müller"]
    assert event.changes["country"] == [None, "DE"]
    assert "suffix" not in event.changes  # empty values are not noise in the diff
    assert event.actor == admin_user and event.actor_label == admin_user.username


def test_hcp_update_records_only_changed_fields(hcp: HCP, admin_user: User) -> None:
    services.update_hcp(actor=admin_user, hcp=hcp, data={"city": "München", "country": "DE"})
    event = last_event()
    assert event.action == "update"
    assert event.changes == {"city": ["", "München"]}


def test_update_without_change_records_nothing(hcp: HCP, admin_user: User) -> None:
    before = AuditEvent.objects.count()
    assert services.update_hcp(actor=admin_user, hcp=hcp, data={"country": "DE"}) == {}
    assert AuditEvent.objects.count() == before


def test_hcp_delete_records_the_state_it_removed(hcp: HCP, admin_user: User) -> None:
    pk = hcp.pk
    services.delete_hcp(actor=admin_user, hcp=hcp, reason="duplicate of another record")
    event = last_event()
    assert (event.action, event.record_id) == ("delete", str(pk))
    assert event.changes["family_name"] == ["Müller", None]
    assert event.reason == "duplicate of another record"
    assert not HCP.objects.filter(pk=pk).exists()


def test_many_to_many_change_records_ids_before_and_after(hcp: HCP, admin_user: User) -> None:
    oncology = TherapeuticArea.objects.create(code="oncology", name="Oncology")
    services.update_hcp(actor=admin_user, hcp=hcp, data={"therapeutic_areas": [oncology]})
    assert last_event().changes == {"therapeutic_areas": [[], [oncology.pk]]}


def test_organization_create_update_delete_are_audited(admin_user: User) -> None:
    organization = services.create_organization(
        actor=admin_user,
        data={"name": "Charité", "type": "academic_medical_center", "country": "DE"},
    )
    pk = organization.pk
    services.update_organization(
        actor=admin_user, organization=organization, data={"city": "Berlin"}
    )
    services.delete_organization(actor=admin_user, organization=organization, reason="closed")
    events = list(
        AuditEvent.objects.filter(record_type="directory.organization", record_id=str(pk))
    )
    assert [event.action for event in events] == ["create", "update", "delete"]
    assert events[0].changes["name"] == [None, "Charité"]
    assert events[1].changes == {"city": ["", "Berlin"]}
    assert events[2].changes["city"] == ["Berlin", None]
    assert not Organization.objects.filter(pk=pk).exists()


def test_rolled_back_change_leaves_no_event(admin_user: User) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        services.create_hcp(
            actor=admin_user, data={"given_name": "A", "family_name": "B", "country": "DE"}
        )
        raise RuntimeError("abort")
    assert not AuditEvent.objects.exists()
    assert AuditChainHead.objects.filter(sequence__gt=0).count() == 0


def test_invalid_change_leaves_no_event(admin_user: User) -> None:
    with pytest.raises(Exception, match="NPI"):
        services.create_hcp(
            actor=admin_user,
            data={"given_name": "A", "family_name": "B", "country": "US", "npi": "1234567890"},
        )
    assert not AuditEvent.objects.exists()


def test_event_source_follows_the_context(admin_user: User) -> None:
    with audit.source("cli"):
        services.create_hcp(
            actor=admin_user, data={"given_name": "A", "family_name": "B", "country": "DE"}
        )
    assert last_event().source == "cli"


def test_events_cannot_be_changed_or_deleted_through_the_orm(hcp: HCP) -> None:
    event = last_event()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


# --- verification ---------------------------------------------------------------


def test_verify_intact_chain_exits_zero(
    three_events: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    status, output = verify(capsys)
    assert status == 0
    assert "3 events, chain intact" in output


def test_verify_empty_chain_is_intact(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert verify(capsys) == (0, "0 events, chain intact, no anchor log to compare\n")


def test_altered_field_is_named(
    three_events: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET record_label = %s WHERE sequence = 2", ["Someone else"]
        )
    status, output = verify(capsys)
    assert status != 0
    assert "event #2" in output and "does not match its hash" in output


def test_altered_changes_are_detected_even_with_the_hash_kept(
    three_events: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_label = %s WHERE sequence = 1", ["nobody"])
    status, output = verify(capsys)
    assert status != 0 and "event #1" in output


def test_deleted_middle_event_is_named(
    three_events: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE sequence = 2")
    status, output = verify(capsys)
    assert status != 0
    assert "event #3" in output and "#2" in output and "missing" in output


def test_deleted_last_event_is_named(
    three_events: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE sequence = 3")
    status, output = verify(capsys)
    assert status != 0
    assert "#3" in output and "removed" in output


def test_swapped_events_are_named(
    three_events: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET sequence = 1000 WHERE sequence = 1")
        cursor.execute("UPDATE core_auditevent SET sequence = 1 WHERE sequence = 2")
        cursor.execute("UPDATE core_auditevent SET sequence = 2 WHERE sequence = 1000")
    status, output = verify(capsys)
    assert status != 0
    assert "event #1" in output


def test_inserted_forged_event_is_named(
    three_events: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    last = three_events[-1]
    forged = AuditEvent(
        sequence=4,
        at=last.at,
        actor_label="mallory",
        record_type="directory.hcp",
        record_id="1",
        action="delete",
        changes={},
        reason="",
        source="web",
        previous_hash=last.hash,
        hash="f" * 64,
        version=audit.CHAIN_VERSION,
    )
    insert_raw(forged)
    status, output = verify(capsys)
    assert status != 0
    assert "event #4" in output and "does not match its hash" in output


def test_forged_event_with_a_correct_hash_is_still_caught(
    three_events: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    # A forger who knows the algorithm can compute a valid hash, but cannot move
    # the chain head without also writing to it.
    last = three_events[-1]
    forged = AuditEvent(
        sequence=4,
        at=last.at,
        actor_label="mallory",
        record_type="directory.hcp",
        record_id="1",
        action="delete",
        changes={},
        reason="",
        source="web",
        previous_hash=last.hash,
    )
    forged.hash = audit.compute_hash(forged)
    insert_raw(forged)
    status, output = verify(capsys)
    assert status != 0
    assert "#4" in output


def insert_raw(event: AuditEvent) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (sequence, at, actor_label, record_type, record_id, "
            "record_label, action, changes, reason, source, previous_hash, hash, version, salt, "
            "personal_fields, personal_digest) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', '[]', '')",
            [
                event.sequence,
                event.at,
                event.actor_label,
                event.record_type,
                event.record_id,
                event.record_label,
                event.action,
                "{}",
                event.reason,
                event.source,
                event.previous_hash,
                event.hash,
                event.version,
            ],
        )


# --- concurrent writers -----------------------------------------------------------

WRITERS = 4
EVENTS_PER_WRITER = 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain() -> None:
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        assert "memory" not in name, "needs a file database the threads share"
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        try:
            start.wait()
            for index in range(EVENTS_PER_WRITER):
                with transaction.atomic():
                    audit.record_event(
                        actor=None,
                        action="create",
                        record_type="test.thing",
                        record_id=f"{number}-{index}",
                    )
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = WRITERS * EVENTS_PER_WRITER
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    assert audit.verify_chain() == (total, None)
