"""The keyed audit chain: whoever holds the database but not the key cannot rewrite
it, truncation is caught by the anchor log outside the database, and a rotated key
starts a segment signed by the old one."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from liaison import cli
from liaison.core import audit, audit_anchors
from liaison.core.audit_chain import segment_signature
from liaison.core.audit_keys import current_key, key_from, keyring
from liaison.core.models import AuditChainHead, AuditEvent, AuditSegment, User
from liaison.directory import services

ATTACKER_KEY = key_from("m" * 48)


@pytest.fixture
def data_dir(tmp_path: Path, settings: Any) -> Path:
    """A data directory of the test's own: a generated key, an anchor log, no retired keys."""
    settings.DATA_DIR = tmp_path
    settings.LIAISON_AUDIT_KEY_GENERATED = True
    (tmp_path / "audit_key").write_text("k" * 64, encoding="utf-8")
    settings.LIAISON_AUDIT_KEYS_DIR = tmp_path / "audit_keys"
    settings.LIAISON_AUDIT_RETIRED_KEYS = []
    settings.LIAISON_AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.log")
    settings.LIAISON_AUDIT_ANCHOR_INTERVAL = 0
    audit_anchors._last.update(sequence=0, at=-1e9)
    return tmp_path


@pytest.fixture
def write_events(
    data_dir: Path,
    admin_user: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> Callable[[int], None]:
    """Create ``count`` HCPs, one committed transaction each (the anchor follows each)."""

    def write(count: int) -> None:
        for number in range(count):
            with django_capture_on_commit_callbacks(execute=True):
                services.create_hcp(
                    actor=admin_user,
                    data={"given_name": "Ana", "family_name": f"Ruiz {number}", "country": "ES"},
                )

    return write


def verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = cli.run(["audit", "verify"])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def events() -> Iterator[AuditEvent]:
    yield from AuditEvent.objects.order_by("sequence")


def rewrite_from(sequence: int, hash_of: Callable[[AuditEvent], str]) -> None:
    """What a database holder does with the application's code: change event
    ``sequence``, recompute every later hash with ``hash_of`` and move the head."""
    previous = audit.GENESIS_HASH
    for event in events():
        if event.sequence < sequence:
            previous = event.hash
            continue
        if event.sequence == sequence:
            event.reason = "nothing happened here"
        event.previous_hash = previous
        event.hash = hash_of(event)
        AuditEvent.objects.filter(pk=event.pk).update(
            reason=event.reason, previous_hash=event.previous_hash, hash=event.hash
        )
        previous = event.hash
    AuditChainHead.objects.filter(id=1).update(hash=previous)


def test_events_are_signed_with_the_configured_key(write_events: Callable[[int], None]) -> None:
    write_events(2)
    key = current_key()
    assert {event.version for event in events()} == {audit.CHAIN_VERSION} == {3}
    for event in events():
        assert event.hash == audit.compute_hash(event, key)
        assert event.hash != audit.compute_hash(event, ATTACKER_KEY)
    segment = AuditSegment.objects.get()
    assert (segment.first_sequence, segment.key_id) == (1, key.key_id)
    assert AuditChainHead.objects.get().key_id == key.key_id


def test_the_key_is_generated_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    import subprocess
    import sys

    data = tmp_path / "data"
    data.mkdir()
    code = "from django.conf import settings; print(settings.LIAISON_AUDIT_KEY)"
    env = {"LIAISON_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "liaison.settings"}
    first = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    again = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert first == again and len(first.strip()) >= 64
    assert stat.S_IMODE((data / "audit_key").stat().st_mode) == 0o600


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="at least 32 characters"):
        key_from("too short")


def test_a_rewrite_with_the_applications_code_but_not_the_key_fails(
    write_events: Callable[[int], None], capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(4)
    assert verify(capsys)[0] == 0
    # The attack: change an event, recompute the later hashes, move the head.
    rewrite_from(2, lambda event: audit.compute_hash(event, ATTACKER_KEY))
    status, output = verify(capsys)
    assert status == 3
    assert "event #2: its content does not match its hash" in output


def test_a_downgrade_to_unkeyed_hashes_fails(
    write_events: Callable[[int], None], capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(3)

    def plain(event: AuditEvent) -> str:
        event.version = 2
        AuditEvent.objects.filter(pk=event.pk).update(version=2)
        return audit.compute_hash(event)

    rewrite_from(1, plain)
    AuditSegment.objects.all().delete()
    AuditChainHead.objects.filter(id=1).update(key_id="")
    status, output = verify(capsys)
    # Without segments the plain chain is self-consistent: the anchor log catches it.
    assert status == 3
    assert "event #3: it does not match the anchor log (audit-anchors.log line 3)" in output


def test_removing_the_newest_events_and_moving_the_head_back_fails(
    write_events: Callable[[int], None], capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(5)
    kept = AuditEvent.objects.get(sequence=3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE sequence > 3")
    AuditChainHead.objects.filter(id=1).update(sequence=3, hash=kept.hash)
    status, output = verify(capsys)
    assert status == 3
    assert "the chain ends at #3 but the anchor log records #5" in output
    assert "events at the end were removed" in output


def test_the_anchor_log_holds_one_signed_line_per_commit(
    write_events: Callable[[int], None], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(3)
    log = data_dir / "audit-anchors.log"
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [line["sequence"] for line in lines] == [1, 2, 3]
    assert lines[-1]["hash"] == AuditEvent.objects.get(sequence=3).hash
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    status, output = verify(capsys)
    assert status == 0 and "3 events, chain intact, reaches the newest anchor (#3)" in output


def test_a_forged_anchor_line_is_named(
    write_events: Callable[[int], None], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(2)
    log = data_dir / "audit-anchors.log"
    forged = {"sequence": 9, "hash": "0" * 64, "at": "2026-12-03T00:00:00+00:00"}
    forged |= {"key_id": current_key().key_id, "tag": "f" * 64}
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(forged) + "\n")
    status, output = verify(capsys)
    assert status == 3 and "audit-anchors.log line 3" in output and "no audit key signed" in output


def test_the_anchor_interval_skips_commits_within_it(
    write_events: Callable[[int], None], data_dir: Path, settings: Any
) -> None:
    settings.LIAISON_AUDIT_ANCHOR_INTERVAL = 3600
    write_events(3)
    lines = (data_dir / "audit-anchors.log").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["sequence"] for line in lines] == [1]


def test_rotation_starts_a_segment_signed_by_the_old_key(
    write_events: Callable[[int], None], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(2)
    old = current_key()
    assert cli.run(["audit", "rotate-key"]) == 0
    output = capsys.readouterr().out
    new = current_key()
    assert new.key_id != old.key_id
    assert f"audit key {old.key_id} replaced by {new.key_id}: events from #3" in output
    assert stat.S_IMODE((data_dir / "audit_keys" / f"{old.key_id}.key").stat().st_mode) == 0o600
    write_events(2)
    segments = list(AuditSegment.objects.values_list("first_sequence", "key_id", "previous_key_id"))
    assert segments == [(1, old.key_id, ""), (3, new.key_id, old.key_id)]
    assert AuditEvent.objects.get(sequence=4).hash == audit.compute_hash(
        AuditEvent.objects.get(sequence=4), new
    )
    status, output = verify(capsys)
    assert status == 0 and "4 events, chain intact" in output


def test_a_rotation_with_no_event_after_it_verifies(
    write_events: Callable[[int], None], capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(1)
    assert cli.run(["audit", "rotate-key"]) == 0
    capsys.readouterr()
    status, output = verify(capsys)
    assert status == 0, output


def test_a_segment_signed_by_another_key_fails(
    write_events: Callable[[int], None], settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(2)
    # A forger adds a segment of their own key and signs it with that key.
    settings.LIAISON_AUDIT_RETIRED_KEYS = ["m" * 48]
    head = AuditChainHead.objects.get()
    segment = AuditSegment(
        first_sequence=3,
        key_id=ATTACKER_KEY.key_id,
        previous_key_id=head.key_id,
        previous_hash=head.hash,
    )
    segment.signature = segment_signature(segment, ATTACKER_KEY)
    segment.save(force_insert=True)
    status, output = verify(capsys)
    assert status == 3
    assert f"is not signed by audit key {head.key_id}" in output


def test_a_retired_key_missing_from_the_keyring_is_named(
    write_events: Callable[[int], None], data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(1)
    old = current_key()
    assert cli.run(["audit", "rotate-key"]) == 0
    write_events(1)
    (data_dir / "audit_keys" / f"{old.key_id}.key").unlink()
    assert old.key_id not in keyring()
    capsys.readouterr()
    status, output = verify(capsys)
    assert status == 3
    assert f"audit key {old.key_id}, which is not in the keyring" in output


def test_writes_stop_when_the_chains_key_is_gone(
    write_events: Callable[[int], None], data_dir: Path, admin_user: User
) -> None:
    write_events(1)
    # The key was replaced by hand and the old one thrown away: no one may start a segment.
    (data_dir / "audit_key").write_text("n" * 64, encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="not in the keyring"):
        services.create_hcp(
            actor=admin_user, data={"given_name": "Li", "family_name": "Wei", "country": "CN"}
        )


def test_a_key_set_by_the_environment_is_rotated_there(
    data_dir: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.LIAISON_AUDIT_KEY_GENERATED = False
    settings.LIAISON_AUDIT_KEY = "e" * 48
    assert cli.run(["audit", "rotate-key"]) == 1
    assert "set the new key there" in capsys.readouterr().err


def test_unkeyed_events_written_before_keys_keep_verifying(
    admin_user: User, data_dir: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # A database of the release before keys: version-2 events, no segment, no anchors.
    settings.LIAISON_AUDIT_ANCHOR_FILE = ""
    services.create_hcp(
        actor=admin_user, data={"given_name": "Old", "family_name": "Event", "country": "FR"}
    )
    old = AuditEvent.objects.get(sequence=1)
    old.version = 2
    AuditEvent.objects.filter(pk=old.pk).update(version=2, hash=audit.compute_hash(old))
    AuditSegment.objects.all().delete()
    AuditChainHead.objects.filter(id=1).update(key_id="", hash=audit.compute_hash(old))
    # The first write after the upgrade starts the first keyed segment.
    services.create_hcp(
        actor=admin_user, data={"given_name": "New", "family_name": "Event", "country": "FR"}
    )
    segment = AuditSegment.objects.get()
    assert (segment.first_sequence, segment.previous_key_id) == (2, "")
    assert AuditEvent.objects.get(sequence=2).version == 3
    status, output = verify(capsys)
    assert status == 0 and "2 events, chain intact" in output


@pytest.mark.django_db(transaction=True)
def test_an_empty_bulk_append_leaves_the_chain_writable() -> None:
    # The first append keys the chain (a segment for the key); with no event to append,
    # the head must still name the key, or the next event opens the same segment again.
    from django.db import transaction

    with transaction.atomic():
        assert audit.record_events(actor=None, events=[]) == 0
    head = AuditChainHead.objects.get(id=1)
    assert head.key_id == current_key().key_id
    with transaction.atomic():
        audit.record_events(
            actor=None,
            events=[
                audit.PendingEvent(
                    action="create",
                    record_type="directory.organization",
                    record_id=1,
                    record_label="Charité",
                    changes={"name": [None, "Charité"]},
                    json_ready=True,
                )
            ],
        )
    assert AuditEvent.objects.count() == 1
    assert AuditSegment.objects.count() == 1
