"""The keys of the audit chain: the current one signs, retired ones still verify.

The chain's hashes are HMAC-SHA-256 under a key that is never in the database
(``LIAISON_AUDIT_KEY``, or a file generated once into the data directory), so
whoever holds the database alone cannot recompute a valid chain. A key is named
by its *id*, a digest of it that reveals nothing of the key. Rotating the key
starts a new segment of the chain (:class:`~liaison.core.models.AuditSegment`),
signed by the key before it; the retired key stays in the keyring so the older
segment still verifies.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True, slots=True)
class AuditKey:
    key_id: str
    secret: bytes

    def sign(self, content: str) -> str:
        return hmac.digest(self.secret, content.encode("utf-8"), "sha256").hex()


@lru_cache(maxsize=32)
def key_from(text: str) -> AuditKey:
    secret = text.strip().encode("utf-8")
    if len(secret) < 32:
        raise ImproperlyConfigured(
            "LIAISON_AUDIT_KEY: an audit key must be at least 32 characters long"
        )
    key_id = hashlib.sha256(b"liaison audit key id\0" + secret).hexdigest()[:16]
    return AuditKey(key_id, secret)


def current_key() -> AuditKey:
    """The key new events are signed with. A generated key is read from its file
    (again when the file changes), so a rotation reaches running processes."""
    if settings.LIAISON_AUDIT_KEY_GENERATED:
        key_file = Path(settings.DATA_DIR) / "audit_key"
        try:
            return _key_in_file(str(key_file), key_file.stat().st_mtime_ns)
        except FileNotFoundError:
            pass
    return key_from(str(settings.LIAISON_AUDIT_KEY))


@lru_cache(maxsize=4)
def _key_in_file(path: str, mtime_ns: int) -> AuditKey:
    return key_from(Path(path).read_text(encoding="utf-8"))


def _retired_files() -> list[Path]:
    folder = Path(settings.LIAISON_AUDIT_KEYS_DIR)
    return sorted(folder.glob("*.key")) if folder.is_dir() else []


def keyring() -> dict[str, AuditKey]:
    """Every key the chain may be signed with, by id: the current and the retired."""
    texts = [*settings.LIAISON_AUDIT_RETIRED_KEYS]
    texts += [path.read_text(encoding="utf-8") for path in _retired_files()]
    keys = {key.key_id: key for key in map(key_from, texts)}
    current = current_key()
    keys[current.key_id] = current
    return keys


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def rotate_generated_key() -> tuple[AuditKey, AuditKey]:
    """Replace the generated key file with a new key, keeping the old one in the
    retired keys' folder; returns ``(old, new)``. Keys set by the environment are
    rotated by whoever sets it (docs/audit.md)."""
    if not settings.LIAISON_AUDIT_KEY_GENERATED:
        raise ImproperlyConfigured(
            "the audit key is set by LIAISON_AUDIT_KEY: set the new key there and add the old "
            "one to LIAISON_AUDIT_RETIRED_KEYS; the next audited write starts the new segment"
        )
    old = current_key()
    folder = Path(settings.LIAISON_AUDIT_KEYS_DIR)
    folder.mkdir(mode=0o700, exist_ok=True)
    retired = folder / f"{old.key_id}.key"
    if not retired.exists():
        _write_private(retired, old.secret.decode("utf-8"))
    text = secrets.token_urlsafe(64)
    key_file = Path(settings.DATA_DIR) / "audit_key"
    staged = key_file.with_name("audit_key.new")
    staged.unlink(missing_ok=True)
    _write_private(staged, text)
    staged.replace(key_file)
    return old, key_from(text)
