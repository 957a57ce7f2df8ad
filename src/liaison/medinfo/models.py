"""Medical inquiries, their hand-offs and answers; standard response documents
and their versions, each approved with an electronic signature.

An inquiry records who asked (an HCP of the directory, or another named
person), the question verbatim, the product and indication, the channel and how
the answer should be delivered. Off-label is decided from the product's
labelled indications in the requester's country (by the service, never by the
caller); an off-label inquiry carries the unsolicited attestation (who asked,
when, how, in the requester's words), which travels into every answer and report.

A response version belongs to a standard response (reused across inquiries) or
to one inquiry (a custom response); either is sent only once approved and before
its expiry date.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from liaison.directory.models import HCP, Product, TherapeuticArea, validate_country
from liaison.engagement.models import Interaction, validate_time_zone


class InquiryChannel(models.TextChoices):
    FIELD = "field", "In the field (MSL)"
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    WEB = "web", "Web form"
    CONGRESS = "congress", "Congress booth"
    LETTER = "letter", "Letter or fax"


class DeliveryMethod(models.TextChoices):
    EMAIL = "email", "E-mail"
    POST = "post", "Post"
    PHONE = "phone", "Phone call"
    IN_PERSON = "in_person", "In person (MSL)"
    FAX = "fax", "Fax"


class Priority(models.TextChoices):
    URGENT = "urgent", "Urgent"
    HIGH = "high", "High"
    NORMAL = "normal", "Normal"
    LOW = "low", "Low"


class InquiryStatus(models.TextChoices):
    RECEIVED = "received", "Received (with the MSL)"
    FORWARDED = "forwarded", "With medical information"
    IN_PROGRESS = "in_progress", "In progress"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


#: Statuses whose turnaround clock still runs.
OPEN_STATUSES = (InquiryStatus.RECEIVED, InquiryStatus.FORWARDED, InquiryStatus.IN_PROGRESS)


class Inquiry(models.Model):
    """A medical inquiry: an unsolicited question a requester asked us."""

    reference = models.CharField(max_length=30, unique=True, editable=False)
    channel = models.CharField(max_length=16, choices=InquiryChannel.choices)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Where it was taken: its days (received, due, answered) are counted there.
    time_zone = models.CharField(
        "time zone",
        max_length=64,
        blank=True,
        default="",
        validators=[validate_time_zone],
        help_text="IANA name, e.g. Europe/Berlin; empty: the server's time zone",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="received_inquiries"
    )
    interaction = models.ForeignKey(
        Interaction, on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name="follow-up of",
    )

    requester_hcp = models.ForeignKey(
        HCP, on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    requester_name = models.CharField("requester", max_length=200)
    requester_organization = models.CharField(max_length=300, blank=True)
    requester_email = models.EmailField(blank=True)
    requester_phone = models.CharField(max_length=40, blank=True)
    requester_address = models.TextField("postal address", blank=True)
    requester_country = models.CharField(
        "requester's country", max_length=2, validators=[validate_country]
    )

    question = models.TextField("question as asked")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    indication = models.CharField(max_length=300, blank=True)
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    topic = models.CharField(max_length=120, blank=True)
    delivery_method = models.CharField(
        "answer by", max_length=16, choices=DeliveryMethod.choices, default=DeliveryMethod.EMAIL
    )
    signature_copy = models.BooleanField("signed copy requested", default=False)

    off_label = models.BooleanField(default=False)
    off_label_reason = models.CharField(max_length=300, blank=True)
    unsolicited_requested_by = models.CharField("asked by", max_length=200, blank=True)
    unsolicited_requested_at = models.DateTimeField("asked on", null=True, blank=True)
    unsolicited_how = models.CharField("how it was asked", max_length=300, blank=True)
    unsolicited_words = models.TextField("in the requester's words", blank=True)

    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    due_on = models.DateField("answer due", db_index=True)
    status = models.CharField(
        max_length=16,
        choices=InquiryStatus.choices,
        default=InquiryStatus.FORWARDED,
        db_index=True,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_inquiries",
    )
    forwarded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "inquiries"
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(off_label=False)
                | (
                    ~models.Q(unsolicited_requested_by="")
                    & models.Q(unsolicited_requested_at__isnull=False)
                    & ~models.Q(unsolicited_how="")
                    & ~models.Q(unsolicited_words="")
                ),
                name="medinfo_offlabel_inquiry_attested",
                violation_error_message="an off-label inquiry needs the unsolicited attestation",
            )
        ]

    def __str__(self) -> str:
        return self.reference or f"inquiry {self.pk}"

    def clean(self) -> None:
        asked, received = self.unsolicited_requested_at, self.received_at
        if asked and received and asked > received + _SLACK:
            raise ValidationError(
                {"unsolicited_requested_at": "the question was asked after it was received"}
            )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def zone_name(self) -> str:
        """The IANA time zone its days are counted in (the server's when none was kept)."""
        return self.time_zone or settings.TIME_ZONE


_SLACK = dt.timedelta(minutes=5)


class Handoff(models.Model):
    """One step of an inquiry's chain of custody (received, forwarded, assigned)."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="handoffs")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_team = models.CharField(max_length=60, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        to = self.to_user or self.to_team
        return f"{self.inquiry} from {self.from_user} to {to}"


class StandardResponse(models.Model):
    """A standard response document, reused across inquiries, in versions."""

    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=250)
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    products = models.ManyToManyField(Product, blank=True, related_name="standard_responses")
    topics = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RETIRED = "retired", "Retired"


class ResponseVersion(models.Model):
    """One version of a standard response, or a custom response to one inquiry."""

    standard = models.ForeignKey(
        StandardResponse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
    )
    inquiry = models.ForeignKey(
        Inquiry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="custom_responses",
    )
    number = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=250)
    body = models.TextField()
    references = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT, db_index=True
    )
    expires_on = models.DateField("expires on", null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    content_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-number", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(standard__isnull=False) & models.Q(inquiry__isnull=True))
                | (models.Q(standard__isnull=True) & models.Q(inquiry__isnull=False)),
                name="medinfo_version_standard_or_custom",
                violation_error_message="a response is a standard response's or one inquiry's",
            ),
            models.UniqueConstraint(
                fields=["standard", "number"],
                condition=models.Q(standard__isnull=False),
                name="medinfo_version_number_unique",
            ),
        ]

    def __str__(self) -> str:
        owner = self.standard.code if self.standard_id and self.standard else "custom"
        return f"{owner} v{self.number}: {self.title}"

    def sendable_on(self, day: dt.date) -> bool:
        """Approved and not expired on ``day``."""
        return (
            self.status == VersionStatus.APPROVED
            and self.expires_on is not None
            and day <= self.expires_on
        )


class Answer(models.Model):
    """The answer of an inquiry: an approved response version, its cover note and
    its delivery record (channel, date, by whom)."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="answers")
    version = models.ForeignKey(ResponseVersion, on_delete=models.PROTECT, related_name="answers")
    cover_note = models.TextField(blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    delivery_method = models.CharField(max_length=16, choices=DeliveryMethod.choices, blank=True)
    delivery_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["prepared_at", "pk"]

    def __str__(self) -> str:
        return f"answer to {self.inquiry}"
