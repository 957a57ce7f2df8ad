"""The hash chain of the audit trail: what each event's hash covers, and its check.

Version 1 events hash their whole content. Version 2 events (see
:class:`~liaison.core.models.AuditEvent`) hash their personal part (the values
of personal fields and the record label) only through a keyed digest under the
event's own random salt, so erasure can remove the values and drop the salt
while :func:`check_chain` still verifies every event. Version 3 events hash as
version 2 does, with HMAC-SHA-256 under the key of their segment
(:mod:`liaison.core.audit_keys`) in place of plain SHA-256; the check walks the
segments and ends at the newest anchor (:mod:`liaison.core.audit_anchors`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from liaison.core.audit_anchors import Anchor, newest_anchor
from liaison.core.audit_keys import AuditKey, current_key, keyring
from liaison.core.audit_rules import FieldRules, canonical
from liaison.core.models import AuditChainHead, AuditEvent, AuditSegment

GENESIS_HASH = "0" * 64

#: The hashing of events written now (see :class:`AuditEvent`); 1 hashed every value,
#: 2 sealed the personal values, 3 keys the hash.
CHAIN_VERSION = 3

#: What erasure leaves in place of a personal value and of the record label.
ERASED = "[erased]"


def personal_digest(salt: str, record_label: str, personal: dict[str, Any]) -> str:
    """The keyed digest the chain covers in place of an event's personal values."""
    content = canonical({"record_label": record_label, "changes": personal})
    return hmac.digest(bytes.fromhex(salt), content.encode("utf-8"), "sha256").hex()


@dataclass(frozen=True, slots=True)
class Sealed:
    """An event's content split for hashing: what the chain covers as is, and
    the keyed digest of its personal part (``salt`` empty when it has none)."""

    plain_changes: dict[str, Any]
    personal_fields: list[str]
    salt: str
    digest: str | None


_UNSEALED_EMPTY = Sealed({}, [], "", None)


def seal(rules: FieldRules, record_label: str, changes: dict[str, Any]) -> Sealed:
    """Split recorded ``changes`` under ``rules``. A model with personal fields
    always has its label sealed too (labels name people), so each of its events
    gets a fresh salt even when no personal field changed."""
    if not rules.personal:
        return Sealed(changes, [], "", None) if changes else _UNSEALED_EMPTY
    names = sorted(name for name in changes if name in rules.personal)
    salt = secrets.token_hex(16)
    personal = {name: changes[name] for name in names}
    plain = {name: value for name, value in changes.items() if name not in rules.personal}
    return Sealed(plain, names, salt, personal_digest(salt, record_label, personal))


def stored_seal(record_label: str, changes: Any, salt: str, names: Any, digest: str) -> Sealed:
    """The split of a stored version-2 event (its columns): from its values
    while it holds them, from its kept digest once they were erased."""
    names = list(names or [])
    changes = changes or {}
    if not names:
        plain = changes
    else:
        plain = {name: value for name, value in changes.items() if name not in names}
    if digest:
        return Sealed(plain, names, "", digest)
    if salt:
        personal = {name: changes.get(name) for name in names}
        return Sealed(plain, names, salt, personal_digest(salt, record_label, personal))
    return Sealed(plain, names, "", None)


def _sealed_of(event: AuditEvent) -> Sealed:
    return stored_seal(
        event.record_label, event.changes, event.salt, event.personal_fields, event.personal_digest
    )


def event_payload(event: AuditEvent) -> dict[str, Any]:
    """The content an event's hash covers (everything but the hash itself)."""
    fields = {
        "sequence": event.sequence,
        "at": event.at,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "record_type": event.record_type,
        "record_id": event.record_id,
        "record_label": event.record_label,
        "action": event.action,
        "changes": event.changes,
        "reason": event.reason,
        "source": event.source,
        "previous_hash": event.previous_hash,
    }
    if event.version == 1:
        return base_payload(**fields)
    return sealed_payload(_sealed_of(event), version=event.version, **fields)


def base_payload(
    *,
    sequence: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    record_type: str,
    record_id: str,
    record_label: str,
    action: str,
    changes: Any,
    reason: str,
    source: str,
    previous_hash: str,
) -> dict[str, Any]:
    return {
        "sequence": sequence,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "record_type": record_type,
        "record_id": record_id,
        "record_label": record_label,
        "action": action,
        "changes": changes,
        "reason": reason,
        "source": source,
        "previous_hash": previous_hash,
    }


def sealed_payload(
    sealed: Sealed, *, version: int = CHAIN_VERSION, **fields: Any
) -> dict[str, Any]:
    # The personal part (values and label) enters only through its digest.
    payload = base_payload(**fields)
    payload["version"] = version
    payload["changes"] = sealed.plain_changes
    payload["personal_fields"] = sealed.personal_fields
    payload["personal"] = sealed.digest
    if sealed.digest is not None:
        payload["record_label"] = ""
    return payload


