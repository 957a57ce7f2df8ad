"""Background tasks of field engagement: ids in, one service call."""

from __future__ import annotations

from typing import IO, Any

from django.db import transaction
from django.urls import reverse
from django_tasks import task

from liaison.core import downloads, jobs, policy
from liaison.core.jobs import Progress
from liaison.core.models import Job, User
from liaison.engagement.models import Theme
from liaison.engagement.services import exporting
from liaison.engagement.services import themes as theme_services

EXPORT_KIND = "engagement-export"


def start_export(*, actor: User, subject: str, filters: Any, format: str) -> Job:
    """Queue the export of ``subject`` (interactions or insights) ``actor`` may export,
    filtered, as a download job."""
    exporting.subject_of(subject)
    exporting.require_exporter(actor, subject)
    spec = exporting.export_format(format)
    params = (
        exporting.insight_filters_params(filters) if subject == "insights" else filters.as_params()
    )
    return downloads.start_download_job(
        actor=actor,
        kind=EXPORT_KIND,
        title=f"Export {subject} to {spec.label}",
        file_name=f"{subject}.{spec.name}",
        task=export_engagement,
        params={"subject": subject, "format": spec.name, "filters": params},
    )


def _write_export(job: Job, stream: IO[bytes], progress: Progress) -> str:
    subject = job.params["subject"]
    raw = job.params.get("filters", {})
    filters = (
        exporting.insight_filters_from(raw)
        if subject == "insights"
        else exporting.InteractionFilters.from_params(raw)
    )
    count = exporting.write_export(
        job.owner, subject, filters, format=job.params["format"], stream=stream, progress=progress
    )
    return f"{count:,} {subject if count != 1 else subject[:-1]} exported."


@task()
def export_engagement(job_id: int) -> dict[str, int]:
    """Write the export of job ``job_id`` (its owner's policy, its subject, filters, format)."""
    return downloads.write_job_file(job_id, _write_export)


THEMES_KIND = "theme-recompute"


def start_theme_recompute(*, actor: User) -> Job:
    """Queue a recomputation of the insight themes (insights leads and
    administrators); the job page links back to the themes."""
    policy.require(actor, "recompute", Theme)
    with transaction.atomic():
        job = jobs.create_job(
            owner=actor,
            kind=THEMES_KIND,
            title="Recompute the insight themes",
            params={"origin": {"label": "Themes", "url": reverse("engagement:theme-list")}},
        )
        jobs.enqueue_after_commit(job, recompute_themes_task.enqueue)
    return job


@task()
def recompute_themes_task(job_id: int) -> int:
    """Recompute the themes as job ``job_id``'s owner; returns the number of themes."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    count = 0
    with jobs.running(job_id) as progress:
        report = theme_services.recompute_themes(actor=job.owner, progress=progress)
        count = report.themes
        progress.flush(message=report.summary[:1].upper() + report.summary[1:] + ".")
    return count
