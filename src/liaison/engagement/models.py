"""Field engagement: interactions with HCPs, planned meetings, follow-ups, insights
and their themes, the medical plan's strategic questions, engagement plans, and
each user's calendar feed.

An interaction is a regulated record: every change is audited, its author edits
it for ``LIAISON_INTERACTION_EDIT_DAYS`` days and amends it with a reason after
(the policy decides). Times are stored in UTC with the IANA time zone they were
entered in, so a meeting at 09:00 in Berlin stays at 09:00 in Berlin across a
daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from liaison.directory.models import HCP, Product, TherapeuticArea, validate_country
from liaison.literature.models import Publication
from liaison.trials.models import Trial


def validate_time_zone(value: str) -> None:
    """An IANA time zone name such as ``Europe/Berlin`` (a folder of the zone
    database, ``Europe``, is no zone either: zoneinfo raises an ``OSError`` for it)."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError(
            f"“{value[:64]}” is not a time zone (use a name such as Europe/Berlin)"
        ) from None


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Virtual meeting"
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    CONGRESS_BOOTH = "congress_booth", "Congress booth"
    GROUP = "group_meeting", "Group meeting"


class InteractionKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "1:1 scientific exchange"
    PRESENTATION = "presentation", "Presentation"
    SITE_VISIT = "trial_site_visit", "Trial site visit"
    ADVISORY_BOARD = "advisory_board", "Advisory board"
    CONGRESS = "congress", "Congress"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    LOGGED = "logged", "Logged as an interaction"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """A planned meeting with HCPs; logging it creates its interaction."""

    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    location = models.CharField(max_length=300, blank=True)
    meeting_link = models.URLField(max_length=500, blank=True)
    hcps = models.ManyToManyField(HCP, blank=True, related_name="meetings")
    other_attendees = models.JSONField(default=list, blank=True)
    agenda = models.TextField(blank=True)
    pre_reads = models.ManyToManyField(Publication, blank=True, related_name="pre_read_for")
    status = models.CharField(
        max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    # Raised on every change so calendar clients replace their copy (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["organizer", "starts_at"], name="meeting_organizer_start")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "the meeting must end after it starts"})


class Interaction(models.Model):
    """What happened when an MSL met one or more HCPs."""

    occurred_at = models.DateTimeField(db_index=True)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    msl = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interactions"
    )
    hcps = models.ManyToManyField(HCP, related_name="interactions")
    other_attendees = models.JSONField(default=list, blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    kind = models.CharField(max_length=20, choices=InteractionKind.choices)
    location = models.CharField(max_length=300, blank=True)
    meeting_link = models.URLField(max_length=500, blank=True)
    therapeutic_areas = models.ManyToManyField(
        TherapeuticArea, blank=True, related_name="interactions"
    )
    products = models.ManyToManyField(Product, blank=True, related_name="interactions")
    topics = models.JSONField(default=list, blank=True)
    publications = models.ManyToManyField(Publication, blank=True, related_name="interactions")
    trials = models.ManyToManyField(Trial, blank=True, related_name="interactions")
    materials = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    # Off-label: a product discussed outside its labelled indications in an
    # attendee's country. Then the exchange must have been unsolicited, and who
    # asked and how is kept with it.
    off_label = models.BooleanField(default=False)
    unsolicited = models.BooleanField(null=True, blank=True)
    unsolicited_requested_by = models.CharField(max_length=200, blank=True)
    unsolicited_how = models.TextField(blank=True)
    meeting = models.OneToOneField(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="interaction"
    )
    amendment_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["msl", "-occurred_at"], name="interaction_msl_when"),
            models.Index(fields=["channel", "-occurred_at"], name="interaction_channel_when"),
        ]

    def __str__(self) -> str:
        return f"Interaction of {self.occurred_at:%d %b %Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.occurred_at and self.occurred_at > timezone.now() + dt.timedelta(minutes=5):
            errors["occurred_at"] = "an interaction cannot be in the future"
        if self.off_label and self.unsolicited is not True:
            errors["unsolicited"] = (
                "a product was discussed outside its labelled indications: confirm that the "
                "HCP asked unprompted (unsolicited), who asked and how"
            )
        if self.off_label and self.unsolicited and not self.unsolicited_requested_by.strip():
            errors["unsolicited_requested_by"] = "say who asked the unsolicited question"
        if errors:
            raise ValidationError(errors)

    def edit_deadline(self) -> dt.datetime:
        """Until when its author edits it freely; after that, amendments with a reason."""
        return self.created_at + dt.timedelta(days=edit_window_days())


def edit_window_days() -> int:
    return int(getattr(settings, "LIAISON_INTERACTION_EDIT_DAYS", 7))


class InteractionDraft(models.Model):
    """What an MSL has typed into the interaction form, saved as they type.

    ``data`` holds the form's fields as typed (lists of ids for the pickers), so a
    draft with a mistake is kept until fixed; it is removed when the interaction
    is saved."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interaction_drafts"
    )
    data = models.JSONField(default=dict, blank=True)
    hcp = models.ForeignKey(HCP, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="drafts"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return f"Draft of {self.updated_at:%d %b %Y %H:%M}"


class FollowUp(models.Model):
    """Something promised to an HCP, by a date."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups"
    )
    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups"
    )
    hcp = models.ForeignKey(
        HCP, on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )
    description = models.TextField()
    due = models.DateField(db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["owner", "done_at", "due"], name="follow_up_open_due")]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due < timezone.localdate()


