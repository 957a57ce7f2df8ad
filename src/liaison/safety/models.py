"""Adverse-event cases, the reactions and products they report, the flags raised
by adverse-event language in saved notes, and the cases' E2B(R3) submissions.

A case starts from an interaction, an inquiry or on its own. Its source is kept
as a label, an id, a title and an address (``source_*``), not a foreign key:
inquiries live in ``medinfo``, an app of the same layer, which ``safety`` does
not import. Day 0 (``day_zero``) is the first awareness by any employee; it is
required and changed only with a reason (the service asks for one). A follow-up or
an amendment records the day its information was received (``latest_received_on``,
E2B C.1.5), from which its regulatory clock runs; each E2B file (``Submission``)
records the case version it reports.

Patient fields (``patient_*``) are personal data: only pharmacovigilance reads
them (the policy's ``read_patient``), the audit trail records them as personal
(erasable) and the E2B export masks the initials unless allowed.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from liaison.directory.models import HCP, Product, validate_country

MEDDRA_CODE = re.compile(r"\d{8}\Z")
#: The largest age at onset a case keeps, in any unit.
MAX_AGE = 150


def validate_meddra_code(value: str) -> None:
    if value and not MEDDRA_CODE.match(value):
        raise ValidationError(f"{value!r} is not a MedDRA code: a MedDRA code is 8 digits")


def validate_e2b_country(value: str) -> None:
    """An ISO 3166-1 alpha-2 code, or EU (E2B allows it where a reaction occurred)."""
    if value != "EU":
        validate_country(value)


#: The furthest time zone ahead of UTC (Kiribati, UTC+14).
_EARLIEST_ZONE = dt.timedelta(hours=14)


def latest_day() -> dt.date:
    """The latest calendar day anywhere on Earth now: what an employee in Berlin just
    after midnight calls today is not in the future for a server on UTC."""
    return (timezone.now().astimezone(dt.UTC) + _EARLIEST_ZONE).date()


def validate_not_future(value: dt.date) -> None:
    if value and value > latest_day():
        raise ValidationError("this date is in the future")


class CaseStatus(models.TextChoices):
    INTAKE = "intake", "Intake (not yet forwarded)"
    FORWARDED = "forwarded", "Forwarded to pharmacovigilance"
    IN_REVIEW = "in_review", "In review by pharmacovigilance"
    SUBMITTED = "submitted", "Submitted"
    CLOSED = "closed", "Closed"
    NULLIFIED = "nullified", "Nullified"


class CaseVersion(models.TextChoices):
    INITIAL = "initial", "Initial"
    FOLLOW_UP = "follow_up", "Follow-up"
    AMENDMENT = "amendment", "Amendment"
    NULLIFICATION = "nullification", "Nullification"


class SourceKind(models.TextChoices):
    INTERACTION = "interaction", "Interaction"
    INQUIRY = "inquiry", "Medical inquiry"
    DIRECT = "direct", "Reported directly"
    IMPORT = "import", "Imported E2B file"


class SpecialSituation(models.TextChoices):
    PREGNANCY = "pregnancy", "Pregnancy"
    BREASTFEEDING = "breastfeeding", "Breastfeeding"
    OVERDOSE = "overdose", "Overdose"
    ABUSE = "abuse", "Abuse"
    MISUSE = "misuse", "Misuse"
    MEDICATION_ERROR = "medication_error", "Medication error"
    OFF_LABEL_USE = "off_label_use", "Off-label use"
    LACK_OF_EFFICACY = "lack_of_efficacy", "Lack of efficacy"
    OCCUPATIONAL_EXPOSURE = "occupational_exposure", "Occupational exposure"


class Expectedness(models.TextChoices):
    UNKNOWN = "unknown", "Not yet assessed"
    EXPECTED = "expected", "Expected (listed)"
    UNEXPECTED = "unexpected", "Unexpected (unlisted)"


class Sex(models.TextChoices):
    UNKNOWN = "", "Unknown"
    MALE = "male", "Male"
    FEMALE = "female", "Female"


class AgeUnit(models.TextChoices):
    YEARS = "a", "years"
    MONTHS = "mo", "months"
    WEEKS = "wk", "weeks"
    DAYS = "d", "days"
    DECADES = "dec", "decades"


class Qualification(models.TextChoices):
    UNKNOWN = "", "Unknown"
    PHYSICIAN = "physician", "Physician"
    PHARMACIST = "pharmacist", "Pharmacist"
    OTHER_HCP = "other_hcp", "Other health professional"
    LAWYER = "lawyer", "Lawyer"
    CONSUMER = "consumer", "Consumer or other non-health professional"


class SubmissionStatus(models.TextChoices):
    NOT_SUBMITTED = "not_submitted", "Not submitted"
    #: Written, not yet sent: exporting a file is not submitting it.
    EXPORTED = "exported", "Exported, not yet sent"
    SENT = "sent", "Sent, awaiting acknowledgement"
    ACCEPTED = "accepted", "Acknowledged: accepted"
    REJECTED = "rejected", "Acknowledged: rejected"


class Case(models.Model):
    """An individual case safety report: one adverse event (or product complaint,
    or special situation) of one patient, as pharmacovigilance works it."""

    reference = models.CharField(max_length=30, unique=True, editable=False)
    #: C.1.1: the sender's safety report unique identifier (country-sender-number).
    safety_report_id = models.CharField("safety report id", max_length=100, unique=True)
    #: C.1.8.1: kept through follow-ups; the first sender's id for an imported case.
    worldwide_id = models.CharField("worldwide unique case id", max_length=100, blank=True)
    status = models.CharField(
        max_length=16, choices=CaseStatus.choices, default=CaseStatus.INTAKE, db_index=True
    )
    version_kind = models.CharField(
        "case version", max_length=16, choices=CaseVersion.choices, default=CaseVersion.INITIAL
    )
    version_number = models.PositiveSmallIntegerField(default=1)
    nullification_reason = models.TextField(blank=True)
    #: C.1.5: the day the information of the latest follow-up or amendment was received;
    #: empty for the initial version (Day 0 is).
    latest_received_on = models.DateField(
        "new information received", null=True, blank=True, validators=[validate_not_future]
    )
    #: The day the running regulatory clock started when not Day 0: the information of a
    #: follow-up or amendment received after the case had been submitted. New information
    #: before any submission leaves the first report's deadline standing (ICH E2D).
    clock_started_on = models.DateField("regulatory clock from", null=True, blank=True)

    is_adverse_event = models.BooleanField("adverse event", default=True)
    is_product_complaint = models.BooleanField("product complaint", default=False)
    special_situations = models.JSONField(default=list, blank=True)
    complaint_details = models.TextField("product complaint details", blank=True)

    source_kind = models.CharField(
        "source", max_length=16, choices=SourceKind.choices, default=SourceKind.DIRECT
    )
    source_label = models.CharField(max_length=60, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_title = models.CharField(max_length=300, blank=True)
    source_url = models.CharField(max_length=300, blank=True)

    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_cases"
    )
    #: Day 0: the first awareness of the event by any employee.
    day_zero = models.DateField("Day 0", validators=[validate_not_future])
    awareness = models.TextField("how we learned of it", blank=True)
    #: Where the event happened (the reporter's country when unknown): holidays and EU rules.
    country = models.CharField(max_length=2, validators=[validate_country])
    forwarded_at = models.DateTimeField("forwarded to pharmacovigilance", null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    expectedness = models.CharField(
        max_length=12, choices=Expectedness.choices, default=Expectedness.UNKNOWN
    )
    submission_status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.NOT_SUBMITTED
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    # The patient: personal data, read by pharmacovigilance only.
    patient_initials = models.CharField(max_length=10, blank=True)
    patient_birth_date = models.DateField(
        "date of birth", null=True, blank=True, validators=[validate_not_future]
    )
    patient_age = models.PositiveSmallIntegerField(
        "age at onset", null=True, blank=True, validators=[MaxValueValidator(MAX_AGE)]
    )
    patient_age_unit = models.CharField(
        "age unit", max_length=3, choices=AgeUnit.choices, default=AgeUnit.YEARS, blank=True
    )
    patient_sex = models.CharField("sex", max_length=8, choices=Sex.choices, blank=True)
    patient_weight_kg = models.DecimalField(
        "weight (kg)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    patient_height_cm = models.DecimalField(
        "height (cm)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    patient_medical_history = models.TextField("relevant medical history", blank=True)

    # The reporter (primary source).
    reporter_hcp = models.ForeignKey(
        HCP, on_delete=models.SET_NULL, null=True, blank=True, related_name="reported_cases"
    )
    reporter_given_name = models.CharField(max_length=120, blank=True)
    reporter_family_name = models.CharField(max_length=120, blank=True)
    reporter_organization = models.CharField(max_length=300, blank=True)
    reporter_country = models.CharField(max_length=2, blank=True, validators=[validate_country])
    reporter_qualification = models.CharField(
        max_length=12, choices=Qualification.choices, blank=True
    )
    reporter_contact = models.CharField("reporter's contact", max_length=300, blank=True)

    narrative = models.TextField("case narrative", blank=True)
    reporter_comments = models.TextField(blank=True)
    sender_comments = models.TextField(blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day_zero", "-pk"]
        indexes = [models.Index(fields=["status", "day_zero"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(version_kind="nullification")
                | ~models.Q(nullification_reason=""),
                name="safety_case_nullification_has_reason",
                violation_error_message="a nullification says why the case is nullified",
            )
        ]

    def __str__(self) -> str:
        return self.reference or f"case {self.pk}"

    def clean(self) -> None:
        if not (self.is_adverse_event or self.is_product_complaint or self.special_situations):
            raise ValidationError(
                {
                    "is_adverse_event": "a case reports an adverse event, a product complaint "
                    "or a special situation"
                }
            )
        unknown = set(self.special_situations or []) - set(SpecialSituation.values)
        if unknown:
            raise ValidationError(
                {"special_situations": f"unknown special situation {sorted(unknown)[0]!r}"}
            )
        if self.patient_birth_date and self.day_zero and self.patient_birth_date > self.day_zero:
            raise ValidationError({"patient_birth_date": "the patient was born after Day 0"})
        if self.latest_received_on and self.day_zero and self.latest_received_on < self.day_zero:
            raise ValidationError(
                {"latest_received_on": f"it is before Day 0 ({self.day_zero:%d %b %Y})"}
            )

    @property
    def clock_start(self) -> dt.date:
        """The day the regulatory clock runs from: new information received after a
        submission, else Day 0."""
        return self.clock_started_on or self.day_zero

    @property
    def reporter_name(self) -> str:
        if self.reporter_hcp_id and not (self.reporter_given_name or self.reporter_family_name):
            return str(self.reporter_hcp)
        return " ".join(
            part for part in (self.reporter_given_name, self.reporter_family_name) if part
        )


class Outcome(models.TextChoices):
    UNKNOWN = "unknown", "Unknown"
    RECOVERED = "recovered", "Recovered or resolved"
    RECOVERING = "recovering", "Recovering or resolving"
    NOT_RECOVERED = "not_recovered", "Not recovered or not resolved"
    SEQUELAE = "sequelae", "Recovered or resolved with sequelae"
    FATAL = "fatal", "Fatal"


#: The seriousness criteria (ICH E2A), in E2B's order (E.i.3.2a-f).
SERIOUSNESS = (
    ("results_in_death", "Results in death"),
    ("life_threatening", "Life-threatening"),
    ("hospitalisation", "Caused or prolonged hospitalisation"),
    ("disabling", "Disabling or incapacitating"),
    ("congenital_anomaly", "Congenital anomaly or birth defect"),
    ("medically_important", "Other medically important condition"),
)


class Reaction(models.Model):
    """One reaction or event of a case (E.i)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reactions")
    verbatim = models.CharField("as reported", max_length=250)
    language = models.CharField(max_length=3, blank=True, default="eng")
    meddra_version = models.CharField("MedDRA version", max_length=5, blank=True)
    meddra_code = models.CharField(
        "MedDRA LLT code", max_length=8, blank=True, validators=[validate_meddra_code]
    )
    start_date = models.DateField(null=True, blank=True, validators=[validate_not_future])
    end_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.UNKNOWN)
    results_in_death = models.BooleanField(default=False)
    life_threatening = models.BooleanField(default=False)
    hospitalisation = models.BooleanField(default=False)
    disabling = models.BooleanField(default=False)
    congenital_anomaly = models.BooleanField(default=False)
    medically_important = models.BooleanField(default=False)
    country = models.CharField(max_length=2, blank=True, validators=[validate_e2b_country])

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.verbatim

    def clean(self) -> None:
        if self.meddra_code and not self.meddra_version:
            raise ValidationError({"meddra_version": "a MedDRA code needs its MedDRA version"})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "the reaction ends before it starts"})

    @property
    def serious(self) -> bool:
        return any(getattr(self, name) for name, _ in SERIOUSNESS)

    @property
    def criteria(self) -> list[str]:
        return [label for name, label in SERIOUSNESS if getattr(self, name)]


