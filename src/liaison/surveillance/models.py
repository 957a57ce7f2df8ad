"""Surveillance: saved searches ("watches") over publications and trials, the
alerts their new hits raise in each user's inbox, and the daily digest.

A watch belongs to one user or to one team; each run matches the library (after
fetching from PubMed or ClinicalTrials.gov in live mode) and writes one alert per
new hit and recipient. The unique constraints on :class:`Alert` make a re-run
harmless: a hit already alerted to a recipient is never alerted again.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from liaison.core.models import Team
from liaison.directory.models import Product, TherapeuticArea
from liaison.lib import query as query_language
from liaison.literature.models import Publication
from liaison.trials.models import (
    PHASE_LABELS,
    STATUS_LABELS,
    Trial,
    TrialStatusChange,
    phase_label,
    status_label,
)


class WatchKind(models.TextChoices):
    PUBLICATION = "publication", "Publications"
    TRIAL = "trial", "Trials"


class WatchMode(models.TextChoices):
    LIBRARY = "library", "Against the local library"
    LIVE = "live", "Live (fetch from PubMed / ClinicalTrials.gov first)"


class Schedule(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MANUAL = "manual", "Only when run by hand"


#: How long after its last run a scheduled watch is due again.
SCHEDULE_INTERVALS: dict[str, dt.timedelta] = {
    Schedule.DAILY: dt.timedelta(days=1),
    Schedule.WEEKLY: dt.timedelta(days=7),
}


class Watch(models.Model):
    """A saved search whose new hits become alerts for its owner or its team's members."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=WatchKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="watches",
        help_text="A personal watch's owner (leave empty for a team watch).",
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="watches",
        help_text="A team watch alerts every member of the team and its manager.",
    )
    mode = models.CharField(max_length=16, choices=WatchMode.choices, default=WatchMode.LIBRARY)
    # Publications: a PubMed query (PubMed's when live; the library's search language,
    # liaison.lib.query, when run on the library).
    query = models.TextField(blank=True, help_text="PubMed query, e.g. nivolumab AND melanoma")
    # Trials: criteria as ClinicalTrials.gov names them.
    condition = models.CharField(max_length=300, blank=True)
    intervention = models.CharField(max_length=300, blank=True)
    sponsor = models.CharField(max_length=300, blank=True)
    statuses = models.JSONField(
        default=list, blank=True, help_text="Overall statuses, e.g. RECRUITING"
    )
    phases = models.JSONField(default=list, blank=True, help_text="Phases, e.g. PHASE3")
    country = models.CharField(
        max_length=100, blank=True, help_text="A site's country, e.g. Germany"
    )
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_competitor = models.BooleanField("competitor intelligence", default=False)
    schedule = models.CharField(max_length=16, choices=Schedule.choices, default=Schedule.DAILY)
    active = models.BooleanField(default=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_seen = models.CharField(
        max_length=64,
        blank=True,
        help_text="Newest hit seen by the last run (a PMID, or a trial's last update posted).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "watches"
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner__isnull=False) & Q(team__isnull=True))
                | (Q(owner__isnull=True) & Q(team__isnull=False)),
                name="watch_owner_xor_team",
            )
        ]
        indexes = [models.Index(fields=["active", "schedule", "last_run_at"], name="watch_due")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (self.owner_id is None) == (self.team_id is None):
            errors["team"] = "a watch belongs to one user or to one team, not both or neither"
        if self.kind == WatchKind.PUBLICATION and not self.query.strip():
            errors["query"] = "a publication watch needs a PubMed query"
        elif self.kind == WatchKind.PUBLICATION and self.mode == WatchMode.LIBRARY:
            try:  # run on the library, it is the library's search (PubMed reads a live one)
                query_language.parse(self.query)
            except query_language.QueryError as error:
                errors["query"] = error.message
        if self.kind == WatchKind.TRIAL and not (
            self.condition.strip() or self.intervention.strip() or self.sponsor.strip()
        ):
            errors["condition"] = "a trial watch needs a condition, an intervention or a sponsor"
        unknown_status = [s for s in self.statuses if s not in STATUS_LABELS]
        if unknown_status:
            errors["statuses"] = f"unknown overall status {', '.join(map(str, unknown_status))}"
        unknown_phase = [p for p in self.phases if p not in PHASE_LABELS]
        if unknown_phase:
            errors["phases"] = f"unknown phase {', '.join(map(str, unknown_phase))}"
        if errors:
            raise ValidationError(errors)

    def is_due(self, now: dt.datetime) -> bool:
        interval = SCHEDULE_INTERVALS.get(self.schedule)
        if not self.active or interval is None:
            return False
        return self.last_run_at is None or self.last_run_at + interval <= now

    @property
    def owner_label(self) -> str:
        if self.team_id is not None and self.team is not None:
            return f"team {self.team.name}"
        return self.owner.get_username() if self.owner is not None else "—"

    @property
    def criteria(self) -> str:
        """The search in words, for lists."""
        if self.kind == WatchKind.PUBLICATION:
            return self.query
        parts = [
            f"{label}: {value}"
            for label, value in (
                ("condition", self.condition),
                ("intervention", self.intervention),
                ("sponsor", self.sponsor),
                ("status", ", ".join(status_label(status) for status in self.statuses)),
                ("phase", ", ".join(phase_label(phase) for phase in self.phases)),
                ("country", self.country),
            )
            if value
        ]
        return "; ".join(parts)


class WatchRun(models.Model):
    """One run of a watch: when, how many hits it matched and how many alerts it wrote."""

    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="runs")
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    fetched = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    alerts_created = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.watch} at {self.started_at:%Y-%m-%d %H:%M}"