def hash_payload(payload: dict[str, Any], key: AuditKey | None = None) -> str:
    """The event hash of ``payload``: keyed (version 3) when ``key`` is given."""
    content = canonical(payload)
    if key is not None:
        return key.sign(content)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def compute_hash(event: AuditEvent, key: AuditKey | None = None) -> str:
    return hash_payload(event_payload(event), key if event.version >= 3 else None)


def segment_link(
    *, first_sequence: int, key_id: str, previous_key_id: str, previous_hash: str
) -> str:
    """What a segment's signature covers: where it starts, its key and what came before."""
    return canonical(
        {
            "first_sequence": first_sequence,
            "key_id": key_id,
            "previous_key_id": previous_key_id,
            "previous_hash": previous_hash,
        }
    )


def segment_signature(segment: AuditSegment, signer: AuditKey) -> str:
    return signer.sign(
        segment_link(
            first_sequence=segment.first_sequence,
            key_id=segment.key_id,
            previous_key_id=segment.previous_key_id,
            previous_hash=segment.previous_hash,
        )
    )


def signing_key(head: AuditChainHead) -> AuditKey:
    """The key the next event is signed with; the caller holds the head's lock.

    When the configured key is not the head's (the chain was not keyed yet, or
    the key was rotated), a new segment starts at the next sequence, signed by
    the head's key (which must still be in the keyring), and the head names the
    new key; the caller saves the head with ``key_id``."""
    key = current_key()
    if head.key_id == key.key_id:
        return key
    signer = key
    if head.key_id:
        found = keyring().get(head.key_id)
        if found is None:
            raise ImproperlyConfigured(
                f"the audit chain is signed with key {head.key_id}, which is not in the "
                "keyring: add the previous key to LIAISON_AUDIT_RETIRED_KEYS (docs/audit.md)"
            )
        signer = found
    segment = AuditSegment(
        first_sequence=head.sequence + 1,
        key_id=key.key_id,
        previous_key_id=head.key_id,
        previous_hash=head.hash,
    )
    segment.signature = segment_signature(segment, signer)
    segment.save(force_insert=True)
    head.key_id = key.key_id
    return key


@dataclass(frozen=True, slots=True)
class ChainProblem:
    sequence: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.sequence}" if self.sequence is not None else "the chain head"
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """What :func:`check_chain` found: events checked, the first problem (or
    ``None``), how many of the checked events carry erased personal values
    (their kept digests were trusted in place of the values), and the newest
    anchor reached."""

    checked: int
    problem: ChainProblem | None
    erased: int
    #: The sequence of the newest anchor the chain reached (``None``: no anchor log).
    anchored: int | None = None


#: The columns a chain check reads (every column the hash covers, and the hash).
CHAINED_COLUMNS = (
    "sequence",
    "at",
    "actor_id",
    "actor_label",
    "record_type",
    "record_id",
    "record_label",
    "action",
    "changes",
    "reason",
    "source",
    "previous_hash",
    "hash",
    "version",
    "salt",
    "personal_fields",
    "personal_digest",
)


def _stored_hash_matches(row: tuple[Any, ...], key: AuditKey | None) -> bool:
    (sequence, at, actor_id, actor_label, record_type, record_id, record_label, action,
     changes, reason, source, previous_hash, stored_hash, version, salt, names,
     digest) = row  # fmt: skip
    fields = {
        "sequence": sequence,
        "at": at,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "record_type": record_type,
        "record_id": record_id,
        "record_label": record_label,
        "action": action,
        "changes": changes,
        "reason": reason,
        "source": source,
        "previous_hash": previous_hash,
    }
    if version == 1:
        return bool(hash_payload(base_payload(**fields)) == stored_hash)
    sealed = stored_seal(record_label, changes, salt, names, digest)
    payload = sealed_payload(sealed, version=version, **fields)
    expected = hash_payload(payload, key if version >= 3 else None)
    return hmac.compare_digest(expected, stored_hash or "")


