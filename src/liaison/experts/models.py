"""The experts app's records: what identity resolution decided and why, and the
scores, tiers and their weights per therapeutic area.

The resolved person of a mention is the mention's own ``hcp`` foreign key
(``literature.Authorship.hcp``, ``trials.TrialOfficial.hcp``); this app keeps
what a run cannot re-derive: human decisions (which every later run obeys), the
open proposals of the resolution queue, the evidence an HCP was discovered on,
and the scores with the contributions that explain them.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from liaison.directory.models import HCP, TherapeuticArea
from liaison.experts.weights import DEFAULT_WEIGHTS
from liaison.literature.models import Authorship, Publication
from liaison.trials.models import Trial, TrialOfficial

# --- identity resolution -------------------------------------------------------------


class ResolutionRun(models.Model):
    """One run of the resolver over the library's and the registry's mentions."""

    started_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentions = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    linked = models.PositiveIntegerField(default=0, help_text="mentions linked to an HCP")
    discovered = models.PositiveIntegerField(default=0, help_text="new HCPs created")
    proposals = models.PositiveIntegerField(default=0)
    stats = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Resolution run {self.pk} ({self.started_at:%Y-%m-%d %H:%M})"


class ProposalKind(models.TextChoices):
    LINK = "link", "Mentions that may be this HCP"
    DISCOVER = "discover", "A new expert found in the literature"
    DUPLICATE = "duplicate", "Two HCPs that may be one person"


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded by a later run"


class Proposal(models.Model):
    """An item of the resolution queue: what the resolver was not sure enough to do alone.

    ``mentions`` are the keys of the mentions concerned (``"a:<authorship id>"``,
    ``"o:<trial official id>"``); ``evidence`` the features and reasons shown to
    the user (names, affiliations, shared co-authors, topics, the model's score).
    """

    kind = models.CharField(max_length=12, choices=ProposalKind.choices)
    status = models.CharField(
        max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.OPEN, db_index=True
    )
    hcp = models.ForeignKey(
        HCP, null=True, blank=True, on_delete=models.CASCADE, related_name="resolution_proposals"
    )
    other_hcp = models.ForeignKey(
        HCP, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    mentions = models.JSONField(default=list, blank=True)
    score = models.FloatField(default=0.0, help_text="the model's probability of the same person")
    evidence = models.JSONField(default=dict, blank=True)
    run = models.ForeignKey(
        ResolutionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        indexes = [models.Index(fields=["status", "kind"], name="proposal_status_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.score:.2f})"


class Verdict(models.TextChoices):
    BELONGS = "belongs", "is this HCP"
    NOT_THIS = "not_this", "is not this HCP"


class MentionDecision(models.Model):
    """A person's decision that a mention is (or is not) an HCP: every later run obeys it.

    Exactly one of ``authorship`` and ``official`` is set."""

    authorship = models.ForeignKey(
        Authorship, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    official = models.ForeignKey(
        TrialOfficial, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    hcp = models.ForeignKey(HCP, on_delete=models.CASCADE, related_name="mention_decisions")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now, editable=False)
    reason = models.TextField(blank=True)
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(authorship__isnull=False, official__isnull=True)
                    | models.Q(authorship__isnull=True, official__isnull=False)
                ),
                name="mention_decision_one_mention",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mention_key} {self.get_verdict_display()} {self.hcp_id}"

    @property
    def mention_key(self) -> str:
        return f"a:{self.authorship_id}" if self.authorship_id else f"o:{self.official_id}"


class PairVerdict(models.TextChoices):
    SAME = "same", "are one person"
    DIFFERENT = "different", "are different people"


class PersonDecision(models.Model):
    """A person's decision that two HCPs are one person (merged) or different people
    (never proposed again)."""

    hcp = models.ForeignKey(HCP, null=True, on_delete=models.SET_NULL, related_name="+")
    other_hcp = models.ForeignKey(HCP, null=True, on_delete=models.SET_NULL, related_name="+")
    #: The names as they were decided: a merge deletes the other HCP.
    hcp_label = models.CharField(max_length=300, blank=True)
    other_label = models.CharField(max_length=300, blank=True)
    verdict = models.CharField(max_length=10, choices=PairVerdict.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now, editable=False)
    reason = models.TextField(blank=True)
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.hcp_label} / {self.other_label}: {self.get_verdict_display()}"


class Discovery(models.Model):
    """Why an HCP of origin "discovered" exists: the run and the mentions it was found in."""

    hcp = models.OneToOneField(HCP, on_delete=models.CASCADE, related_name="discovery")
    run = models.ForeignKey(
        ResolutionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"Discovery of HCP {self.hcp_id}"


# --- scores and tiers ------------------------------------------------------------------


def default_weights() -> dict[str, Any]:
    return copy.deepcopy(DEFAULT_WEIGHTS)


class AreaDefinition(models.Model):
    """What evidence belongs to a therapeutic area for scoring: MeSH descriptors
    (with their narrower terms' names as written in records), a library search in
    the literature's query syntax, and trial conditions."""

    area = models.OneToOneField(
        TherapeuticArea, on_delete=models.CASCADE, related_name="expert_definition"
    )
    mesh_terms = models.JSONField(default=list, blank=True, help_text="MeSH descriptor names")
    search_query = models.TextField(blank=True, help_text="a library search")
    conditions = models.JSONField(default=list, blank=True, help_text="trial condition words")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Evidence of {self.area}"

    def clean(self) -> None:
        if not (self.mesh_terms or self.search_query.strip() or self.conditions):
            raise ValidationError(
                "name at least one MeSH descriptor, a library search or a trial condition"
            )


class WeightSet(models.Model):
    """One version of an area's score weights and tier cut-offs; the newest is in force."""

    area = models.ForeignKey(TherapeuticArea, on_delete=models.CASCADE, related_name="weight_sets")
    version = models.PositiveIntegerField()
    weights = models.JSONField(default=default_weights)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["area", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["area", "version"], name="weight_set_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.area} weights v{self.version}"


class ExpertScore(models.Model):
    """An HCP's score in a therapeutic area, with its components, rank and tier.

    ``components`` holds each component's points (``publications``, ``trials``,
    ``network``...); ``history`` the points each year earned (for rising
    experts); ``tier`` is ranked within the area and the HCP's country."""

    hcp = models.ForeignKey(HCP, on_delete=models.CASCADE, related_name="expert_scores")
    area = models.ForeignKey(TherapeuticArea, on_delete=models.CASCADE, related_name="+")
    weight_set = models.ForeignKey(
        WeightSet, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.FloatField(default=0.0)
    components = models.JSONField(default=dict, blank=True)
    history = models.JSONField(default=dict, blank=True)
    country = models.CharField(max_length=2, blank=True)
    rank = models.PositiveIntegerField(default=0, help_text="in the area and country")
    percentile = models.FloatField(default=0.0)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    community = models.IntegerField(null=True, blank=True)
    rising = models.BooleanField(default=False)
    rising_reason = models.TextField(blank=True)
    growth = models.FloatField(default=0.0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["area", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["hcp", "area"], name="expert_score_unique_hcp_area")
        ]
        indexes = [
            models.Index(fields=["area", "country", "-score"], name="expert_score_area_country"),
            models.Index(fields=["area", "-score"], name="expert_score_area"),
        ]

    def __str__(self) -> str:
        return f"{self.hcp_id} in {self.area_id}: {self.score:.1f}"


class ContributionKind(models.TextChoices):
    PUBLICATION = "publication", "Publication"
    TRIAL = "trial", "Clinical trial"
    NETWORK = "network", "Co-authorship network"


class ScoreContribution(models.Model):
    """One piece of evidence behind a score, and how many points it brought and why."""

    score = models.ForeignKey(ExpertScore, on_delete=models.CASCADE, related_name="contributions")
    kind = models.CharField(max_length=12, choices=ContributionKind.choices)
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    trial = models.ForeignKey(
        Trial, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    points = models.FloatField()
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["score", "-points"]

    def __str__(self) -> str:
        return f"{self.kind} {self.points:.2f}"
