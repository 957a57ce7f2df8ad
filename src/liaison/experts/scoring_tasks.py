"""The background recompute of expert scores: a job with progress, ids in, one
service call (``services.scoring.score_all``)."""

from __future__ import annotations

from typing import IO

from django.db import transaction
from django.urls import reverse
from django_tasks import task

from liaison.core import downloads, jobs, policy
from liaison.core.models import Job, User
from liaison.directory.exporting import export_format
from liaison.directory.models import TherapeuticArea
from liaison.experts import selectors
from liaison.experts.models import ExpertScore

RECOMPUTE_KIND = "expert-scores"


def start_recompute(*, actor: User, area: TherapeuticArea | None = None) -> Job:
    """Queue the recompute of ``area``'s scores (every defined area when ``None``) as
    ``actor`` (administrators and insights leads); the job page links back to the
    rankings."""
    policy.require(actor, "recompute", ExpertScore)
    url = reverse("experts:ranking-list")
    if area is not None:
        url = f"{url}?area={area.pk}"
    title = f"Recompute the expert scores of {area.name}" if area else "Recompute expert scores"
    with transaction.atomic():
        job = jobs.create_job(
            owner=actor,
            kind=RECOMPUTE_KIND,
            title=title[:200],
            params={
                "area": area.pk if area is not None else None,
                "origin": {"label": "Expert rankings", "url": url},
            },
        )
        jobs.enqueue_after_commit(job, recompute_scores_task.enqueue)
    return job


@task()
def recompute_scores_task(job_id: int) -> int:
    """Recompute the scores of job ``job_id``'s area (or all) as its owner; returns
    the number of experts scored."""
    from liaison.experts.services import scoring

    job = Job.objects.select_related("owner").get(pk=job_id)
    area_id = job.params.get("area")
    experts = 0
    with jobs.running(job_id) as progress:
        chosen = None
        if area_id is not None:
            chosen = list(TherapeuticArea.objects.filter(pk=area_id))
        reports = scoring.score_all(actor=job.owner, areas_to_score=chosen, progress=progress)
        experts = sum(report.experts for report in reports)
        if not reports:
            message = "No therapeutic area has an evidence definition: nothing to score."
        else:
            message = "; ".join(report.summary for report in reports) + "."
        progress.flush(message=message[:1000])
    return experts


def stale_areas() -> list[TherapeuticArea]:
    """Defined areas whose scores are older than the evidence or the decisions behind
    them: a publication or trial stored or updated, a resolution run finished, a
    person's identity decision, new weights or a new definition since the area's
    oldest score (or with no score yet)."""
    from django.db.models import Max, Min

    from liaison.experts.models import (
        AreaDefinition,
        MentionDecision,
        PersonDecision,
        ResolutionRun,
        WeightSet,
    )
    from liaison.literature.models import Publication
    from liaison.trials.models import Trial

    changed = [
        Publication.objects.aggregate(at=Max("updated_at"))["at"],
        Trial.objects.aggregate(at=Max("updated_at"))["at"],
        ResolutionRun.objects.aggregate(at=Max("finished_at"))["at"],
        MentionDecision.objects.aggregate(at=Max("decided_at"))["at"],
        PersonDecision.objects.aggregate(at=Max("decided_at"))["at"],
    ]
    evidence = max((at for at in changed if at is not None), default=None)
    computed = dict(
        ExpertScore.objects.values("area_id")
        .annotate(at=Min("computed_at"))
        .values_list("area_id", "at")
    )
    own = {
        definition.area_id: definition.updated_at
        for definition in AreaDefinition.objects.only("area_id", "updated_at")
    }
    weights = dict(
        WeightSet.objects.values("area_id")
        .annotate(at=Max("created_at"))
        .values_list("area_id", "at")
    )
    stale = []
    for area in TherapeuticArea.objects.filter(pk__in=own).order_by("name"):
        at = computed.get(area.pk)
        newest = [own[area.pk], weights.get(area.pk), evidence]
        if at is None or any(moment is not None and moment > at for moment in newest):
            stale.append(area)
    return stale


@task()
def recompute_stale_scores_task() -> int:
    """Recompute the areas whose evidence changed since their scores (queued by the
    worker when it starts and after a resolution run), as the system; the number of
    experts scored."""
    from liaison.core import audit
    from liaison.experts.services import scoring

    areas = stale_areas()
    if not areas:
        return 0
    with audit.source("task"):
        reports = scoring.score_all(actor=None, areas_to_score=areas)
    return sum(report.experts for report in reports)


EXPORT_KIND = "experts-export"


def start_export(*, actor: User, filters: selectors.RankingFilters, format: str) -> Job:
    """Queue the export of the ranked list ``actor`` sees, filtered, as a download job."""
    area = selectors.check_filters(actor, filters)
    spec = export_format(format)
    return downloads.start_download_job(
        actor=actor,
        kind=EXPORT_KIND,
        title=f"Export the experts of {area.name} to {spec.label}",
        file_name=f"experts-{area.code}.{spec.name}",
        task=export_experts,
        params={"format": spec.name, "filters": filters.as_params()},
    )


def _write_export(job: Job, stream: IO[bytes], progress: jobs.Progress) -> str:
    filters = selectors.RankingFilters.from_params(job.params.get("filters", {}))
    count = selectors.write_export(
        job.owner, filters, format=job.params["format"], stream=stream, progress=progress
    )
    return f"{count:,} expert{'s' if count != 1 else ''} exported."


@task()
def export_experts(job_id: int) -> dict[str, int]:
    """Write the export of job ``job_id`` (its owner's policy, its filters and format)."""
    return downloads.write_job_file(job_id, _write_export)
