"""Users, roles, teams, territories, the audit trail, API tokens and job progress."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    MSL = "msl", "Medical Science Liaison"
    FIELD_MANAGER = "field_manager", "Field medical manager"
    MEDICAL_INFORMATION = "medical_information", "Medical information"
    PHARMACOVIGILANCE = "pharmacovigilance", "Pharmacovigilance"
    COMPLIANCE = "compliance", "Compliance"
    INSIGHTS_LEAD = "insights_lead", "Insights lead"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A person who signs in. Their role decides what the access policy allows."""

    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    territories: models.ManyToManyField[Territory, Any] = models.ManyToManyField(
        "Territory", blank=True, related_name="covered_by", help_text="Territories an MSL covers."
    )

    @property
    def is_administrator(self) -> bool:
        return self.is_active and (self.role == Role.ADMINISTRATOR or self.is_superuser)

    def has_role(self, *roles: str) -> bool:
        return self.is_active and (self.role in roles or self.is_administrator)


class Team(models.Model):
    """A field medical manager and the MSLs who report to them."""

    name = models.CharField(max_length=120, unique=True)
    manager = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="managed_teams", null=True, blank=True
    )
    members = models.ManyToManyField(User, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Territory(models.Model):
    """A set of HCPs and organizations.

    Membership is either explicit (directory records point at the territory) or
    geographic: every record whose country is in ``countries`` or whose region
    (ISO 3166-2 code such as ``US-CA``) is in ``regions``.
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    countries = models.JSONField(default=list, blank=True)
    regions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "territories"

    def __str__(self) -> str:
        return self.name


class AuditAction(models.TextChoices):
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    ERASE = "erase", "Erase personal data"
    #: An attempt refused for security (a wrong signature password): nothing changed.
    REFUSE = "refuse", "Refused attempt"


class AuditEvent(models.Model):
    """One append-only, hash-chained entry of the audit trail.

    ``hash`` covers the canonical JSON of the event's content and the previous
    event's hash, so altering, removing, reordering or inserting an event breaks
    every hash after it. ``liaison audit verify`` recomputes them. From
    ``version`` 3 the hash is HMAC-SHA-256 under the key of the event's
    :class:`AuditSegment` (a key outside the database); versions 1 and 2 (written
    before) are plain SHA-256.

    From ``version`` 2, the hash covers the personal values of an event (those
    its model's audit rules call personal, listed in ``personal_fields``, and
    the record label) only through a keyed digest: HMAC-SHA256 under the
    event's random ``salt``. The values stay readable in ``changes``. Erasing
    the subject (``liaison.core.audit_erasure``) replaces them with a marker,
    keeps the digest in ``personal_digest`` and drops the salt, so the chain
    still verifies and nobody can test guesses against the kept digest.
    Version 1 events (written before) hash every value directly.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    record_type = models.CharField(max_length=100, db_index=True)
    record_id = models.CharField(max_length=64)
    record_label = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    changes = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    source = models.CharField(max_length=16, default="web")
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    version = models.PositiveSmallIntegerField(default=1)
    salt = models.CharField(max_length=32, blank=True)
    personal_fields = models.JSONField(default=list, blank=True)
    personal_digest = models.CharField(max_length=64, blank=True)
    # When the personal values were erased; outside the hash (erasure is not a change of it).
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["record_type", "record_id"]),
            models.Index(fields=["at"]),
            models.Index(fields=["actor_label"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.record_type}:{self.record_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only: an event is written once, by audit.record_event(); only
        # audit_erasure rewrites its personal values, with a queryset update.
        if not kwargs.get("force_insert"):
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit events are append-only")


class AuditChainHead(models.Model):
    """A single row locked by every audit writer so the chain never forks.

    ``key_id`` names the key of the newest segment ("" before the chain was keyed)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    key_id = models.CharField(max_length=16, blank=True, default="")

    def __str__(self) -> str:
        return f"audit chain at #{self.sequence}"


class AuditSegment(models.Model):
    """Where the chain starts being signed with a key (``liaison.core.audit_keys``).

    Events from ``first_sequence`` until the next segment are version 3: their
    hash is HMAC-SHA-256 under the key ``key_id``. ``signature`` signs the link
    (``liaison.core.audit_chain.segment_link``: this segment's first sequence and
    key id, the key before it and the hash of the event before it) with the key
    before it, or with its own key for the first keyed segment, so a segment
    cannot be added without a key that signed the chain."""

    first_sequence = models.PositiveBigIntegerField(unique=True)
    key_id = models.CharField(max_length=16)
    previous_key_id = models.CharField(max_length=16, blank=True)
    previous_hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first_sequence"]

    def __str__(self) -> str:
        return f"audit segment from #{self.first_sequence} (key {self.key_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not kwargs.get("force_insert"):
            raise RuntimeError("audit segments are append-only")
        super().save(*args, **kwargs)


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    PREFIX = "lia_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def hash_secret(raw: str) -> str:
        return _hash_token(raw)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    # The worker running it stopped (killed, crashed, restarted) before it ended.
    INTERRUPTED = "interrupted", "Interrupted"


class Job(models.Model):
    """Progress of a long operation run as a background task.

    The web shows it on a job page; because it lives in the database it survives
    restarts of the web process and of the worker.
    """

    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    result_file = models.CharField(max_length=300, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # The task that runs the job (its dotted path), so that it can be run again.
    task_path = models.CharField(max_length=200, blank=True)
    # The worker process running it ("host:pid"), to tell when it stopped.
    runner = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.INTERRUPTED)

    @property
    def can_run_again(self) -> bool:
        return bool(self.task_path) and self.status in (JobStatus.FAILED, JobStatus.INTERRUPTED)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "kind": self.kind,
            "title": self.title,
            "status": self.status,
            "total": self.total,
            "done": self.done,
            "percent": self.percent,
            "counts": self.counts,
            "errors": self.errors,
            "message": self.message,
        }


class WorkerHeartbeat(models.Model):
    """A background worker process that reported it is alive (``liaison worker``).

    Each worker writes its row when it starts and every few seconds after, and
    marks it stopped when it exits cleanly; a row whose ``seen_at`` is old is a
    worker that died. Administrators see it (``liaison.core.workers``)."""

    name = models.CharField(max_length=120, unique=True)  # host:pid
    host = models.CharField(max_length=100)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"worker {self.name}"


class SignatureMeaning(models.TextChoices):
    """What a signer states by signing (21 CFR 11.50(a)(3))."""

    AUTHORED = "authored", "Authored"
    REVIEWED = "reviewed", "Reviewed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ElectronicSignature(models.Model):
    """An electronic signature in the 21 CFR Part 11 manner, linked to one exact record.

    Written once by :func:`liaison.core.signatures.sign_record` after the signer
    re-entered their password; never changed or deleted (the signer is protected too).
    ``printed_name`` is frozen at signing, so a later change of the user's name leaves
    the manifestation as it was. ``content_digest`` is the SHA-256 of the exact content
    signed: the version shown can be checked to be the version signed.
    """

    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="electronic_signatures"
    )
    printed_name = models.CharField(max_length=300)
    meaning = models.CharField(max_length=16, choices=SignatureMeaning.choices)
    signed_at = models.DateTimeField()
    #: The signed record's model, as ``"medinfo.ResponseVersion"``.
    record_label = models.CharField(max_length=100)
    record_id = models.CharField(max_length=64)
    content_digest = models.CharField("content digest (SHA-256)", max_length=64)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["signed_at", "pk"]
        indexes = [models.Index(fields=["record_label", "record_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["record_label", "record_id", "signer", "meaning"],
                name="core_signature_once_per_meaning",
            ),
        ]

    def __str__(self) -> str:
        when = f", {self.signed_at:%Y-%m-%d %H:%M %Z}" if self.signed_at else ""
        return f"{self.get_meaning_display()} by {self.printed_name}{when}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A signature is evidence: written once, never edited.
        if not kwargs.get("force_insert"):
            raise RuntimeError("electronic signatures are written once and never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("electronic signatures are never deleted")
