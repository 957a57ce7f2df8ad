"""Clinical trials as ClinicalTrials.gov registers them: the study, its sites and
officials, and the history of its overall status between loads.

Trials are evidence, not regulated records: they are written by the loader in
bulk (``services.load_studies``), never by hand, and carry no per-row audit.
Dates are kept as the registry gives them (``"2023-05"`` stays partial) beside
a sortable date (the first day the partial date names).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from liaison.directory.models import HCP, Organization
from liaison.lib.labels import label_of

#: Moves of the overall status that a watcher wants to hear about.
NOTABLE_MOVES: dict[str, frozenset[str]] = {
    "NOT_YET_RECRUITING": frozenset(
        {"RECRUITING", "ENROLLING_BY_INVITATION", "WITHDRAWN", "SUSPENDED", "TERMINATED"}
    ),
    "RECRUITING": frozenset(
        {"ACTIVE_NOT_RECRUITING", "COMPLETED", "SUSPENDED", "TERMINATED", "WITHDRAWN"}
    ),
    "ENROLLING_BY_INVITATION": frozenset(
        {"ACTIVE_NOT_RECRUITING", "COMPLETED", "SUSPENDED", "TERMINATED", "WITHDRAWN"}
    ),
    "ACTIVE_NOT_RECRUITING": frozenset({"COMPLETED", "SUSPENDED", "TERMINATED"}),
    "SUSPENDED": frozenset({"RECRUITING", "TERMINATED", "WITHDRAWN"}),
}

#: Phases in the order of a drug's development, with the words people use.
PHASE_LABELS: dict[str, str] = {
    "EARLY_PHASE1": "Early phase 1",
    "PHASE1": "Phase 1",
    "PHASE2": "Phase 2",
    "PHASE3": "Phase 3",
    "PHASE4": "Phase 4",
    "NA": "Not applicable",
}

STATUS_LABELS: dict[str, str] = {
    "NOT_YET_RECRUITING": "Not yet recruiting",
    "RECRUITING": "Recruiting",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "SUSPENDED": "Suspended",
    "TERMINATED": "Terminated",
    "COMPLETED": "Completed",
    "WITHDRAWN": "Withdrawn",
    "AVAILABLE": "Available",
    "NO_LONGER_AVAILABLE": "No longer available",
    "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available",
    "APPROVED_FOR_MARKETING": "Approved for marketing",
    "WITHHELD": "Withheld",
    "UNKNOWN": "Unknown status",
}

SPONSOR_CLASS_LABELS: dict[str, str] = {
    "INDUSTRY": "Industry",
    "NIH": "NIH",
    "FED": "U.S. federal",
    "OTHER_GOV": "Other government",
    "INDIV": "Individual",
    "NETWORK": "Network",
    "AMBIG": "Ambiguous",
    "OTHER": "Other",
    "UNKNOWN": "Unknown",
}


STUDY_TYPE_LABELS: dict[str, str] = {
    "INTERVENTIONAL": "Interventional",
    "OBSERVATIONAL": "Observational",
    "EXPANDED_ACCESS": "Expanded access",
}

ENROLLMENT_TYPE_LABELS: dict[str, str] = {"ACTUAL": "actual", "ESTIMATED": "estimated"}

INTERVENTION_TYPE_LABELS: dict[str, str] = {
    "BEHAVIORAL": "Behavioral",
    "BIOLOGICAL": "Biological",
    "COMBINATION_PRODUCT": "Combination product",
    "DEVICE": "Device",
    "DIAGNOSTIC_TEST": "Diagnostic test",
    "DIETARY_SUPPLEMENT": "Dietary supplement",
    "DRUG": "Drug",
    "GENETIC": "Genetic",
    "OTHER": "Other",
    "PROCEDURE": "Procedure",
    "RADIATION": "Radiation",
}

OFFICIAL_ROLE_LABELS: dict[str, str] = {
    "PRINCIPAL_INVESTIGATOR": "Principal investigator",
    "STUDY_CHAIR": "Study chair",
    "STUDY_DIRECTOR": "Study director",
    "SUB_INVESTIGATOR": "Sub-investigator",
}

# The registry's codes are stored as sent (a new code must not fail a load); a code
# no table above names yet is shown in words (liaison.lib.labels.humanize), never raw.


def status_label(status: str) -> str:
    return label_of(STATUS_LABELS, status, empty="—")


def phase_label(phase: str) -> str:
    return label_of(PHASE_LABELS, phase)


def sponsor_class_label(sponsor_class: str) -> str:
    return label_of(SPONSOR_CLASS_LABELS, sponsor_class)


def study_type_label(study_type: str) -> str:
    return label_of(STUDY_TYPE_LABELS, study_type)


def intervention_type_label(kind: str) -> str:
    return label_of(INTERVENTION_TYPE_LABELS, kind)


class Trial(models.Model):
    """One registered study, keyed on its NCT ID."""

    nct_id = models.CharField("NCT ID", max_length=11, unique=True)
    brief_title = models.TextField(blank=True)
    official_title = models.TextField(blank=True)
    acronym = models.CharField(max_length=200, blank=True)
    overall_status = models.CharField(max_length=40, blank=True, db_index=True)
    status_verified_date = models.CharField(max_length=10, blank=True)
    why_stopped = models.TextField(blank=True)
    phases = models.JSONField(default=list, blank=True)
    # "|PHASE2|PHASE3|": a phase filter is one indexed-free LIKE on every database.
    phase_key = models.CharField(max_length=80, blank=True, editable=False)
    study_type = models.CharField(max_length=40, blank=True)
    enrollment_count = models.IntegerField(null=True, blank=True)
    enrollment_type = models.CharField(max_length=20, blank=True)
    conditions = models.JSONField(default=list, blank=True)
    condition_mesh = models.JSONField(default=list, blank=True, help_text="[{id, term}]")
    keywords = models.JSONField(default=list, blank=True)
    interventions = models.JSONField(
        default=list, blank=True, help_text="[{type, name, description, other_names}]"
    )
    arms = models.JSONField(
        default=list, blank=True, help_text="[{label, type, description, intervention_names}]"
    )
    lead_sponsor_name = models.TextField(blank=True)
    lead_sponsor_class = models.CharField(max_length=20, blank=True, db_index=True)
    collaborators = models.JSONField(default=list, blank=True, help_text="[{name, class}]")
    primary_outcomes = models.JSONField(default=list, blank=True)
    secondary_outcomes = models.JSONField(default=list, blank=True)
    start_date = models.CharField(
        max_length=10, blank=True, help_text="As given: 2023-05-14, 2023-05"
    )
    start_on = models.DateField(null=True, blank=True, help_text="Sortable: first day named")
    primary_completion_date = models.CharField(max_length=10, blank=True)
    primary_completion_on = models.DateField(null=True, blank=True)
    completion_date = models.CharField(max_length=10, blank=True)
    completion_on = models.DateField(null=True, blank=True)
    first_posted = models.DateField(null=True, blank=True)
    last_update_posted = models.DateField(null=True, blank=True)
    has_results = models.BooleanField(null=True, blank=True)
    reference_pmids = models.JSONField(default=list, blank=True)
    # Folded (accent-free, lower-case) keys for search, derived by the loader.
    search_text = models.TextField(blank=True, editable=False)
    intervention_text = models.TextField(blank=True, editable=False)
    condition_text = models.TextField(blank=True, editable=False)
    # SHA-256 of what was stored: a re-load of the same study changes nothing.
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["nct_id"]
        indexes = [
            models.Index(fields=["lead_sponsor_name"], name="trial_sponsor"),
            models.Index(fields=["-last_update_posted", "nct_id"], name="trial_last_update"),
            models.Index(fields=["start_on", "nct_id"], name="trial_start"),
        ]

    def __str__(self) -> str:
        return f"{self.nct_id}: {self.brief_title}" if self.brief_title else self.nct_id

    @property
    def title(self) -> str:
        return self.brief_title or self.official_title or self.nct_id

    @property
    def status_label(self) -> str:
        return status_label(self.overall_status)

    @property
    def phase_labels(self) -> list[str]:
        return [phase_label(phase) for phase in self.phases]

    @property
    def sponsor_class_label(self) -> str:
        return sponsor_class_label(self.lead_sponsor_class)

    @property
    def study_type_label(self) -> str:
        return study_type_label(self.study_type)

    @property
    def enrollment_type_label(self) -> str:
        """``"actual"`` or ``"estimated"``, as it reads after the count: "120 (estimated)"."""
        return label_of(ENROLLMENT_TYPE_LABELS, self.enrollment_type).lower()

    @property
    def intervention_list(self) -> list[dict[str, Any]]:
        """The interventions with their type in words (``type_label``)."""
        return [
            {**item, "type_label": intervention_type_label(str(item.get("type") or ""))}
            for item in self.interventions
            if isinstance(item, dict)
        ]

    @property
    def registry_url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}"


class TrialSite(models.Model):
    """A location of a trial, in the registry's order; ``organization`` once resolved."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sites")
    position = models.PositiveIntegerField()
    facility = models.TextField(blank=True)
    city = models.TextField(blank=True)
    state = models.TextField(blank=True)
    zip = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=100, blank=True, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=40, blank=True)
    contacts = models.JSONField(default=list, blank=True, help_text="[{name, role, phone, email}]")
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="trial_sites"
    )

    class Meta:
        ordering = ["trial", "position"]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.facility, self.city, self.country) if part)

    @property
    def status_label(self) -> str:
        return status_label(self.status)


class TrialOfficial(models.Model):
    """An overall official (principal investigator, chair, director); ``hcp`` once resolved."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="officials")
    position = models.PositiveIntegerField()
    name = models.TextField(blank=True)
    affiliation = models.TextField(blank=True)
    role = models.CharField(max_length=40, blank=True)
    hcp = models.ForeignKey(
        HCP, on_delete=models.SET_NULL, null=True, blank=True, related_name="trial_roles"
    )

    class Meta:
        ordering = ["trial", "position"]

    def __str__(self) -> str:
        return self.name

    @property
    def role_label(self) -> str:
        return label_of(OFFICIAL_ROLE_LABELS, self.role)


class TrialStatusChange(models.Model):
    """A load saw an overall status other than the stored one."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=40)
    new_status = models.CharField(max_length=40)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_update_posted = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-seen_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trial_id}: {self.old_status} -> {self.new_status}"

    @property
    def is_notable(self) -> bool:
        """Worth an alert: recruitment opened, closed, or the trial ended or stopped."""
        return self.new_status in NOTABLE_MOVES.get(self.old_status, frozenset())

    @property
    def old_label(self) -> str:
        return status_label(self.old_status)

    @property
    def new_label(self) -> str:
        return status_label(self.new_status)