class AlertKind(models.TextChoices):
    NEW_PUBLICATION = "new_publication", "New publication"
    NEW_TRIAL = "new_trial", "New trial"
    TRIAL_STATUS_CHANGE = "trial_status_change", "Trial status change"


class TriageState(models.TextChoices):
    RELEVANT = "relevant", "Relevant"
    NOT_RELEVANT = "not_relevant", "Not relevant"
    COMPETITOR_INTELLIGENCE = "competitor_intelligence", "Competitor intelligence"
    SHARE_WITH_TEAM = "share_with_team", "Share with team"


class Alert(models.Model):
    """One new hit of a watch in one user's inbox, with that user's triage of it."""

    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="alerts")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=24, choices=AlertKind.choices)
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    trial = models.ForeignKey(
        Trial, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status_change = models.ForeignKey(
        TrialStatusChange, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The colleague who shared this alert with the team.",
    )
    triage_state = models.CharField(max_length=32, choices=TriageState.choices, blank=True)
    triage_note = models.TextField(blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "watch", "publication"],
                condition=Q(kind="new_publication"),
                name="alert_once_per_publication",
            ),
            models.UniqueConstraint(
                fields=["recipient", "watch", "trial"],
                condition=Q(kind="new_trial"),
                name="alert_once_per_trial",
            ),
            models.UniqueConstraint(
                fields=["recipient", "watch", "status_change"],
                condition=Q(kind="trial_status_change"),
                name="alert_once_per_status_change",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="alert_unread"),
        ]

    def __str__(self) -> str:
        return self.title[:120]

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def url(self) -> str:
        """The page of what the alert is about."""
        if self.publication_id is not None and self.publication is not None:
            return reverse("literature:publication-detail", args=[self.publication.pmid])
        if self.trial_id is not None and self.trial is not None:
            return reverse("trials:trial-detail", args=[self.trial.nct_id])
        return ""


class DigestPreference(models.Model):
    """Whether a user gets the daily e-mail digest, and when the last one went."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    enabled = models.BooleanField("send me a daily e-mail digest", default=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    last_digest_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"digest for {self.user}: {'on' if self.enabled else 'off'}"