class ProductRole(models.TextChoices):
    SUSPECT = "suspect", "Suspect"
    CONCOMITANT = "concomitant", "Concomitant"
    INTERACTING = "interacting", "Interacting"
    NOT_ADMINISTERED = "not_administered", "Drug not administered"


class ActionTaken(models.TextChoices):
    UNKNOWN = "", "Unknown"
    WITHDRAWN = "withdrawn", "Drug withdrawn"
    REDUCED = "reduced", "Dose reduced"
    INCREASED = "increased", "Dose increased"
    NOT_CHANGED = "not_changed", "Dose not changed"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class CaseProduct(models.Model):
    """A suspect, concomitant or interacting product of a case (G.k)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="products")
    role = models.CharField(max_length=16, choices=ProductRole.choices, default=ProductRole.SUSPECT)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="case_products"
    )
    name = models.CharField("product as reported", max_length=250)
    batch_number = models.CharField(max_length=35, blank=True)
    dose = models.CharField(max_length=60, blank=True, help_text="e.g. 200 mg")
    dosage_text = models.CharField("dosage as reported", max_length=250, blank=True)
    route = models.CharField(max_length=60, blank=True)
    start_date = models.DateField(null=True, blank=True, validators=[validate_not_future])
    end_date = models.DateField(null=True, blank=True)
    indication = models.CharField(max_length=250, blank=True)
    action_taken = models.CharField(max_length=16, choices=ActionTaken.choices, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display().lower()})"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "the product was stopped before it was started"})


class FlagStatus(models.TextChoices):
    OPEN = "open", "Waiting for the author"
    CONFIRMED = "confirmed", "Confirmed: reported as a case"
    DISMISSED = "dismissed", "Dismissed with a reason"


class FlagKind(models.TextChoices):
    """What a flag reports: an adverse event, a product complaint, or one of the
    special situations, taken from :class:`SpecialSituation` so the two lists agree."""

    # The documented enum idiom for members made in a loop (``_ignore_`` drops the
    # loop variable); the stored values are the special situations' own.
    _ignore_ = ["situation"]
    ADVERSE_EVENT = "adverse_event", "Adverse event"
    PRODUCT_COMPLAINT = "product_complaint", "Product complaint"
    for situation in SpecialSituation:
        vars()[situation.name] = situation.value, situation.label


class Flag(models.Model):
    """Adverse-event language found in saved free text (interaction notes, an
    inquiry's question), waiting for its author to confirm or dismiss it."""

    source_kind = models.CharField(max_length=16, choices=SourceKind.choices)
    source_label = models.CharField(max_length=60)
    source_id = models.PositiveBigIntegerField()
    source_title = models.CharField(max_length=300)
    source_url = models.CharField(max_length=300, blank=True)
    field = models.CharField("found in", max_length=60)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="safety_flags"
    )
    kind = models.CharField(max_length=24, choices=FlagKind.choices)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="safety_flags"
    )
    product_name = models.CharField(max_length=120)
    terms = models.CharField("words found", max_length=200)
    #: Read by the sentence model (no rule matched): ``terms`` are the words it
    #: weighed most, not an event's name.
    by_model = models.BooleanField("found by the sentence model", default=False)
    sentence = models.TextField()
    #: The day the author heard it: Day 0 of the case a confirmation opens.
    heard_on = models.DateField()
    country = models.CharField(max_length=2, blank=True)
    status = models.CharField(
        max_length=12, choices=FlagStatus.choices, default=FlagStatus.OPEN, db_index=True
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.TextField(blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags"
    )
    escalated_at = models.DateTimeField(
        "escalated to pharmacovigilance", null=True, blank=True, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["source_label", "source_id"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="dismissed") | ~models.Q(dismiss_reason=""),
                name="safety_flag_dismissal_has_reason",
                violation_error_message="a dismissed flag says why",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.product_name} ({self.source_title})"


class Submission(models.Model):
    """An E2B(R3) file exported for a case, whether and when it was sent, and what
    its acknowledgement said. Exporting records the file; only marking it sent (or
    a positive acknowledgement) submits the case and stops its regulatory clock."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="submissions")
    #: The case version the file reports: only a file of the current version submits it.
    version_number = models.PositiveSmallIntegerField("case version", default=1)
    message_id = models.CharField(max_length=100, db_index=True)
    batch_id = models.CharField(max_length=100, unique=True)
    regional = models.CharField(max_length=10, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    exported_at = models.DateTimeField(default=timezone.now)
    # blank: None (not validated: no schema set configured) passes full_clean.
    valid = models.BooleanField(
        null=True, blank=True, help_text="validated against the ICH schema set"
    )
    #: The patient's initials written as given, not masked with nullFlavor MSK (None:
    #: exported before the choice was kept).
    initials_unmasked = models.BooleanField(
        "patient's initials sent unmasked", null=True, blank=True, default=False
    )
    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.EXPORTED
    )
    sent_at = models.DateTimeField("sent", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack_text = models.TextField("acknowledgement", blank=True)

    class Meta:
        ordering = ["-exported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} E2B message {self.message_id}"


class FollowUpRequest(models.Model):
    """A request to the reporter for what the case is missing."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_up_requests")
    missing = models.JSONField(default=list, blank=True)
    message = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"follow-up request for {self.case}"