class InsightCategory(models.Model):
    """The administrators' taxonomy of insights (seeded by migration)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "insight categories"

    def __str__(self) -> str:
        return self.name


class StrategicQuestion(models.Model):
    """A question of the medical plan that insights answer, per therapeutic area and period."""

    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, related_name="strategic_questions"
    )
    code = models.CharField(max_length=20, blank=True)
    text = models.TextField()
    period_start = models.DateField()
    period_end = models.DateField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["therapeutic_area__name", "code", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.text}".strip()[:120]

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "the period must end after it starts"})


class InsightSource(models.TextChoices):
    INTERACTION = "interaction", "Interaction"
    ADVISORY_BOARD = "advisory_board", "Advisory board"
    CONGRESS = "congress", "Congress"
    INQUIRY = "inquiry", "Medical inquiry"


class InsightStatus(models.TextChoices):
    NEW = "new", "New"
    REVIEWED = "reviewed", "Reviewed"
    ACTIONED = "actioned", "Actioned"


class Theme(models.Model):
    """A group of insights found by the theme computation, or shaped by an insights lead.

    ``label`` is the top terms until someone renames it (``renamed``); a pinned
    theme is kept, with its insights, by every later computation."""

    label = models.CharField(max_length=200)
    renamed = models.BooleanField(default=False)
    pinned = models.BooleanField(default=False)
    top_terms = models.JSONField(default=list, blank=True)
    representative_ids = models.JSONField(default=list, blank=True)
    size = models.PositiveIntegerField(default=0)
    method = models.CharField(max_length=40, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-pinned", "-size", "pk"]

    def __str__(self) -> str:
        return self.label


class Insight(models.Model):
    """Something learnt from the field that the medical plan should hear."""

    statement = models.TextField()
    category = models.ForeignKey(InsightCategory, on_delete=models.PROTECT, related_name="insights")
    strategic_questions = models.ManyToManyField(
        StrategicQuestion, blank=True, related_name="insights"
    )
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, null=True, blank=True, related_name="insights"
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="insights"
    )
    source = models.CharField(
        max_length=20, choices=InsightSource.choices, default=InsightSource.INTERACTION
    )
    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, null=True, blank=True, related_name="insights"
    )
    hcp = models.ForeignKey(
        HCP, on_delete=models.SET_NULL, null=True, blank=True, related_name="insights"
    )
    country = models.CharField(max_length=2, blank=True, validators=[validate_country])
    publications = models.ManyToManyField(Publication, blank=True, related_name="insights")
    trials = models.ManyToManyField(Trial, blank=True, related_name="insights")
    msl = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="insights"
    )
    status = models.CharField(
        max_length=16, choices=InsightStatus.choices, default=InsightStatus.NEW, db_index=True
    )
    tags = models.JSONField(default=list, blank=True)
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="insights"
    )
    # Set when an insights lead moved it (merge, split): recomputation keeps it there.
    theme_locked = models.BooleanField(default=False)
    # Cached lower-case words of the statement, for "similar insights" (never audited).
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["msl", "-created_at"], name="insight_msl_when"),
            models.Index(fields=["status", "-created_at"], name="insight_status_when"),
            models.Index(fields=["theme", "-created_at"], name="insight_theme_when"),
            # The insights list's country and category filters at 200,000 insights.
            models.Index(fields=["country", "-created_at"], name="insight_country_when"),
            models.Index(fields=["category", "-created_at"], name="insight_category_when"),
        ]

    def __str__(self) -> str:
        return self.statement[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = " ".join(self.statement.lower().split())
        super().save(*args, **kwargs)


class InsightComment(models.Model):
    """A reviewer's or the author's comment on an insight."""

    insight = models.ForeignKey(Insight, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="insight_comments"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Tier(models.TextChoices):
    """The plan's own tier of a target until the experts app scores them."""

    TIER_1 = "1", "Tier 1"
    TIER_2 = "2", "Tier 2"
    TIER_3 = "3", "Tier 3"


#: Days between engagements each tier plans for, unless a plan says otherwise.
DEFAULT_TIER_FREQUENCY_DAYS = {"1": 30, "2": 90, "3": 180}


def default_tier_frequency() -> dict[str, int]:
    return dict(DEFAULT_TIER_FREQUENCY_DAYS)


class EngagementPlan(models.Model):
    """An MSL's target HCPs for a period, and how often each tier is to be engaged."""

    name = models.CharField(max_length=200)
    msl = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="engagement_plans"
    )
    territory = models.ForeignKey(
        "core.Territory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagement_plans",
    )
    period_start = models.DateField()
    period_end = models.DateField()
    tier_frequency_days = models.JSONField(default=default_tier_frequency)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "the period must end after it starts"})
        frequencies = self.tier_frequency_days
        if not isinstance(frequencies, dict) or any(
            tier not in Tier.values or not isinstance(days, int) or days < 1
            for tier, days in frequencies.items()
        ):
            raise ValidationError(
                {"tier_frequency_days": "give each tier (1, 2, 3) a number of days, at least 1"}
            )


class PlanTarget(models.Model):
    """An HCP an engagement plan aims to engage, with their tier."""

    plan = models.ForeignKey(EngagementPlan, on_delete=models.CASCADE, related_name="targets")
    hcp = models.ForeignKey(HCP, on_delete=models.CASCADE, related_name="plan_targets")
    tier = models.CharField(max_length=2, choices=Tier.choices, default=Tier.TIER_2)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["tier", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "hcp"], name="plan_target_once"),
        ]

    def __str__(self) -> str:
        return f"{self.hcp} (tier {self.tier})"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's secret calendar address; revoking it replaces the token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
