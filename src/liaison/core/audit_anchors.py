"""Anchors of the audit chain outside the database: an append-only log of the head.

After each commit that wrote audit events (or at most once per
``LIAISON_AUDIT_ANCHOR_INTERVAL`` seconds), the process appends the chain head's
sequence and hash to ``LIAISON_AUDIT_ANCHOR_FILE`` (a file in the data
directory by default, opened append-only, readable by its owner only), each
line signed with the audit key; ``LIAISON_AUDIT_ANCHOR_SYSLOG`` also sends it
to the local syslog, which can forward it to a write-once store. ``liaison audit
verify`` checks that the chain reaches the newest anchor and matches it, so
removing the newest events (and moving the head back) is caught, even by whoever
holds the database and the code.
"""

from __future__ import annotations

import hmac
import json
import logging
import logging.handlers
import os
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from liaison.core.audit_keys import AuditKey, current_key
from liaison.core.models import AuditChainHead

logger = logging.getLogger(__name__)

#: The newest sequence this process anchored, and when (seconds, monotonic).
_last = {"sequence": 0, "at": -1e9}


@dataclass(frozen=True, slots=True)
class Anchor:
    sequence: int
    hash: str
    place: str  # "audit-anchors.log line 12"


def _tag(key: AuditKey, sequence: int, chain_hash: str, at: str) -> str:
    return key.sign(f"liaison audit anchor\0{sequence}\0{chain_hash}\0{at}")


def anchoring() -> bool:
    return bool(settings.LIAISON_AUDIT_ANCHOR_FILE) or bool(settings.LIAISON_AUDIT_ANCHOR_SYSLOG)


def anchor_on_commit() -> None:
    """Anchor the head once the current transaction commits (audit writers call it)."""
    if anchoring():
        transaction.on_commit(write_anchor)


def write_anchor(*, force: bool = False) -> bool:
    """Append the committed head to the anchor log unless this process anchored it
    already, or did so less than the interval ago; whether a line was written. A
    log that cannot be written is reported and never fails the committed work."""
    interval = float(settings.LIAISON_AUDIT_ANCHOR_INTERVAL)
    if not force and time.monotonic() - _last["at"] < interval:
        return False
    head = AuditChainHead.objects.filter(id=1).values_list("sequence", "hash").first()
    if head is None or (head[0] <= _last["sequence"] and not force):
        return False
    sequence, chain_hash = head
    key = current_key()
    at = timezone.now().isoformat(timespec="seconds")
    line = json.dumps(
        {
            "sequence": sequence,
            "hash": chain_hash,
            "at": at,
            "key_id": key.key_id,
            "tag": _tag(key, sequence, chain_hash, at),
        },
        separators=(",", ":"),
    )
    try:
        if settings.LIAISON_AUDIT_ANCHOR_FILE:
            _append(Path(settings.LIAISON_AUDIT_ANCHOR_FILE), line)
        if settings.LIAISON_AUDIT_ANCHOR_SYSLOG:
            _syslog().info("liaison-audit-anchor %s", line)
    except OSError as error:
        logger.error("the audit anchor of event #%s could not be written: %s", sequence, error)
        return False
    _last["sequence"], _last["at"] = sequence, time.monotonic()
    return True


def _append(path: Path, line: str) -> None:
    # One write() of one short line on an O_APPEND descriptor: lines of several
    # processes never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)


_syslog_logger: logging.Logger | None = None


def _syslog() -> logging.Logger:
    global _syslog_logger
    if _syslog_logger is None:
        _syslog_logger = logging.getLogger("liaison.core.audit_anchors.syslog")
        address = "/dev/log" if Path("/dev/log").exists() else ("localhost", 514)
        _syslog_logger.addHandler(logging.handlers.SysLogHandler(address=address))
        _syslog_logger.setLevel(logging.INFO)
        _syslog_logger.propagate = False
    return _syslog_logger


def newest_anchor(ring: dict[str, AuditKey]) -> tuple[Anchor | None, str | None]:
    """The anchor with the highest sequence in the log, or the problem with the log:
    a line that is not an anchor, or one no key of ``ring`` signed (a forged line)."""
    name = settings.LIAISON_AUDIT_ANCHOR_FILE
    if not name or not Path(name).exists():
        return None, None
    path = Path(name)
    newest: Anchor | None = None
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, text in enumerate(lines, start=1):
            place = f"{path.name} line {number}"
            if not text.strip():
                continue
            try:
                item = json.loads(text)
                sequence, chain_hash = int(item["sequence"]), str(item["hash"])
                at, key_id, tag = str(item["at"]), str(item["key_id"]), str(item["tag"])
            except (ValueError, KeyError, TypeError):
                return None, f"the anchor log ({place}) holds a line that is not an anchor"
            key = ring.get(key_id)
            if key is None:
                return None, (
                    f"the anchor log ({place}) is signed with audit key {key_id}, which is not in "
                    "the keyring (LIAISON_AUDIT_RETIRED_KEYS, docs/audit.md), or forged"
                )
            if not hmac.compare_digest(_tag(key, sequence, chain_hash, at), tag):
                return None, f"the anchor log ({place}) holds a line no audit key signed"
            if newest is None or sequence >= newest.sequence:
                newest = Anchor(sequence, chain_hash, place)
    return newest, None
