"""Erasing a person's data from the audit trail: the values go, the chain still verifies,
and tampering with what is kept still shows."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.utils import timezone

from liaison import cli
from liaison.core import audit
from liaison.core.audit_erasure import Erasure, erase_subject, erased_event_count
from liaison.core.errors import LiaisonError, PermissionDenied
from liaison.core.models import AuditChainHead, AuditEvent, User
from liaison.directory import services
from liaison.directory.models import HCP, Specialty

PERSONAL = ("Jürgen", "Müller", "j.mueller@example.org", "Bonn")


def all_event_text() -> str:
    """Every stored column of every event, as one string to search."""
    rows = AuditEvent.objects.values_list("record_label", "changes", "reason", "salt")
    return json.dumps(list(rows), ensure_ascii=False)


@pytest.fixture
def hcp(admin_user: User) -> HCP:
    """An HCP created, then edited (two events of the subject)."""
    neurology = Specialty.objects.create(name="Neurology")
    hcp = services.create_hcp(
        actor=admin_user,
        data={
            "given_name": "Jürgen",
            "family_name": "Müller",
            "country": "DE",
            "emails": ["j.mueller@example.org"],
        },
    )
    services.update_hcp(
        actor=admin_user, hcp=hcp, data={"city": "Bonn", "specialties": [neurology]}
    )
    return hcp


def subject_events(hcp_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(record_type="directory.hcp", record_id=str(hcp_id)))


def erase(actor: User, hcp_id: int) -> Erasure:
    return erase_subject(
        actor=actor, record_type="directory.hcp", record_id=hcp_id, reason="privacy request 7"
    )


def test_personal_values_are_readable_until_erased(hcp: HCP) -> None:
    text = all_event_text()
    assert all(value in text for value in PERSONAL)


def test_erased_values_are_gone_from_the_database(hcp: HCP, admin_user: User) -> None:
    erase(admin_user, hcp.pk)
    text = all_event_text()
    assert not [value for value in PERSONAL if value in text]
    assert all(event.salt == "" and event.erased_at for event in subject_events(hcp.pk)[:2])


def test_erasure_keeps_what_is_not_personal(hcp: HCP, admin_user: User) -> None:
    erase(admin_user, hcp.pk)
    created, updated = subject_events(hcp.pk)[:2]
    assert created.changes["country"] == [None, "DE"]
    assert created.changes["family_name"] == [audit.ERASED, audit.ERASED]
    assert updated.changes["specialties"][1] == [Specialty.objects.get().pk]
    assert created.record_label == audit.ERASED


def test_chain_verifies_after_erasure_and_counts_erased_events(
    hcp: HCP, admin_user: User, capsys: pytest.CaptureFixture[str]
) -> None:
    erase(admin_user, hcp.pk)
    assert cli.run(["audit", "verify"]) == 0
    total = AuditEvent.objects.count()
    assert f"{total} events, chain intact, 2 with erased personal values" in capsys.readouterr().out
    assert audit.check_chain().erased == 2 == erased_event_count()


def test_erasure_is_itself_an_audited_event(hcp: HCP, admin_user: User) -> None:
    result = erase(admin_user, hcp.pk)
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event == result.event
    assert (event.action, event.record_id, event.actor) == ("erase", str(hcp.pk), admin_user)
    assert event.reason == "privacy request 7"
    assert event.changes == {"erased_events": [None, 2]}


def test_tampering_with_a_kept_digest_is_detected(hcp: HCP, admin_user: User) -> None:
    erase(admin_user, hcp.pk)
    first = subject_events(hcp.pk)[0]
    AuditEvent.objects.filter(pk=first.pk).update(personal_digest="0" * 64)
    problem = audit.verify_chain()[1]
    assert problem is not None and problem.sequence == first.sequence


def test_tampering_with_a_kept_value_of_an_erased_event_is_detected(
    hcp: HCP, admin_user: User
) -> None:
    erase(admin_user, hcp.pk)
    first = subject_events(hcp.pk)[0]
    changes = {**first.changes, "country": [None, "FR"]}
    AuditEvent.objects.filter(pk=first.pk).update(changes=changes)
    problem = audit.verify_chain()[1]
    assert problem is not None and problem.sequence == first.sequence


def test_tampering_with_a_personal_value_is_detected_before_erasure(hcp: HCP) -> None:
    first = subject_events(hcp.pk)[0]
    changes = {**first.changes, "family_name": [None, "Meier"]}
    AuditEvent.objects.filter(pk=first.pk).update(changes=changes)
    problem = audit.verify_chain()[1]
    assert problem is not None and problem.sequence == first.sequence


def test_tampering_before_erasure_still_shows_after_it(hcp: HCP, admin_user: User) -> None:
    # Erasure digests the values it finds: a forged value is not laundered.
    first = subject_events(hcp.pk)[0]
    AuditEvent.objects.filter(pk=first.pk).update(record_label="Someone else")
    erase(admin_user, hcp.pk)
    problem = audit.verify_chain()[1]
    assert problem is not None and problem.sequence == first.sequence


def test_moving_a_field_out_of_the_personal_list_is_detected(hcp: HCP) -> None:
    first = subject_events(hcp.pk)[0]
    names = [name for name in first.personal_fields if name != "family_name"]
    AuditEvent.objects.filter(pk=first.pk).update(personal_fields=names)
    assert audit.verify_chain()[1] is not None


def test_events_of_other_records_keep_their_values(hcp: HCP, admin_user: User) -> None:
    other = services.create_hcp(
        actor=admin_user, data={"given_name": "Ana", "family_name": "Silva", "country": "PT"}
    )
    erase(admin_user, hcp.pk)
    assert subject_events(other.pk)[0].changes["family_name"] == [None, "Silva"]


def test_bulk_written_events_are_erasable(db: None, admin_user: User) -> None:
    with transaction.atomic():
        audit.record_events(
            actor=None,
            events=[
                audit.PendingEvent(
                    action="create",
                    record_type="directory.hcp",
                    record_id=77,
                    record_label="Dr Imported Person",
                    changes={"family_name": [None, "Person"], "country": [None, "US"]},
                    json_ready=True,
                )
            ],
        )
    assert audit.verify_chain()[1] is None
    erase(admin_user, 77)
    assert "Person" not in all_event_text()
    assert audit.check_chain().problem is None


def test_events_written_before_erasure_existed_verify_and_are_kept(
    db: None, admin_user: User
) -> None:
    # A version-1 event as the previous code wrote it: every value in the hash.
    head = AuditChainHead.objects.create(id=1)
    old = AuditEvent(
        sequence=1,
        at=timezone.now(),
        actor_label="system",
        record_type="directory.hcp",
        record_id="5",
        record_label="Old Name",
        action="create",
        changes={"family_name": [None, "Name"]},
        previous_hash=audit.GENESIS_HASH,
    )
    old.hash = audit.compute_hash(old)
    old.save(force_insert=True)
    head.sequence, head.hash = 1, old.hash
    head.save()
    with transaction.atomic():
        audit.record_event(
            actor=None,
            action="update",
            record_type="directory.hcp",
            record_id=5,
            record_label="Old Name",
            changes={"city": ["", "Lyon"]},
        )
    result = erase(admin_user, 5)
    assert (result.erased, result.kept_old) == (1, 1)
    assert AuditEvent.objects.get(sequence=1).changes == {"family_name": [None, "Name"]}
    assert audit.check_chain() == audit.ChainCheck(3, None, 1)


def test_erasing_twice_finds_nothing_left(hcp: HCP, admin_user: User) -> None:
    erase(admin_user, hcp.pk)
    with pytest.raises(LiaisonError, match="no personal values left"):
        erase(admin_user, hcp.pk)


def test_only_administrators_and_compliance_erase(hcp: HCP, msl: User, compliance: User) -> None:
    with pytest.raises(PermissionDenied):
        erase(msl, hcp.pk)
    assert erase(compliance, hcp.pk).erased == 2


def test_erasure_needs_a_reason(hcp: HCP, admin_user: User) -> None:
    with pytest.raises(LiaisonError, match="reason"):
        erase_subject(actor=admin_user, instance=hcp, reason="  ")


def test_a_model_without_personal_fields_cannot_be_erased(admin_user: User) -> None:
    specialty = Specialty.objects.create(name="Cardiology")
    with pytest.raises(LiaisonError, match="no personal field"):
        erase_subject(actor=admin_user, instance=specialty, reason="privacy request")


def test_cli_erases_and_says_how_many_events(
    hcp: HCP, admin_user: User, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.run(
        [
            "audit",
            "erase",
            "directory.hcp",
            str(hcp.pk),
            "--reason",
            "request 9",
            "--as",
            admin_user.username,
        ]
    )
    output = capsys.readouterr()
    assert status == 0, output.err
    assert f"directory.hcp {hcp.pk} from 2 events" in output.out
    assert "Müller" not in all_event_text()


def test_cli_erase_refuses_a_user_who_may_not(
    hcp: HCP, msl: User, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.run(
        ["audit", "erase", "directory.hcp", str(hcp.pk), "--reason", "x", "--as", msl.username]
    )
    assert status != 0
    assert "only administrators and compliance" in capsys.readouterr().err
    assert "Müller" in all_event_text()