class _Segments:
    """The chain's key segments in order, checked as the walk reaches each."""

    def __init__(self) -> None:
        self.pending = list(AuditSegment.objects.order_by("first_sequence"))
        self.ring = keyring()
        self.key_id = ""  # before the first segment: unkeyed (versions 1 and 2)
        self.key: AuditKey | None = None

    def enter(self, sequence: int, previous_hash: str) -> str | None:
        """Move into the segment starting at ``sequence``, if one does; the
        problem with it, or ``None``."""
        if not self.pending or self.pending[0].first_sequence != sequence:
            if self.pending and self.pending[0].first_sequence < sequence:
                return f"a key segment starts at #{self.pending[0].first_sequence}, out of order"
            return None
        segment = self.pending.pop(0)
        if segment.previous_key_id != self.key_id or segment.previous_hash != previous_hash:
            return "its key segment does not follow the events and key before it"
        signer_id = segment.previous_key_id or segment.key_id
        signer = self.ring.get(signer_id)
        if signer is None:
            return (
                f"its key segment is signed with audit key {signer_id}, which is not in the "
                "keyring (LIAISON_AUDIT_RETIRED_KEYS, docs/audit.md)"
            )
        if not hmac.compare_digest(segment_signature(segment, signer), segment.signature):
            return f"its key segment is not signed by audit key {signer_id}"
        key = self.ring.get(segment.key_id)
        if key is None:
            return (
                f"it is signed with audit key {segment.key_id}, which is not in the keyring "
                "(LIAISON_AUDIT_RETIRED_KEYS, docs/audit.md)"
            )
        self.key_id, self.key = segment.key_id, key
        return None


def check_chain(
    *, batch_size: int = 2000, progress: Callable[[int], None] | None = None
) -> ChainCheck:
    """Recompute the chain: every event's hash from its content and the one before,
    under the key of its segment, up to the newest anchor.

    An event whose personal values were erased is checked against its kept
    digest (tampering with that digest or with any other value still shows).
    ``progress`` is called with the number of events checked so far, once per batch."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    checked = erased = 0
    segments = _Segments()
    anchor, anchor_problem = newest_anchor(segments.ring)
    if anchor_problem is not None:
        return ChainCheck(0, ChainProblem(None, anchor_problem), 0)
    # Plain rows, not model instances: a third of the time on 200,000 events.
    rows = (
        AuditEvent.objects.order_by("sequence", "pk")
        .values_list(*CHAINED_COLUMNS)
        .iterator(chunk_size=batch_size)
    )
    for row in rows:
        sequence, previous_hash, stored_hash, version = row[0], row[11], row[12], row[13]

        def problem(reason: str) -> ChainCheck:
            return ChainCheck(checked, ChainProblem(sequence, reason), erased)  # noqa: B023

        if sequence != expected_sequence:
            if sequence > expected_sequence:
                return problem(f"events #{expected_sequence}..#{sequence - 1} are missing")
            return problem(f"sequence {sequence} repeats or is out of order")
        if previous_hash != expected_previous:
            return problem("its previous-hash does not match the event before it")
        segment_problem = segments.enter(sequence, expected_previous)
        if segment_problem is not None:
            return problem(segment_problem)
        if (version >= 3) != (segments.key is not None):
            return problem(
                f"it is not signed with its segment's key (hashing version {version})"
                if segments.key is not None
                else "it claims a keyed hash but no key segment covers it"
            )
        if not _stored_hash_matches(row, segments.key):
            return problem("its content does not match its hash")
        if anchor is not None and sequence == anchor.sequence and stored_hash != anchor.hash:
            return problem(f"it does not match the anchor log ({anchor.place})")
        if row[16]:
            erased += 1
        expected_previous = stored_hash
        expected_sequence += 1
        checked += 1
        if progress is not None and checked % batch_size == 0:
            progress(checked)
    last_sequence = expected_sequence - 1
    tail = _tail_problem(segments, anchor, last_sequence, expected_previous)
    return ChainCheck(checked, tail, erased, anchor.sequence if anchor is not None else None)


def _tail_problem(
    segments: _Segments, anchor: Anchor | None, last_sequence: int, last_hash: str
) -> ChainProblem | None:
    """What is wrong after the last event: the head, a later segment, a later anchor."""
    if anchor is not None and anchor.sequence > last_sequence:
        return ChainProblem(
            None,
            f"the chain ends at #{last_sequence} but the anchor log records #{anchor.sequence}"
            f" ({anchor.place}): events at the end were removed",
        )
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.sequence != last_sequence or head.hash != last_hash):
        return ChainProblem(
            None,
            f"the head records event #{head.sequence} but the chain ends at #{last_sequence}"
            " (events at the end were removed or the head was altered)",
        )
    # A rotation with no event after it yet opens a segment at the next sequence.
    problem = segments.enter(last_sequence + 1, last_hash)
    if problem is not None:
        return ChainProblem(None, f"the newest key segment: {problem}")
    if segments.pending:
        return ChainProblem(
            None, f"a key segment starts at #{segments.pending[0].first_sequence}, after the end"
        )
    if head is not None and head.key_id != segments.key_id:
        return ChainProblem(None, "the head names a key that no segment started")
    return None


def verify_chain(
    *, batch_size: int = 2000, progress: Callable[[int], None] | None = None
) -> tuple[int, ChainProblem | None]:
    """:func:`check_chain` as ``(events checked, first problem or None)``."""
    result = check_chain(batch_size=batch_size, progress=progress)
    return result.checked, result.problem
